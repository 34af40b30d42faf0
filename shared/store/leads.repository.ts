import { type Lead, leadSchema } from '../schemas/lead.ts';
import { type RecordProblem, validateRecord } from '../schemas/validate.ts';
import { recordIdProblem, type TenantKeys, tenantKeys } from './keys.ts';
import { decodeLead, encodeLead } from './lead-encoding.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';

export interface RejectedRecord {
  id: string | null;
  problems: RecordProblem[];
}

export interface UpsertReport {
  /** Records stored or changed by this call. */
  written: number;
  /** Valid records identical to what was stored: nothing was written for them. */
  unchanged: number;
  /** Invalid records, skipped, with every bad field named. */
  rejected: RejectedRecord[];
}

const CHUNK = 500;
/** Rounds of compare-and-set before concurrent writers of the same leads are reported. */
const MAX_ATTEMPTS = 25;

function idOf(record: unknown): string | null {
  if (typeof record === 'object' && record !== null && 'id' in record && typeof record.id === 'string') {
    return record.id;
  }
  return null;
}

/**
 * Leads of a tenant. Stored in one hash (lead id → compact encoding, see lead-encoding.ts), with a
 * lexically ordered id index for batch scans and one small index per account key. Deleting a lead
 * takes its activities, outcomes, identity links and index entries with it in one transaction.
 */
export class LeadsRepository {
  constructor(private readonly redis: RedisClient) {}

  /** Validates, then stores; replaying the same leads writes nothing. Bad records are reported, not stored. */
  async upsertMany(tenantId: string, records: readonly unknown[]): Promise<UpsertReport> {
    const keys = tenantKeys(tenantId);
    const report: UpsertReport = { written: 0, unchanged: 0, rejected: [] };
    const valid: Lead[] = [];
    for (const record of records) {
      const result = validateRecord(leadSchema, record);
      if (!result.ok) {
        report.rejected.push({ id: idOf(record), problems: result.problems });
      } else if (result.value.tenantId !== tenantId) {
        report.rejected.push({
          id: result.value.id,
          problems: [{ field: 'tenantId', reason: `belongs to ${result.value.tenantId}, not ${tenantId}` }],
        });
      } else {
        const idProblem = recordIdProblem(result.value.id);
        const accountProblem =
          result.value.accountKey === null ? null : recordIdProblem(result.value.accountKey);
        if (idProblem !== null)
          report.rejected.push({ id: result.value.id, problems: [{ field: 'id', reason: idProblem }] });
        else if (accountProblem !== null) {
          report.rejected.push({
            id: result.value.id,
            problems: [{ field: 'accountKey', reason: accountProblem }],
          });
        } else valid.push(result.value);
      }
    }
    // The last version of a lead within one call wins, as if the records had been sent one by one.
    const latest = new Map(valid.map((lead) => [lead.id, lead]));
    const leads = [...latest.values()];
    for (let start = 0; start < leads.length; start += CHUNK) {
      const chunk = leads.slice(start, start + CHUNK);
      const written = await this.writeChunk(tenantId, keys, chunk);
      report.written += written;
      report.unchanged += chunk.length - written;
    }
    report.unchanged += valid.length - leads.length;
    return report;
  }

