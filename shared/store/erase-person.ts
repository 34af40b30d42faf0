import { type Job, type JobType, Queue } from 'bullmq';
import { defaultQueuePrefix, queueNames } from '../../worker/queues/queue-names.ts';
import { tenantKeys, tenantTag } from './keys.ts';
import { ModelsRepository } from './models.repository.ts';
import type { RedisClient } from './redis-scripts.ts';
import { ScoresRepository } from './scores.repository.ts';
import type { Store } from './store.ts';
import { WritebackStateRepository } from './writeback-state.repository.ts';

export interface ErasePersonDependencies {
  redis: RedisClient;
  store: Store;
  /** BullMQ key prefix of the queues (config QUEUE_PREFIX); the default one when absent. */
  queuePrefix?: string;
}

export interface ErasureReport {
  /** Whether the store held a lead record under this id. */
  leadFound: boolean;
  /** Keys deleted whole (the lead's activities, outcomes, identity links...). */
  removedKeys: number;
  /** Hash fields, set members and list entries removed from keys shared with other leads. */
  removedEntries: number;
  /** Examples of the lead removed from stored model test windows (the training snapshots kept). */
  testWindowExamples: number;
  /** Jobs removed because they were about this lead only, or finished and naming it. */
  removedJobs: number;
  /** Pending jobs of several leads that go on without this one. */
  updatedJobs: number;
}

/** Job states whose data can still name the lead; finished jobs are kept for a bounded time. */
const jobStates: JobType[] = [
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
  'active',
  'completed',
  'failed',
];
const FINISHED = new Set<string>(['completed', 'failed']);
const PAGE = 500;

/** Whether a hash field or list entry names the lead: the id itself, or the id between separators. */
function names(text: string, id: string): boolean {
  if (text === id) return true;
  const at = text.indexOf(id);
  if (at < 0) return false;
  const before = at === 0 ? '' : text.charAt(at - 1);
  const after = text.charAt(at + id.length);
  const separator = (character: string) => character === '' || !/[A-Za-z0-9]/.test(character);
  return separator(before) && separator(after);
}

/**
 * Sweeps every key of the tenant for what the specific steps may not know about (keys other parts of
 * the product add later): keys named after the lead go, and in hashes, sets, sorted sets and lists
 * the fields, members and entries naming the lead (or, in sets, its CRM id) go. Values inside other
 * encodings are the business of their repositories, called before this.
 */
async function sweepTenantKeys(
  deps: ErasePersonDependencies,
  tenantId: string,
  ids: { leadId: string; crmId: string | undefined; email: string | undefined },
): Promise<{ keys: number; entries: number }> {
  const { redis } = deps;
  const tag = tenantTag(tenantId);
  let keys = 0;
  let entries = 0;
  for (const key of await deps.store.keysOf(tenantId)) {
    const name = key.slice(tag.length);
    // Other leads' activity and outcome keys hold only their own lead's records: skipping them keeps
    // the sweep to the tenant's shared keys instead of two keys per lead.
    if ((name.startsWith('act:') || name.startsWith('outcome:')) && !names(name, ids.leadId)) continue;
    if (names(name, ids.leadId)) {
      keys += await redis.unlink(key);
      continue;
    }
    const type = await redis.type(key);
    if (type === 'hash') {
      let cursor = '0';
      const doomed: string[] = [];
      do {
        const [next, flat] = await redis.hscan(key, cursor, 'MATCH', `*${ids.leadId}*`, 'COUNT', 1000);
        for (let index = 0; index < flat.length; index += 2) {
          const field = flat[index] ?? '';
          if (names(field, ids.leadId)) doomed.push(field);
        }
        cursor = next;
      } while (cursor !== '0');
      if (doomed.length > 0) entries += await redis.hdel(key, ...doomed);
    } else if (type === 'zset' || type === 'set') {
      const found: string[] = [];
      for (const id of [ids.leadId, ids.crmId]) {
        if (id === undefined) continue;
        const present =
          type === 'zset' ? (await redis.zscore(key, id)) !== null : (await redis.sismember(key, id)) === 1;
        if (present) found.push(id);
      }
      if (found.length > 0) {
        entries += type === 'zset' ? await redis.zrem(key, ...found) : await redis.srem(key, ...found);
      }
    } else if (type === 'list') {
      for (const entry of await redis.lrange(key, 0, -1)) {
        if (names(entry, ids.leadId) || (ids.email !== undefined && entry.includes(ids.email))) {
          entries += await redis.lrem(key, 0, entry);
        }
      }
    }
  }
  return { keys, entries };
}

