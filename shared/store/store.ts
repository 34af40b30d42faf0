import { Cluster, type Redis } from 'ioredis';
import { ActivitiesRepository } from './activities.repository.ts';
import { IdentityLinksRepository } from './identity-links.repository.ts';
import { IntentRepository } from './intent.repository.ts';
import { tenantKeys } from './keys.ts';
import { LeadsRepository } from './leads.repository.ts';
import { OutcomesRepository } from './outcomes.repository.ts';
import { type RedisClient, withStoreScripts } from './redis-scripts.ts';
import { SyncCursorsRepository } from './sync-cursors.repository.ts';
import { TenantsRepository } from './tenants.repository.ts';
import type { TokenKeyRing } from './token-crypto.ts';

export type { RedisClient } from './redis-scripts.ts';

export interface Store {
  tenants: TenantsRepository;
  leads: LeadsRepository;
  activities: ActivitiesRepository;
  outcomes: OutcomesRepository;
  intent: IntentRepository;
  identity: IdentityLinksRepository;
  cursors: SyncCursorsRepository;
  /** Every key of the tenant, found by scanning (admin and test use: it walks the keyspace). */
  keysOf(tenantId: string): Promise<string[]>;
  /** Deletes every key of the tenant and removes it from the registry (uninstall, privacy purge). */
  purgeTenant(tenantId: string): Promise<number>;
}

/** The repositories over one client (a Redis or a Redis Cluster). Tokens need a key ring. */
export function createStore(redis: RedisClient, options: { keyRing?: TokenKeyRing } = {}): Store {
  const client = withStoreScripts(redis);
  const tenants = new TenantsRepository(client, options.keyRing);
  const nodes = (): Redis[] => (client instanceof Cluster ? client.nodes('master') : [client]);

  async function keysOf(tenantId: string): Promise<string[]> {
    const pattern = tenantKeys(tenantId).pattern;
    const found = new Set<string>();
    for (const node of nodes()) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        for (const key of keys) found.add(key);
        cursor = next;
      } while (cursor !== '0');
    }
    return [...found].sort();
  }

  return {
    tenants,
    leads: new LeadsRepository(client),
    activities: new ActivitiesRepository(client),
    outcomes: new OutcomesRepository(client),
    intent: new IntentRepository(client),
    identity: new IdentityLinksRepository(client),
    cursors: new SyncCursorsRepository(client),
    keysOf,
    async purgeTenant(tenantId) {
      const keys = await keysOf(tenantId);
      let removed = 0;
      // All of them share the tenant's slot, so one UNLINK per batch is slot-safe on a cluster.
      for (let start = 0; start < keys.length; start += 500) {
        removed += await client.unlink(...keys.slice(start, start + 500));
      }
      await tenants.unregister(tenantId);
      return removed;
    },
  };
}