  private async writeChunk(tenantId: string, keys: TenantKeys, leads: Lead[]): Promise<number> {
    let pending = leads;
    let written = 0;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > MAX_ATTEMPTS) {
        throw new Error(
          `upsert leads of ${tenantId}: ${pending.length} leads kept changing under concurrent writers`,
        );
      }
      // Each round at least one racing writer wins; a short random pause spreads the others out.
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
      const previous = (await this.redis.hmget(keys.leads, ...pending.map((lead) => lead.id))) as (
        | string
        | null
      )[];
      const pipeline = this.redis.pipeline();
      const sent: Lead[] = [];
      pending.forEach((lead, index) => {
        const encoded = encodeLead(lead);
        const old = previous[index] ?? null;
        if (old === encoded) return;
        const oldAccount = old === null ? null : decodeLead(tenantId, lead.id, old).accountKey;
        const dropOld = oldAccount !== null && oldAccount !== lead.accountKey;
        pipeline.lsPutLead(
          keys.leads,
          keys.leadIndex,
          dropOld ? keys.account(oldAccount) : keys.leads,
          lead.accountKey === null ? keys.leads : keys.account(lead.accountKey),
          lead.id,
          old ?? '',
          encoded,
          dropOld ? '1' : '0',
          lead.accountKey === null ? '0' : '1',
        );
        sent.push(lead);
      });
      if (sent.length === 0) break;
      const results = (await execOrThrow(pipeline, `upsert leads of ${tenantId}`)) as number[];
      written += results.filter((result) => result === 1).length;
      pending = sent.filter((_, index) => results[index] !== 1);
    }
    return written;
  }

  async get(tenantId: string, leadId: string): Promise<Lead | undefined> {
    const encoded = await this.redis.hget(tenantKeys(tenantId).leads, leadId);
    return encoded === null ? undefined : decodeLead(tenantId, leadId, encoded);
  }

  async count(tenantId: string): Promise<number> {
    return this.redis.hlen(tenantKeys(tenantId).leads);
  }

  /** Every lead, in lead-id order, `batchSize` at a time; leads added during the scan after its position appear. */
  async *scan(tenantId: string, batchSize = 500): AsyncIterable<Lead[]> {
    const keys = tenantKeys(tenantId);
    let from = '-';
    for (;;) {
      const ids = await this.redis.zrangebylex(keys.leadIndex, from, '+', 'LIMIT', 0, batchSize);
      if (ids.length === 0) return;
      const encoded = (await this.redis.hmget(keys.leads, ...ids)) as (string | null)[];
      const batch: Lead[] = [];
      ids.forEach((id, index) => {
        const value = encoded[index];
        if (value !== null && value !== undefined) batch.push(decodeLead(tenantId, id, value));
      });
      if (batch.length > 0) yield batch;
      if (ids.length < batchSize) return;
      from = `(${ids[ids.length - 1]}`;
    }
  }

  /** Ids of the leads whose account key is `accountKey`, in id order. */
  async idsOfAccount(tenantId: string, accountKey: string): Promise<string[]> {
    return this.redis.zrange(tenantKeys(tenantId).account(accountKey), 0, '-1');
  }

  /**
   * Removes leads deleted in the CRM, with their activities, outcomes, identity links and index
   * entries. Returns how many of the ids were stored. Deleting an unknown id is not an error.
   */
  async delete(tenantId: string, leadIds: readonly string[]): Promise<number> {
    const keys = tenantKeys(tenantId);
    let removed = 0;
    for (let start = 0; start < leadIds.length; start += CHUNK) {
      const ids = [...new Set(leadIds.slice(start, start + CHUNK))];
      const reads = this.redis.pipeline();
      reads.hmget(keys.leads, ...ids);
      for (const id of ids) reads.zrange(keys.identity(id), 0, '-1');
      const [encoded, ...links] = (await execOrThrow(reads, `read leads of ${tenantId} to delete`)) as [
        (string | null)[],
        ...string[][],
      ];
      const transaction = this.redis.multi();
      ids.forEach((id, index) => {
        const old = encoded[index];
        if (old !== null && old !== undefined) {
          removed += 1;
          const accountKey = decodeLead(tenantId, id, old).accountKey;
          if (accountKey !== null) transaction.zrem(keys.account(accountKey), id);
        }
        transaction.hdel(keys.leads, id);
        transaction.zrem(keys.leadIndex, id);
        transaction.del(keys.activities(id), keys.outcomes(id), keys.identity(id));
        for (const other of links[index] ?? []) transaction.zrem(keys.identity(other), id);
      });
      await execOrThrow(transaction, `delete leads of ${tenantId}`);
    }
    return removed;
  }
}
