import { type Activity, type ActivityType, activitySchema } from '../schemas/activity.ts';
import { validateRecord } from '../schemas/validate.ts';
import { recordIdProblem, tenantKeys } from './keys.ts';
import type { UpsertReport } from './leads.repository.ts';
import { execOrThrow, MEMBER_SEPARATOR, type RedisClient, splitMember } from './redis-scripts.ts';

/**
 * One sorted set per lead, scored by time (epoch ms), so "strictly before s" is a single range
 * read. A member is `<activity id>\x1f<code><detail>`: one letter stands for the type, lower case
 * when there is no detail and upper case before one. Small sets stay in Redis's packed listpack
 * encoding (no JSON, no field names, no per-activity key), which is what keeps an activity near
 * 40-50 bytes. A type without a letter (added to the schema later) is stored by name after `~`.
 * Codes are part of the stored format: never change or reuse one.
 *
 * An id that starts with its lead's id and a colon (`hs:1:contact:7:emails:9`, as providers whose
 * record ids are not globally unique build them) is stored without that prefix, after `\x1e`: the
 * key already names the lead, and a member over 64 bytes would turn the whole set into Redis's
 * skiplist encoding, about four times the size. Ids cannot contain control characters, so the
 * marker never starts a stored id of its own.
 */
const TYPE_CODES: Readonly<Record<string, string>> = {
  email_open: 'a',
  email_click: 'b',
  page_view: 'c',
  pricing_page_view: 'd',
  form_submit: 'e',
  content_download: 'f',
  webinar: 'g',
  demo_request: 'h',
  meeting: 'i',
  call: 'j',
  task: 'k',
  campaign_response: 'l',
};
const TYPES_BY_CODE = new Map(Object.entries(TYPE_CODES).map(([type, code]) => [code, type]));
const NAMED_TYPE = '~';
const WITHIN_LEAD = '\x1e';

/** The stored identity of an activity id within its lead's set (see above). */
function storedIdentity(leadId: string, id: string): string {
  const prefix = `${leadId}:`;
  return id.length > prefix.length && id.startsWith(prefix) ? `${WITHIN_LEAD}${id.slice(prefix.length)}` : id;
}

function activityId(leadId: string, identity: string): string {
  return identity.startsWith(WITHIN_LEAD) ? `${leadId}:${identity.slice(1)}` : identity;
}

export function encodeActivityMember(activity: Activity): string {
  const code = TYPE_CODES[activity.type];
  const head = `${storedIdentity(activity.leadId, activity.id)}${MEMBER_SEPARATOR}`;
  if (code === undefined) {
    return `${head}${NAMED_TYPE}${activity.type}${MEMBER_SEPARATOR}${activity.detail === null ? '' : `=${activity.detail}`}`;
  }
  return activity.detail === null ? `${head}${code}` : `${head}${code.toUpperCase()}${activity.detail}`;
}

function decodeMember(tenantId: string, leadId: string, member: string, score: number): Activity {
  const [identity, payload] = splitMember(member);
  const id = activityId(leadId, identity);
  const occurredAt = new Date(score).toISOString();
  const first = payload.charAt(0);
  if (first === NAMED_TYPE) {
    const [type, rest] = splitMember(payload.slice(1));
    const detail = rest.startsWith('=') ? rest.slice(1) : null;
    return { id, tenantId, leadId, type: type as ActivityType, occurredAt, detail };
  }
  const lower = first.toLowerCase();
  const type = TYPES_BY_CODE.get(lower);
  if (type === undefined)
    throw new Error(`stored activity ${id} of lead ${leadId} has unknown type code "${first}"`);
  const detail = first === lower ? null : payload.slice(1);
  return { id, tenantId, leadId, type: type as ActivityType, occurredAt, detail };
}

function decodeRange(tenantId: string, leadId: string, flat: string[]): Activity[] {
  const activities: Activity[] = [];
  for (let index = 0; index < flat.length; index += 2) {
    activities.push(decodeMember(tenantId, leadId, flat[index], Number(flat[index + 1])));
  }
  return activities;
}

