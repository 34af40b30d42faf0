import type { z } from 'zod';
import { syncCursorSchema } from '../schemas/tenant.ts';
import { assertRecordId, tenantKeys } from './keys.ts';
import type { RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

export type SyncCursor = z.infer<typeof syncCursorSchema>;

/** Where the last sync of each object family (leads, contacts, activities, ...) stopped, per tenant. */
export class SyncCursorsRepository {
  constructor(private readonly redis: RedisClient) {}

  async save(tenantId: string, cursor: SyncCursor): Promise<void> {
    const parsed = syncCursorSchema.safeParse(cursor);
    if (!parsed.success) {
      throw new StoreError(
        'INVALID_INPUT',
        `sync cursor of ${tenantId} is invalid: ${parsed.error.message}`,
        {
          tenantId,
        },
      );
    }
    assertRecordId(tenantId, 'object family', parsed.data.object);
    await this.redis.hset(
      tenantKeys(tenantId).cursors,
      parsed.data.object,
      JSON.stringify([parsed.data.cursor, parsed.data.updatedAt]),
    );
  }

  async get(tenantId: string, object: string): Promise<SyncCursor | undefined> {
    const value = await this.redis.hget(tenantKeys(tenantId).cursors, object);
    return value === null ? undefined : decode(object, value);
  }

  /** Every cursor of the tenant, by object family name. */
  async all(tenantId: string): Promise<SyncCursor[]> {
    const fields = await this.redis.hgetall(tenantKeys(tenantId).cursors);
    return Object.entries(fields)
      .map(([object, value]) => decode(object, value))
      .sort((a, b) => a.object.localeCompare(b.object));
  }

  /** Forgets a cursor, so the next sync of that family starts from the beginning. */
  async reset(tenantId: string, object: string): Promise<void> {
    await this.redis.hdel(tenantKeys(tenantId).cursors, object);
  }
}

function decode(object: string, value: string): SyncCursor {
  const [cursor, updatedAt] = JSON.parse(value) as [string, string];
  return { object, cursor, updatedAt };
}
