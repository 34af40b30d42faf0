import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../test/support/redis.ts';
import { BullmqJobQueue } from '../queues/bullmq-job-queue.ts';
import { upsertTenantSchedulers } from '../queues/schedulers.ts';
import { removeSyncSchedulers, upsertSyncSchedulers } from './sync-schedules.ts';

const prefix = `{lsq-syncsched-${randomBytes(4).toString('hex')}}`;
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const queues = new BullmqJobQueue({ connection: redis, prefix });
const tenantId = 'hs:7070707';

afterAll(async () => {
  await queues.obliterate();
  await queues.close();
  await redis.quit();
});

describe('sync schedules', () => {
  it('upsert idempotently: one incremental and one nightly reconcile per tenant, intervals configurable', async () => {
    await upsertTenantSchedulers(queues, tenantId);
    await upsertSyncSchedulers(queues, tenantId);
    await Promise.all([upsertSyncSchedulers(queues, tenantId), upsertSyncSchedulers(queues, tenantId)]);
    const queue = queues.queue('sync');
    let schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(2);
    const byId = new Map(schedulers.map((scheduler) => [scheduler.key, scheduler]));
    expect(byId.get('incremental-sync.hs-7070707')?.every).toBe(15 * 60_000);
    expect(byId.get('nightly-reconcile.hs-7070707')?.pattern).toBe('0 2 * * *');
    expect(byId.get('nightly-reconcile.hs-7070707')?.template?.data).toEqual({
      tenantId,
      mode: 'full',
      reason: 'schedule',
    });

    await upsertSyncSchedulers(queues, tenantId, {
      incrementalEveryMs: 5 * 60_000,
      reconcilePattern: '0 1 * * *',
    });
    schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(2);
    expect(schedulers.find((scheduler) => scheduler.key.startsWith('incremental'))?.every).toBe(5 * 60_000);
    expect(schedulers.find((scheduler) => scheduler.key.startsWith('nightly'))?.pattern).toBe('0 1 * * *');

    await removeSyncSchedulers(queues, tenantId);
    expect(await queue.getJobSchedulers()).toHaveLength(0);
  });

  it("after an install the first incremental sync waits one interval: the install's full sync reads the CRM alone", async () => {
    const other = 'hs:7070708';
    const now = Date.now();
    await upsertSyncSchedulers(queues, other, {
      incrementalEveryMs: 5 * 60_000,
      firstIncrementalAfterInterval: true,
      now: () => now,
    });
    const queue = queues.queue('sync');
    const incremental = await queue.getJobScheduler('incremental-sync.hs-7070708');
    expect(incremental?.next).toBe(now + 5 * 60_000);
    const waiting = await queue.getJobs(['wait', 'prioritized']);
    expect(waiting.filter((job) => job.repeatJobKey === 'incremental-sync.hs-7070708')).toHaveLength(0);
    const delayed = await queue.getJobs(['delayed']);
    const first = delayed.find((job) => job.repeatJobKey === 'incremental-sync.hs-7070708');
    expect((first?.timestamp ?? 0) + (first?.opts.delay ?? 0)).toBe(now + 5 * 60_000);
    await removeSyncSchedulers(queues, other);
  });
});
