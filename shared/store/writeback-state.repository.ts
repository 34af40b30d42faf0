import { z } from 'zod';
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

const storedSchema = z.tuple([z.string().min(1), z.string().min(1), z.string().min(1)]);

/** Per lead, the last write-back the CRM confirmed; recorded only after that confirmation. */
export class WritebackStateRepository {
  constructor(private readonly redis: RedisClient) {}

  async lastWritten(tenantId: string, leadIds: readonly string[]): Promise<Map<string, WrittenState>> {
    const found = new Map<string, WrittenState>();
    if (leadIds.length === 0) return found;
    for (const leadId of leadIds) assertRecordId(tenantId, 'lead id', leadId);
    const values = await this.redis.hmget(tenantKeys(tenantId).writeback, ...leadIds);
    values.forEach((value, index) => {
      if (value === null) return;
      const parsed = storedSchema.safeParse(JSON.parse(value));
      if (!parsed.success) {
        throw new StoreError('INVALID_INPUT', `write-back state of lead ${leadIds[index]} is unreadable`, {
          tenantId,
        });
      }
      const [contentHash, modelVersion, idempotencyKey] = parsed.data;
      found.set(leadIds[index]!, { contentHash, modelVersion, idempotencyKey });
    });
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
      fields.push(leadId, JSON.stringify([state.contentHash, state.modelVersion, state.idempotencyKey]));
    }
    await this.redis.hset(tenantKeys(tenantId).writeback, ...fields);
  }

  async forget(tenantId: string, leadIds: readonly string[]): Promise<void> {
    if (leadIds.length > 0) await this.redis.hdel(tenantKeys(tenantId).writeback, ...leadIds);
  }
}
