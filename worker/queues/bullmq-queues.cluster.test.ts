import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { hubspotBudgets } from '../../shared/rate-limit/provider-budgets.ts';
import { RedisRollingBucket } from '../../shared/rate-limit/redis-rolling-bucket.ts';
import { type RedisClusterHandle, startRedisCluster } from '../../test/support/redis-cluster.ts';
import { BullmqJobQueue } from './bullmq-job-queue.ts';
import { createQueueWorker } from './bullmq-worker.ts';
import { defaultQueuePrefix } from './queue-names.ts';
import { schedulerId, tenantSchedules, upsertTenantSchedulers } from './schedulers.ts';
import { RedisTenantControl } from './tenant-control.ts';

let cluster: RedisClusterHandle;
let connection: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  connection = cluster.connect({ redisOptions: { maxRetriesPerRequest: null } });
  await new Promise<void>((resolve) => connection.once('ready', () => resolve()));
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('queues on a three-node Redis Cluster', () => {
  it('a prefix without a hash tag cannot work: BullMQ scripts span slots', async () => {
    const untagged = new BullmqJobQueue({ connection, prefix: 'leadscore' });
    try {
      await expect(untagged.enqueue('score', { tenantId: 'hs:1', leadIds: ['1'] })).rejects.toThrow(
        /CROSSSLOT|same slot/i,
      );
    } finally {
      await untagged.close();
    }
  });

  it(`runs jobs under ${defaultQueuePrefix}: waits, pauses, retries and schedulers work across slots`, async () => {
    const tenants = new RedisTenantControl(connection);
    const queues = new BullmqJobQueue({ connection, backoffDelayMs: 50 });
    let limitedOnce = false;
    const worker = createQueueWorker(
      'sync',
      async (payload) => {
        if (payload.tenantId === 'hs:1111') throw new ConnectorError('AUTH_REVOKED', 'revoked');
        if (payload.tenantId === 'hs:2222' && !limitedOnce) {
          limitedOnce = true;
          throw new ConnectorError('RATE_LIMITED', 'ten_secondly_rolling', { retryAfterMs: 200 });
        }
      },
      { connection, tenants, logger: createLogger({ level: 'silent' }) },
    );
    try {
      const revoked = await queues.enqueue('sync', { tenantId: 'hs:1111', mode: 'full', reason: 'install' });
      const limited = await queues.enqueue('sync', { tenantId: 'hs:2222', mode: 'full', reason: 'install' });
      const finished = new Map<string, string>();
      await new Promise<void>((resolve) => {
        const done = (id: string | undefined, how: string) => {
          if (id) finished.set(id, how);
          if (finished.has(revoked) && finished.has(limited)) resolve();
        };
        worker.on('completed', (job) => done(job.id, 'completed'));
        worker.on('failed', (job) => done(job?.id, 'failed'));
      });
      expect(finished.get(revoked)).toBe('failed');
      expect(finished.get(limited)).toBe('completed');
      expect((await queues.queue('sync').getJob(limited))?.attemptsMade).toBe(1);
      expect(await tenants.state('hs:1111')).toEqual({ status: 'auth_revoked', reason: 'revoked' });

      await upsertTenantSchedulers(queues, 'hs:2222');
      await upsertTenantSchedulers(queues, 'hs:2222');
      const syncSchedulers = await queues.queue('sync').getJobSchedulers();
      expect(syncSchedulers.map((scheduler) => scheduler.key)).toEqual([
        schedulerId(tenantSchedules[0], 'hs:2222'),
      ]);

      const bucket = new RedisRollingBucket(connection);
      expect(await bucket.tryTake('hs:2222', hubspotBudgets.searches)).toEqual({ granted: true });
    } finally {
      await worker.close();
      await queues.obliterate();
      await queues.close();
      await tenants.resume('hs:1111');
    }
  });
});
