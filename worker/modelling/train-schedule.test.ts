import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../test/support/redis.ts';
import { BullmqJobQueue } from '../queues/bullmq-job-queue.ts';
import { upsertTenantSchedulers } from '../queues/schedulers.ts';
import { removeWeeklyTrainScheduler, upsertWeeklyTrainScheduler } from './train-schedule.ts';

const prefix = `{lsq-trainsched-${randomBytes(4).toString('hex')}}`;
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const queues = new BullmqJobQueue({ connection: redis, prefix });
const tenantId = 'sf:00D5E000000TRAIN';

afterAll(async () => {
  await queues.obliterate();
  await queues.close();
  await redis.quit();
});

describe('the weekly retraining schedule', () => {
  it('stays one scheduler per tenant however often it is upserted, and follows a changed pattern', async () => {
    await upsertWeeklyTrainScheduler(queues, tenantId);
    await upsertWeeklyTrainScheduler(queues, tenantId);
    await upsertWeeklyTrainScheduler(queues, tenantId);
    await Promise.all([
      upsertWeeklyTrainScheduler(queues, tenantId),
      upsertWeeklyTrainScheduler(queues, tenantId),
    ]);
    await upsertTenantSchedulers(queues, tenantId);
    const queue = queues.queue('train');
    let schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0].key).toBe('weekly-train.sf-00D5E000000TRAIN');
    expect(schedulers[0].pattern).toBe('0 3 * * 0');
    expect(schedulers[0].template?.data).toEqual({ tenantId, reason: 'schedule' });
    expect(await queue.getDelayedCount()).toBeLessThanOrEqual(1);

    await upsertWeeklyTrainScheduler(queues, tenantId, { pattern: '0 5 * * 1' });
    schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((scheduler) => scheduler.pattern)).toEqual(['0 5 * * 1']);

    await removeWeeklyTrainScheduler(queues, tenantId);
    expect(await queue.getJobSchedulers()).toHaveLength(0);
  });
});
