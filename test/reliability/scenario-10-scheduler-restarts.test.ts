import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { queueNames } from '../../worker/queues/queue-names.ts';
import { schedulerId, tenantSchedules, upsertTenantSchedulers } from '../../worker/queues/schedulers.ts';
import { testRedisUrl } from '../support/redis.ts';

const prefix = `{lsq-s10-${randomBytes(4).toString('hex')}}`;
const tenants = ['hs:1010101', 'sf:00D000000000010AAA'] as const;
const cleanup = new BullmqJobQueue({ connection: { url: testRedisUrl }, prefix });

afterAll(async () => {
  for (const name of queueNames) cleanup.queue(name);
  await cleanup.obliterate();
  await cleanup.close();
});

/** One process start: its own connection, upserts every tenant's schedulers, then dies. */
async function restart(): Promise<void> {
  const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  const queues = new BullmqJobQueue({ connection, prefix });
  try {
    await Promise.all(tenants.map((tenantId) => upsertTenantSchedulers(queues, tenantId)));
  } finally {
    await queues.close();
    connection.disconnect();
  }
}

describe('scenario 10: 20 quick restarts that each upsert the schedulers', () => {
  it('leave one scheduler and at most one pending job per tenant and schedule', async () => {
    // Ten restarts one after another, then ten that overlap, as in a crash loop.
    for (let i = 0; i < 10; i += 1) await restart();
    await Promise.all(Array.from({ length: 10 }, () => restart()));

    for (const queueName of new Set(tenantSchedules.map((schedule) => schedule.queue))) {
      const queue = cleanup.queue(queueName);
      const schedules = tenantSchedules.filter((schedule) => schedule.queue === queueName);
      const schedulers = await queue.getJobSchedulers();
      const expected = tenants.flatMap((tenantId) =>
        schedules.map((schedule) => schedulerId(schedule, tenantId)),
      );
      expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(expected.sort());
      const pending = await queue.getJobs(['delayed', 'waiting', 'prioritized']);
      for (const tenantId of tenants) {
        for (const schedule of schedules) {
          const id = schedulerId(schedule, tenantId);
          const ofScheduler = pending.filter((job) => job.repeatJobKey === id);
          expect(ofScheduler.length, `${queueName} ${id}`).toBe(1);
          expect(ofScheduler[0].data.tenantId).toBe(tenantId);
        }
      }
      expect(pending).toHaveLength(expected.length);
    }
  });
});
