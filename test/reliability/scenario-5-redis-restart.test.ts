import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { createQueueWorker } from '../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../worker/queues/tenant-control.ts';
import { type PrivateRedisServer, startPrivateRedis } from './support/private-redis-server.ts';

const tenantId = 'hs:5050505';
const doneKey = `ls:{${tenantId}}:scenario5:scored`;
const jobCount = 1_000;
let server: PrivateRedisServer;

beforeAll(async () => {
  server = await startPrivateRedis();
});
afterAll(async () => {
  await server.destroy();
});

function until(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return (async () => {
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
}

describe('scenario 5: restart Redis with 1,000 jobs queued', () => {
  it('completes all of them; the worker resumes within 30 s without a process restart', async () => {
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const effects = new Redis(server.url, { maxRetriesPerRequest: null });
    const observer = new Redis(server.url, { maxRetriesPerRequest: null });
    for (const client of [connection, effects, observer]) client.on('error', () => {});
    const queues = new BullmqJobQueue({ connection, prefix: '{lsq-s5}' });
    for (let start = 0; start < jobCount; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          queues.enqueue('score', { tenantId, leadIds: [String(start + i)] }),
        ),
      );
    }
    expect(await queues.queue('score').getJobCounts('waiting')).toEqual({ waiting: jobCount });

    const completedAt: number[] = [];
    const worker = createQueueWorker(
      'score',
      async (payload) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        // The side effect is idempotent on the lead: a job run twice scores once.
        await effects.sadd(doneKey, payload.leadIds[0]);
      },
      {
        connection,
        prefix: '{lsq-s5}',
        tenants: new RedisTenantControl(effects),
        logger: createLogger({ level: 'silent' }),
        concurrency: 10,
        lockDurationMs: 5_000,
        stalledIntervalMs: 5_000,
      },
    );
    worker.on('completed', () => completedAt.push(Date.now()));
    try {
      await until(async () => completedAt.length >= 200, '200 completed jobs', 30_000);
      await server.stop();
      const completedWhileDown = completedAt.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      await server.start();
      const restartedAt = Date.now();

      await until(
        async () => completedAt.length > completedWhileDown,
        'a completion after the restart',
        30_000,
      );
      const resumedAfterMs = (completedAt.find((at) => at >= restartedAt) ?? Date.now()) - restartedAt;
      expect(resumedAfterMs).toBeLessThan(30_000);

      await until(async () => (await observer.scard(doneKey)) === jobCount, 'every lead scored', 60_000);
      await until(
        async () => (await queues.queue('score').getJobCounts('completed')).completed === jobCount,
        'every job completed',
        30_000,
      );
      const counts = await queues.queue('score').getJobCounts('waiting', 'active', 'delayed', 'failed');
      expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
      // Nothing was lost: the queued jobs came back from the AOF.
      expect(await observer.scard(doneKey)).toBe(jobCount);
    } finally {
      await worker.close();
      await queues.obliterate();
      await queues.close();
      for (const client of [connection, effects, observer]) client.disconnect();
    }
  }, 120_000);
});
