import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { createQueueWorker } from '../../worker/queues/bullmq-worker.ts';
import { retryPolicy } from '../../worker/queues/queue-names.ts';
import { RedisTenantControl } from '../../worker/queues/tenant-control.ts';
import { type ChildWorker, startChildWorker } from './support/child-worker.ts';
import { type PrivateRedisServer, startPrivateRedis } from './support/private-redis-server.ts';
import { scenario4Lock, scenario4StartsKey } from './support/scenario-4-settings.ts';
import { until } from './support/until.ts';

const tenantId = 'hs:4040404';
const prefix = '{lsq-s4}';
let server: PrivateRedisServer;

beforeAll(async () => {
  server = await startPrivateRedis();
});
afterAll(async () => {
  await server.destroy();
});

/** An alert store stand-in: what the worker's entry point would record for an admin. */
interface RecordedAlert {
  jobId: string | undefined;
  tenantId: string;
  reason: string;
}

describe('scenario 4: a job that stalls twice', () => {
  it('fails with the stalled reason, runs no third time, and an alert is recorded', async () => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    const queues = new BullmqJobQueue({ connection: redis, prefix });
    const children: ChildWorker[] = [];
    let worker: Worker | undefined;
    try {
      const jobId = await queues.enqueue('score', { tenantId, leadIds: ['L-1'] });

      // Two worker processes in turn take the job and are killed with -9 in the middle of it.
      for (const start of [1, 2]) {
        const child = startChildWorker('scenario-4-worker.ts', {
          REDIS_URL: server.url,
          QUEUE_PREFIX: prefix,
        });
        children.push(child);
        expect(await child.waitForLine('started ', 30_000)).toBe(`started ${jobId} ${start}`);
        await child.stop('SIGKILL', 5_000);
      }

      // A healthy worker finds the job stalled a second time (maxStalledCount is 1): it fails it.
      const alerts: RecordedAlert[] = [];
      let thirdRuns = 0;
      const failed: Job[] = [];
      worker = createQueueWorker(
        'score',
        async () => {
          thirdRuns += 1;
        },
        {
          connection: redis,
          prefix,
          tenants: new RedisTenantControl(redis),
          logger: createLogger({ level: 'silent' }),
          ...scenario4Lock,
          onJobFailedForGood: (job, reason) => {
            alerts.push({ jobId: job.id, tenantId: job.data.tenantId, reason });
          },
        },
      );
      worker.on('failed', (job) => {
        if (job) failed.push(job);
      });
      await until(() => alerts.length > 0, 'the alert of the failed job', 30_000);
      // Let a wrongful retry or a second alert show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 2 * scenario4Lock.stalledIntervalMs));

      const job = await queues.queue('score').getJob(jobId);
      expect(await job?.getState()).toBe('failed');
      expect(job?.failedReason).toBe('job stalled more than allowable limit');
      expect(Number(await redis.get(scenario4StartsKey(tenantId)))).toBe(2);
      expect(thirdRuns).toBe(0);
      expect(failed.map((failedJob) => failedJob.id)).toEqual([jobId]);
      expect(alerts).toEqual([{ jobId, tenantId, reason: 'job stalled more than allowable limit' }]);
      expect(await queues.queue('score').getJobCounts('waiting', 'active', 'delayed', 'completed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: 0,
      });
    } finally {
      for (const child of children) await child.stop('SIGKILL', 5_000);
      await worker?.close();
      await queues.close();
      redis.disconnect();
    }
  }, 120_000);

  it('records the alert once for a job whose attempts are spent, not once per failed attempt', async () => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    const queues = new BullmqJobQueue({ connection: redis, prefix: '{lsq-s4-attempts}', backoffDelayMs: 10 });
    const alerts: RecordedAlert[] = [];
    let runs = 0;
    const worker = createQueueWorker(
      'score',
      async () => {
        runs += 1;
        throw new ConnectorError('TEMPORARY', '503 Service Unavailable');
      },
      {
        connection: redis,
        prefix: '{lsq-s4-attempts}',
        tenants: new RedisTenantControl(redis),
        logger: createLogger({ level: 'silent' }),
        onJobFailedForGood: (job, reason) => {
          alerts.push({ jobId: job.id, tenantId: job.data.tenantId, reason });
        },
      },
    );
    try {
      const jobId = await queues.enqueue('score', { tenantId, leadIds: ['L-2'] });
      await until(() => alerts.length > 0, 'the alert of the failed job', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(runs).toBe(retryPolicy.attempts);
      expect(alerts).toEqual([{ jobId, tenantId, reason: '503 Service Unavailable' }]);
      expect(await (await queues.queue('score').getJob(jobId))?.getState()).toBe('failed');
    } finally {
      await worker.close();
      await queues.close();
      redis.disconnect();
    }
  }, 60_000);
});
