import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { opsKeysIn } from '../../../shared/store/keys.ts';
import type { Store } from '../../../shared/store/store.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { readMetricsSnapshot } from './metrics-snapshot.ts';
import type { QueueInspector } from './queue-inspector.ts';

const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const keys = opsKeysIn(`ops-s${randomBytes(4).toString('hex')}`);
afterAll(async () => {
  await redis.quit();
});

const queues: QueueInspector = {
  names: ['sync'],
  depths: async () => ({ waiting: 2, active: 1, delayed: 0, failed: 4 }),
};

/** A store that only lists tenants and their (empty) cursors: what the snapshot reads of it. */
function storeListing(tenants: string[]): Store {
  return { tenants: { list: async () => tenants }, cursors: { all: async () => [] } } as unknown as Store;
}

describe('readMetricsSnapshot', () => {
  it('caps the per-tenant series and counts the tenants left out, unreadable ones included', async () => {
    const listed = ['hs:91000001', 'hs:91000002', 'not a tenant', 'hs:91000003', 'hs:91000004'];
    const snapshot = await readMetricsSnapshot({
      redis,
      store: storeListing(listed),
      queues,
      now: () => Date.now(),
      maxTenants: 3,
      keys,
    });
    expect(snapshot.tenants.map((tenant) => tenant.tenantId)).toEqual(['hs:91000001', 'hs:91000002']);
    // Two past the cap, one whose id cannot be read.
    expect(snapshot.tenantsOmitted).toBe(3);
    expect(snapshot.queueDepths).toEqual([
      { queue: 'sync', depths: { waiting: 2, active: 1, delayed: 0, failed: 4 } },
    ]);
    expect(snapshot.tenants[0]).toMatchObject({ scoresWritten: 0, syncLagSeconds: null });
    expect(snapshot.workersAlive).toBe(0);
  });
});
