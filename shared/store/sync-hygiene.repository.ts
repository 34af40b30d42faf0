import { createHash } from 'node:crypto';
import type { RecordProblem } from '../schemas/validate.ts';
import { assertRecordId, tenantTag } from './keys.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';

/**
 * What the syncs of a tenant found, for the API and the panels: rejected records (id, field,
 * reason), people seen under several ids, counts per object family, the progress of the first
 * load, the API budget used and the last success. Keys live under the tenant's tag like every other
 * key of the tenant, so scans and purges find them.
 */
function hygieneKeys(tenantId: string) {
  const tag = tenantTag(tenantId);
  return {
    /** Hash: counters (`<family>:written`, `<family>:pages`, ...) and status fields. */
    summary: `${tag}hygiene`,
    /** Hash: `<object>:<crmId>` → JSON problems of a rejected record. */
    rejected: `${tag}hygiene:rejected`,
    /** Sorted set (scores 0) of the lead ids of one person (hashed person key, never an email). */
    person: (personHash: string) => `${tag}person:${personHash}`,
    /** Sorted set (scores 0): hashes of the people seen under more than one lead id. */
    linked: `${tag}hygiene:linked`,
  };
}

export interface RejectedRecordEntry {
  object: string;
  crmId: string;
  problems: RecordProblem[];
}

export interface FamilyCounts {
  pages: number;
  written: number;
  unchanged: number;
  deleted: number;
}

export interface SyncHygieneSummary {
  families: Record<string, FamilyCounts>;
  rejectedCount: number;
  linkedPeople: number;
  /** Per family: pages and records of the first load so far, and whether it finished. */
  firstLoad: Record<string, { pages: number; records: number; done: boolean }>;
  apiUsage: { used: number; limit: number } | null;
  lastSuccessAt: string | null;
}

const MAX_REJECTED_LISTED = 1_000;

export function personHash(personKey: string): string {
  return createHash('sha256').update(personKey).digest('hex').slice(0, 32);
}

export class SyncHygieneRepository {
  constructor(private readonly redis: RedisClient) {}

  /** Stores the counts of one stored page; a replayed page stores only its `unchanged` count again. */
  async recordPage(
    tenantId: string,
    family: string,
    counts: { written: number; unchanged: number; deleted: number },
    firstLoad: boolean,
  ): Promise<void> {
    assertRecordId(tenantId, 'object family', family);
    const keys = hygieneKeys(tenantId);
    const transaction = this.redis.multi();
    transaction.hincrby(keys.summary, `${family}:pages`, 1);
    transaction.hincrby(keys.summary, `${family}:written`, counts.written);
    transaction.hincrby(keys.summary, `${family}:unchanged`, counts.unchanged);
    transaction.hincrby(keys.summary, `${family}:deleted`, counts.deleted);
    if (firstLoad) {
      transaction.hincrby(keys.summary, `first-load:${family}:pages`, 1);
      transaction.hincrby(keys.summary, `first-load:${family}:records`, counts.written + counts.unchanged);
    }
    await execOrThrow(transaction, `record a sync page of ${tenantId}`);
  }

  /** Rejected records by object and CRM id: seeing the same record again replaces its entry. */
  async recordRejected(tenantId: string, rejected: readonly RejectedRecordEntry[]): Promise<void> {
    if (rejected.length === 0) return;
    const fields: string[] = [];
    for (const record of rejected) {
      fields.push(`${record.object}:${record.crmId}`, JSON.stringify(record.problems));
    }
    await this.redis.hset(hygieneKeys(tenantId).rejected, ...fields);
  }

  /** A record that now passes is no longer rejected. */
  async clearRejected(tenantId: string, object: string, crmIds: readonly string[]): Promise<void> {
    if (crmIds.length === 0) return;
    await this.redis.hdel(hygieneKeys(tenantId).rejected, ...crmIds.map((crmId) => `${object}:${crmId}`));
  }

