import { assertRecordId, tenantKeys } from './keys.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';

/**
 * Links between ids that are the same person (a Salesforce Lead converted into a Contact, two
 * HubSpot contacts merged). Links are symmetric and stored on both ids, so deleting either lead
 * removes the link from the other side too.
 */
export class IdentityLinksRepository {
  constructor(private readonly redis: RedisClient) {}

  async link(tenantId: string, leadId: string, otherId: string): Promise<void> {
    if (leadId === otherId) return;
    assertRecordId(tenantId, 'lead id', leadId);
    assertRecordId(tenantId, 'lead id', otherId);
    const keys = tenantKeys(tenantId);
    const transaction = this.redis.multi();
    transaction.zadd(keys.identity(leadId), 0, otherId);
    transaction.zadd(keys.identity(otherId), 0, leadId);
    await execOrThrow(transaction, `link ${leadId} and ${otherId} in ${tenantId}`);
  }

  async unlink(tenantId: string, leadId: string, otherId: string): Promise<void> {
    const keys = tenantKeys(tenantId);
    const transaction = this.redis.multi();
    transaction.zrem(keys.identity(leadId), otherId);
    transaction.zrem(keys.identity(otherId), leadId);
    await execOrThrow(transaction, `unlink ${leadId} and ${otherId} in ${tenantId}`);
  }

  /** Ids linked to this one, in id order (the id itself not included). */
  async linkedTo(tenantId: string, leadId: string): Promise<string[]> {
    return this.redis.zrange(tenantKeys(tenantId).identity(leadId), 0, '-1');
  }
}
