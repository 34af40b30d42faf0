import type { Activity } from '../../shared/schemas/activity.ts';
import type { IntentSignal } from '../../shared/schemas/intent-signal.ts';
import { type Lead, leadSchema } from '../../shared/schemas/lead.ts';
import type { Outcome } from '../../shared/schemas/outcome.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';

/**
 * A LeadHistorySource over records held in memory, for tests and small backtests. It keeps the
 * contract's promises (strict "before", oldest first, leads in a stable order, batches) so code
 * tested against it behaves the same on the Redis store.
 */

interface Timed<T> {
  atMs: number;
  record: T;
}

function byTime<T>(left: Timed<T>, right: Timed<T>): number {
  return left.atMs - right.atMs;
}

/** Records with time < before, from a list sorted by time (binary search for the cut). */
function before<T>(list: readonly Timed<T>[] | undefined, beforeMs: number): T[] {
  if (list === undefined) return [];
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle].atMs < beforeMs) low = middle + 1;
    else high = middle;
  }
  const result: T[] = new Array(low);
  for (let i = 0; i < low; i += 1) result[i] = list[i].record;
  return result;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

export interface HistoryRecords {
  leads: readonly Lead[];
  activities: readonly Activity[];
  outcomes: readonly Outcome[];
  intent: readonly IntentSignal[];
}

export class InMemoryLeadHistory implements LeadHistorySource {
  private readonly leadsByTenant = new Map<string, Lead[]>();
  private readonly leadsById = new Map<string, Lead>();
  private readonly activities = new Map<string, Timed<Activity>[]>();
  private readonly outcomeLists = new Map<string, Timed<Outcome>[]>();
  private readonly accounts = new Map<string, string[]>();
  private readonly intent = new Map<string, Timed<IntentSignal>[]>();

  constructor(records: HistoryRecords) {
    for (const lead of records.leads) {
      push(this.leadsByTenant, lead.tenantId, lead);
      this.leadsById.set(key(lead.tenantId, lead.id), lead);
      if (lead.accountKey !== null) push(this.accounts, key(lead.tenantId, lead.accountKey), lead.id);
    }
    for (const activity of records.activities) {
      push(this.activities, key(activity.tenantId, activity.leadId), {
        atMs: Date.parse(activity.occurredAt),
        record: activity,
      });
    }
    for (const outcome of records.outcomes) {
      push(this.outcomeLists, key(outcome.tenantId, outcome.leadId), {
        atMs: Date.parse(outcome.occurredAt),
        record: outcome,
      });
    }
    // Intent is imported per tenant in production; here every tenant shares the records given.
    for (const signal of records.intent) {
      push(this.intent, signal.domain, { atMs: Date.parse(signal.observedAt), record: signal });
    }
    for (const list of this.activities.values()) list.sort(byTime);
    for (const list of this.outcomeLists.values()) list.sort(byTime);
    for (const list of this.intent.values()) list.sort(byTime);
  }

  async *scanLeads(tenantId: string, batchSize = 500): AsyncIterable<Lead[]> {
    const leads = this.leadsByTenant.get(tenantId) ?? [];
    for (let start = 0; start < leads.length; start += batchSize) {
      yield leads.slice(start, start + batchSize);
    }
  }

  async lead(tenantId: string, leadId: string): Promise<Lead | undefined> {
    return this.leadsById.get(key(tenantId, leadId));
  }

  async activitiesBefore(tenantId: string, leadId: string, beforeMs: number): Promise<Activity[]> {
    return before(this.activities.get(key(tenantId, leadId)), beforeMs);
  }

  async outcomes(tenantId: string, leadId: string): Promise<Outcome[]> {
    return before(this.outcomeLists.get(key(tenantId, leadId)), Number.POSITIVE_INFINITY);
  }

  async leadIdsOfAccount(tenantId: string, accountKey: string): Promise<string[]> {
    return [...(this.accounts.get(key(tenantId, accountKey)) ?? [])];
  }

  async intentBefore(_tenantId: string, domain: string, beforeMs: number): Promise<IntentSignal[]> {
    return before(this.intent.get(domain), beforeMs);
  }
}

function key(tenantId: string, id: string): string {
  return `${tenantId}\u0000${id}`;
}

/** What the generator emits for a lead: canonical, except dirty records that bend the types. */
export interface RawLeadRecord extends Omit<Lead, 'email' | 'company' | 'employees' | 'annualRevenue'> {
  email?: string | null;
  company?: string | null;
  employees: number | string | null;
  annualRevenue: number | string | null;
}

/**
 * The lead as the sync would store it: a missing key is null, text in a number field is unknown,
 * an updatedAt before createdAt is createdAt. Returns undefined when it is still not a valid Lead
 * (the sync reports and skips those).
 */
export function canonicalLead(raw: RawLeadRecord): Lead | undefined {
  const updatedAt = Date.parse(raw.updatedAt) < Date.parse(raw.createdAt) ? raw.createdAt : raw.updatedAt;
  const candidate = {
    ...raw,
    email: raw.email ?? null,
    company: raw.company ?? null,
    employees: typeof raw.employees === 'number' ? raw.employees : null,
    annualRevenue: typeof raw.annualRevenue === 'number' ? raw.annualRevenue : null,
    updatedAt,
  };
  const parsed = leadSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/** An in-memory history from generator output (fixtures/generator: generateDataset). */
export function historyFromRecords(records: {
  leads: readonly RawLeadRecord[];
  activities: readonly Activity[];
  outcomes: readonly Outcome[];
  intent: readonly IntentSignal[];
}): InMemoryLeadHistory {
  const leads: Lead[] = [];
  for (const raw of records.leads) {
    const lead = canonicalLead(raw);
    if (lead !== undefined) leads.push(lead);
  }
  return new InMemoryLeadHistory({ ...records, leads });
}
