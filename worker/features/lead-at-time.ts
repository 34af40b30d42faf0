import type { Activity, ActivityType } from '../../shared/schemas/activity.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';

/**
 * Everything feature computation may know about a lead at a time s: the lead's profile, its own and
 * its colleagues' activities before s, and its domain's intent before s. Outcomes are not here: they
 * are labels, never features.
 */

export interface TimedActivity {
  type: ActivityType;
  atMs: number;
  detail: string | null;
}

export interface TimedIntent {
  topic: string;
  surgeScore: number;
  atMs: number;
}

export interface ColleagueAtTime {
  lead: Lead;
  /** Oldest first. */
  activities: readonly TimedActivity[];
}

export interface LeadAtTime {
  /** The snapshot time s (epoch ms); everything below is strictly before it. */
  asOfMs: number;
  lead: Lead;
  /** Oldest first. */
  activities: readonly TimedActivity[];
  /** The other leads of the account created before s. */
  colleagues: readonly ColleagueAtTime[];
  /** Oldest first. */
  intent: readonly TimedIntent[];
}

/** Parsed times, kept per record object so a cached record is parsed once however often it is read. */
const parsedTimes = new WeakMap<object, number>();

function timeOf(record: object, iso: string): number {
  const known = parsedTimes.get(record);
  if (known !== undefined) return known;
  const atMs = Date.parse(iso);
  parsedTimes.set(record, atMs);
  return atMs;
}

/**
 * Keeps what is strictly before s even if a source returned more: the store promises it, and this
 * guard makes a store bug (an off-by-one, a cache served late) unable to leak the future into a row.
 */
function strictlyBefore<T extends { atMs: number }>(list: T[], asOfMs: number): T[] {
  return list.every((item) => item.atMs < asOfMs) ? list : list.filter((item) => item.atMs < asOfMs);
}

/** The timed form of each activity, kept per record object like the times above. */
const timedForms = new WeakMap<Activity, TimedActivity>();

function timedActivity(activity: Activity): TimedActivity {
  let timed = timedForms.get(activity);
  if (timed === undefined) {
    timed = { type: activity.type, atMs: Date.parse(activity.occurredAt), detail: activity.detail };
    timedForms.set(activity, timed);
  }
  return timed;
}

async function timedActivities(
  source: LeadHistorySource,
  tenantId: string,
  leadId: string,
  asOfMs: number,
): Promise<TimedActivity[]> {
  const activities = await source.activitiesBefore(tenantId, leadId, asOfMs);
  return strictlyBefore(activities.map(timedActivity), asOfMs);
}

export function createdAtMs(lead: Lead): number {
  return timeOf(lead, lead.createdAt);
}

/**
 * Reads a lead at time s through the store's read contract. Returns undefined when the lead does
 * not exist or was created at or after s (it did not exist yet).
 */
export async function readLeadAtTime(
  source: LeadHistorySource,
  tenantId: string,
  leadId: string,
  asOfMs: number,
): Promise<LeadAtTime | undefined> {
  const lead = await source.lead(tenantId, leadId);
  if (lead === undefined || !(createdAtMs(lead) < asOfMs)) return undefined;
  const activities = await timedActivities(source, tenantId, leadId, asOfMs);
  const colleagues: ColleagueAtTime[] = [];
  if (lead.accountKey !== null) {
    for (const colleagueId of await source.leadIdsOfAccount(tenantId, lead.accountKey)) {
      if (colleagueId === lead.id) continue;
      const colleague = await source.lead(tenantId, colleagueId);
      if (colleague === undefined || !(createdAtMs(colleague) < asOfMs)) continue;
      colleagues.push({
        lead: colleague,
        activities: await timedActivities(source, tenantId, colleagueId, asOfMs),
      });
    }
  }
  const intent: TimedIntent[] = [];
  if (lead.domain !== null) {
    for (const signal of await source.intentBefore(tenantId, lead.domain, asOfMs)) {
      intent.push({
        topic: signal.topic,
        surgeScore: signal.surgeScore,
        atMs: timeOf(signal, signal.observedAt),
      });
    }
  }
  return { asOfMs, lead, activities, colleagues, intent: strictlyBefore(intent, asOfMs) };
}
