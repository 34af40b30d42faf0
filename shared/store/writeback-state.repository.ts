import { createHash } from 'node:crypto';
import { assertRecordId, tenantKeys } from './keys.ts';
import type { RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

/** What the CRM last confirmed for one lead. */
export interface WrittenState {
  /** Hash of score, tier and factors (ids, labels, order and points): what decides a new write. */
  contentHash: string;
  modelVersion: string;
  /** Idempotency key of the write (tenant, lead, model version, content hash). */
  idempotencyKey: string;
}

/** The idempotency key of one write: the same tenant, lead, model version and content write once. */
export function writeIdempotencyKey(
  tenantId: string,
  leadId: string,
  modelVersion: string,
  contentHash: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([tenantId, leadId, modelVersion, contentHash]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Stored per lead as `<content hash>|<model version>`; the idempotency key follows from them (and
 * the tenant and lead), so it is computed on read rather than kept: a few bytes per lead, not 90.
 */
/** Leads per Redis command when reading many states. */
const CHUNK = 1_000;

const storedPattern = /^([^|]+)\|(.+)$/;

/** Per lead, the last write-back the CRM confirmed; recorded only after that confirmation. */
export class WritebackStateRepository {
  constructor(private readonly redis: RedisClient) {}

  async lastWritten(tenantId: string, leadIds: readonly string[]): Promise<Map<string, WrittenState>> {
    const found = new Map<string, WrittenState>();
    if (leadIds.length === 0) return found;
    for (const leadId of leadIds) assertRecordId(tenantId, 'lead id', leadId);
    // In chunks: one command per 1,000 leads, not a hundred thousand arguments in one call.
    for (let start = 0; start < leadIds.length; start += CHUNK) {
      const chunk = leadIds.slice(start, start + CHUNK);
      const values = await this.redis.hmget(tenantKeys(tenantId).writeback, ...chunk);
      values.forEach((value, index) => {
        if (value === null) return;
        const leadId = chunk[index] ?? '';
        const parsed = storedPattern.exec(value);
        if (parsed === null) {
          throw new StoreError('INVALID_INPUT', `write-back state of lead ${leadId} is unreadable`, {
            tenantId,
          });
        }
        const contentHash = parsed[1] ?? '';
        const modelVersion = parsed[2] ?? '';
        found.set(leadId, {
          contentHash,
          modelVersion,
          idempotencyKey: writeIdempotencyKey(tenantId, leadId, modelVersion, contentHash),
        });
      });
    }
    return found;
  }

  async recordWritten(
    tenantId: string,
    entries: readonly { leadId: string; state: WrittenState }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const fields: string[] = [];
    for (const { leadId, state } of entries) {
      assertRecordId(tenantId, 'lead id', leadId);
      if (state.contentHash.includes('|') || state.contentHash === '' || state.modelVersion === '') {
        throw new StoreError(
          'INVALID_INPUT',
          `write-back state of lead ${leadId} needs a content hash without "|" and a model version`,
          {
            tenantId,
          },
        );
      }
      fields.push(leadId, `${state.contentHash}|${state.modelVersion}`);
    }
    await this.redis.hset(tenantKeys(tenantId).writeback, ...fields);
  }

  async forget(tenantId: string, leadIds: readonly string[]): Promise<void> {
    if (leadIds.length > 0) await this.redis.hdel(tenantKeys(tenantId).writeback, ...leadIds);
  }
}