const LEADS_PER_PIPELINE = 200;

/** Activities of a lead, time-ordered; an upsert is idempotent on the activity id. */
export class ActivitiesRepository {
  constructor(private readonly redis: RedisClient) {}

  async upsertMany(tenantId: string, records: readonly unknown[]): Promise<UpsertReport> {
    const keys = tenantKeys(tenantId);
    const report: UpsertReport = { written: 0, unchanged: 0, rejected: [] };
    const byLead = new Map<string, (string | number)[]>();
    let valid = 0;
    for (const record of records) {
      const result = validateRecord(activitySchema, record);
      if (!result.ok) {
        const id = typeof record === 'object' && record !== null && 'id' in record ? String(record.id) : null;
        report.rejected.push({ id, problems: result.problems });
        continue;
      }
      const activity = result.value;
      if (activity.tenantId !== tenantId) {
        report.rejected.push({
          id: activity.id,
          problems: [{ field: 'tenantId', reason: `belongs to ${activity.tenantId}, not ${tenantId}` }],
        });
        continue;
      }
      const idProblem = recordIdProblem(activity.id) ?? recordIdProblem(activity.leadId);
      if (idProblem !== null) {
        report.rejected.push({
          id: activity.id,
          problems: [{ field: 'id', reason: `id and leadId ${idProblem}` }],
        });
        continue;
      }
      valid += 1;
      const pairs = byLead.get(activity.leadId) ?? [];
      pairs.push(Date.parse(activity.occurredAt), encodeActivityMember(activity));
      byLead.set(activity.leadId, pairs);
    }
    const leads = [...byLead.entries()];
    for (let start = 0; start < leads.length; start += LEADS_PER_PIPELINE) {
      const pipeline = this.redis.pipeline();
      for (const [leadId, pairs] of leads.slice(start, start + LEADS_PER_PIPELINE)) {
        pipeline.lsUpsertMembers(keys.activities(leadId), ...pairs);
      }
      const changed = (await execOrThrow(pipeline, `upsert activities of ${tenantId}`)) as number[];
      for (const count of changed) report.written += count;
    }
    report.unchanged = valid - report.written;
    return report;
  }

  /** Removes activities deleted in the CRM; returns how many were stored. Unknown ids are ignored. */
  async remove(tenantId: string, leadId: string, activityIds: readonly string[]): Promise<number> {
    if (activityIds.length === 0) return 0;
    return this.redis.lsRemoveMembers(
      tenantKeys(tenantId).activities(leadId),
      ...activityIds.map((id) => storedIdentity(leadId, id)),
    );
  }

  /** The lead's activities with occurredAt < at (epoch ms), oldest first. */
  async before(tenantId: string, leadId: string, at: number): Promise<Activity[]> {
    const flat = await this.redis.zrangebyscore(
      tenantKeys(tenantId).activities(leadId),
      '-inf',
      `(${at}`,
      'WITHSCORES',
    );
    return decodeRange(tenantId, leadId, flat);
  }

  /** The lead's activities with from <= occurredAt < to (epoch ms), oldest first. */
  async between(tenantId: string, leadId: string, from: number, to: number): Promise<Activity[]> {
    const flat = await this.redis.zrangebyscore(
      tenantKeys(tenantId).activities(leadId),
      from,
      `(${to}`,
      'WITHSCORES',
    );
    return decodeRange(tenantId, leadId, flat);
  }

  /** Every activity of the lead, oldest first. */
  async all(tenantId: string, leadId: string): Promise<Activity[]> {
    const flat = await this.redis.zrange(tenantKeys(tenantId).activities(leadId), 0, '-1', 'WITHSCORES');
    return decodeRange(tenantId, leadId, flat);
  }

  async count(tenantId: string, leadId: string): Promise<number> {
    return this.redis.zcard(tenantKeys(tenantId).activities(leadId));
  }
}