  /**
   * Adds leads to their people (lead id → person key) and returns, per lead, the other ids already
   * known as the same person. Remembered in Redis, so a Lead and its Contact link across pages and
   * across restarts.
   */
  async addToPeople(
    tenantId: string,
    personKeyByLeadId: Map<string, string>,
  ): Promise<Map<string, string[]>> {
    const keys = hygieneKeys(tenantId);
    const entries = [...personKeyByLeadId.entries()].map(([leadId, personKey]) => {
      assertRecordId(tenantId, 'lead id', leadId);
      return { leadId, hash: personHash(personKey) };
    });
    const others = new Map<string, string[]>();
    if (entries.length === 0) return others;
    const pipeline = this.redis.pipeline();
    for (const { leadId, hash } of entries) {
      pipeline.zadd(keys.person(hash), 0, leadId);
      pipeline.zrange(keys.person(hash), 0, '-1');
    }
    const results = (await execOrThrow(pipeline, `link people of ${tenantId}`)) as (number | string[])[];
    const linkedHashes: string[] = [];
    entries.forEach(({ leadId, hash }, index) => {
      const members = results[index * 2 + 1] as string[];
      const rest = members.filter((member) => member !== leadId);
      if (rest.length > 0) {
        others.set(leadId, rest);
        linkedHashes.push(hash);
      }
    });
    if (linkedHashes.length > 0) {
      await this.redis.zadd(keys.linked, ...linkedHashes.flatMap((hash) => ['0', hash]));
    }
    return others;
  }

  /** Whether a sync of the family ever ran to its end: until then, syncs count as the first load. */
  async firstLoadDone(tenantId: string, family: string): Promise<boolean> {
    return (await this.redis.hget(hygieneKeys(tenantId).summary, `first-load:${family}:done`)) === '1';
  }

  async finishFirstLoad(tenantId: string, family: string): Promise<void> {
    await this.redis.hset(hygieneKeys(tenantId).summary, `first-load:${family}:done`, '1');
  }

  async recordSuccess(
    tenantId: string,
    at: string,
    apiUsage: { used: number; limit: number } | null,
  ): Promise<void> {
    const fields: string[] = ['last-success-at', at];
    if (apiUsage) fields.push('api-usage', JSON.stringify([apiUsage.used, apiUsage.limit]));
    await this.redis.hset(hygieneKeys(tenantId).summary, ...fields);
  }

  /** Up to 1,000 rejected records, by object then CRM id. */
  async rejected(tenantId: string): Promise<RejectedRecordEntry[]> {
    const fields = await this.redis.hgetall(hygieneKeys(tenantId).rejected);
    return Object.entries(fields)
      .map(([field, value]) => {
        const at = field.indexOf(':');
        return {
          object: field.slice(0, at),
          crmId: field.slice(at + 1),
          problems: JSON.parse(value) as RecordProblem[],
        };
      })
      .sort((a, b) => a.object.localeCompare(b.object) || a.crmId.localeCompare(b.crmId))
      .slice(0, MAX_REJECTED_LISTED);
  }

  async summary(tenantId: string): Promise<SyncHygieneSummary> {
    const keys = hygieneKeys(tenantId);
    const [fields, rejectedCount, linkedPeople] = await Promise.all([
      this.redis.hgetall(keys.summary),
      this.redis.hlen(keys.rejected),
      this.redis.zcard(keys.linked),
    ]);
    const families: Record<string, FamilyCounts> = {};
    const firstLoad: SyncHygieneSummary['firstLoad'] = {};
    for (const [field, value] of Object.entries(fields)) {
      const parts = field.split(':');
      if (parts[0] === 'first-load' && parts.length === 3) {
        const family = parts[1] as string;
        const entry = firstLoad[family] ?? { pages: 0, records: 0, done: false };
        firstLoad[family] = entry;
        if (parts[2] === 'pages') entry.pages = Number(value);
        else if (parts[2] === 'records') entry.records = Number(value);
        else if (parts[2] === 'done') entry.done = value === '1';
      } else if (parts.length === 2) {
        const [family, counter] = parts as [string, string];
        const entry = families[family] ?? { pages: 0, written: 0, unchanged: 0, deleted: 0 };
        families[family] = entry;
        if (
          counter === 'pages' ||
          counter === 'written' ||
          counter === 'unchanged' ||
          counter === 'deleted'
        ) {
          entry[counter] = Number(value);
        }
      }
    }
    const usage = fields['api-usage'];
    const [used, limit] = usage === undefined ? [] : (JSON.parse(usage) as [number, number]);
    return {
      families,
      rejectedCount,
      linkedPeople,
      firstLoad,
      apiUsage: used === undefined || limit === undefined ? null : { used, limit },
      lastSuccessAt: fields['last-success-at'] ?? null,
    };
  }
}