/** What is left of a job's data without the lead: undefined when nothing of the job's work remains. */
function withoutLead(data: Record<string, unknown>, leadId: string, crmId: string | undefined) {
  let mentioned = false;
  const next: Record<string, unknown> = { ...data };
  for (const field of ['leadIds', 'crmIds'] as const) {
    const list = data[field];
    if (!Array.isArray(list)) continue;
    const kept = list.filter((id) => id !== leadId && id !== crmId);
    if (kept.length === list.length) continue;
    mentioned = true;
    if (kept.length === 0 && field === 'crmIds') return { mentioned, next: undefined };
    next[field] = kept;
  }
  if (data.leadId === leadId) {
    mentioned = true;
    delete next.leadId;
  }
  // A job that named only this lead (a route of one lead, a writeback of one) has nothing left to do;
  // an empty score `leadIds` would mean "every lead", so that job goes too.
  const emptied =
    (Array.isArray(next.leadIds) && next.leadIds.length === 0) ||
    ('leadId' in data && !('leadId' in next) && !Array.isArray(next.leadIds));
  return { mentioned, next: emptied ? undefined : next };
}

async function eraseFromJobs(
  deps: ErasePersonDependencies,
  tenantId: string,
  leadId: string,
  crmId: string | undefined,
): Promise<{ removed: number; updated: number }> {
  const result = { removed: 0, updated: 0 };
  const prefix = deps.queuePrefix ?? defaultQueuePrefix;
  for (const name of queueNames) {
    const queue = new Queue(name, { connection: deps.redis, prefix });
    try {
      for (const state of jobStates) {
        for (let start = 0; ; ) {
          const jobs: Job[] = await queue.getJobs([state], start, start + PAGE - 1, true);
          if (jobs.length === 0) break;
          let removedHere = 0;
          for (const job of jobs) {
            const data = job.data as Record<string, unknown> | null;
            if (data === null || typeof data !== 'object' || data.tenantId !== tenantId) continue;
            const { mentioned, next } = withoutLead(data, leadId, crmId);
            if (!mentioned) continue;
            if (state !== 'active' && (next === undefined || FINISHED.has(state))) {
              try {
                await job.remove();
                result.removed += 1;
                removedHere += 1;
                continue;
              } catch {
                // Taken by a worker meanwhile: its data is rewritten below instead.
              }
            }
            // A running job keeps its own copy; its stored data loses the lead. Nothing left to do is
            // written as a payload its queue refuses, so a retry fails instead of widening the work
            // (an empty score job would rescore the whole tenant).
            await job.updateData(next ?? { tenantId, erasedLead: true });
            result.updated += 1;
          }
          start += jobs.length - removedHere;
        }
      }
    } finally {
      await queue.close();
    }
  }
  return result;
}

/**
 * Erases one person of a tenant everywhere LeadScore keeps them (GDPR Art. 17, the HubSpot
 * privacy-deletion webhook, the admin's erase button): the lead record with its activities,
 * outcomes, identity links and index entries, the score and its history, write-back and routing
 * state, the sync's hygiene entries, the lead's examples in stored model test windows (the only
 * training snapshots kept: examples are otherwise computed in memory at each training), and job
 * data naming the lead. Safe to repeat: a second call finds nothing and removes nothing.
 */
export async function erasePerson(
  deps: ErasePersonDependencies,
  tenantId: string,
  leadId: string,
): Promise<ErasureReport> {
  const { redis, store } = deps;
  const keys = tenantKeys(tenantId);
  const lead = await store.leads.get(tenantId, leadId);
  // A HubSpot contact deleted before its privacy deletion arrives has no lead record left, but its
  // id still says which contact it was (the sync names leads `<tenant>:contact:<contact id>`).
  const contactPrefix = `${tenantId}:contact:`;
  const crmId =
    lead?.crmId ?? (leadId.startsWith(contactPrefix) ? leadId.slice(contactPrefix.length) : undefined);
  const email = lead?.email ?? undefined;
  const ownKeys = [keys.activities(leadId), keys.outcomes(leadId), keys.identity(leadId)];
  const existing = await redis.exists(...ownKeys);
  await store.leads.delete(tenantId, [leadId]);
  let removedEntries = lead === undefined ? 0 : 1;
  removedEntries += await new ScoresRepository(redis).remove(tenantId, [leadId]);
  await new WritebackStateRepository(redis).forget(tenantId, [leadId]);
  if (crmId !== undefined) {
    // Rejected-record entries of the sync are keyed `<object>:<crm id>`.
    const rejectedKey = `${tenantTag(tenantId)}hygiene:rejected`;
    const fields = (await redis.hkeys(rejectedKey)).filter((field) => field.endsWith(`:${crmId}`));
    if (fields.length > 0) removedEntries += await redis.hdel(rejectedKey, ...fields);
  }
  const testWindowExamples = await new ModelsRepository(redis).eraseLeadFromTestWindows(tenantId, leadId);
  const swept = await sweepTenantKeys(deps, tenantId, { leadId, crmId, email });
  const jobs = await eraseFromJobs(deps, tenantId, leadId, crmId);
  return {
    leadFound: lead !== undefined,
    removedKeys: existing + swept.keys,
    removedEntries: removedEntries + swept.entries,
    testWindowExamples,
    removedJobs: jobs.removed,
    updatedJobs: jobs.updated,
  };
}
