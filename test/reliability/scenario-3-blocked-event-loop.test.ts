import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Job, QueueEvents, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { createQueueWorker } from '../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../worker/queues/tenant-control.ts';
import { type ChildWorker, startChildWorker } from './support/child-worker.ts';
import { type PrivateRedisServer, startPrivateRedis } from './support/private-redis-server.ts';
import { scenarioEffects } from './support/record-once.ts';
import { scenario3Lock } from './support/scenario-3-settings.ts';
import { until } from './support/until.ts';

const tenantId = 'sf:00D000000000003AAA';
const prefix = '{lsq-s3}';
const effects = scenarioEffects(tenantId, 'scenario3');
let server: PrivateRedisServer;
let folder: string;

beforeAll(async () => {
  server = await startPrivateRedis();
  folder = mkdtempSync(path.join(tmpdir(), 'leadscore-scenario-3-'));
});
afterAll(async () => {
  await server.destroy();
  rmSync(folder, { recursive: true, force: true });
});

describe('scenario 3: block the event loop past the lock duration', () => {
  it('the stalled job runs again elsewhere, ends completed, and its side effect happens once', async () => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    const queues = new BullmqJobQueue({ connection: redis, prefix });
    const events = new QueueEvents('writeback', { connection: { url: server.url }, prefix });
    const releaseFile = path.join(folder, 'release');
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    let blocked: ChildWorker | undefined;
    let worker: Worker | undefined;
    try {
      await events.waitUntilReady();
      const jobId = await queues.enqueue('writeback', { tenantId, modelVersion: 'm-3', leadIds: ['L-3'] });
      blocked = startChildWorker('scenario-3-worker.ts', {
        REDIS_URL: server.url,
        QUEUE_PREFIX: prefix,
        RELEASE_FILE: releaseFile,
      });
      expect(await blocked.waitForLine('started ', 30_000)).toBe(`started ${jobId}`);

      // A second worker, same handler minus the blocking, finds the lock gone and runs the job again.
      const reruns: boolean[] = [];
      const completed: Job[] = [];
      worker = createQueueWorker(
        'writeback',
        async (payload) => {
          reruns.push(await effects.recordOnce(redis, payload.leadIds[0], payload.modelVersion));
        },
        {
          connection: redis,
          prefix,
          tenants: new RedisTenantControl(redis),
          logger: createLogger({ level: 'silent' }),
          ...scenario3Lock,
        },
      );
      worker.on('completed', (job) => completed.push(job));
      await until(() => completed.length > 0, 'the re-run to complete', 30_000);
      expect(blocked.isAlive()).toBe(true);

      // The blocked run wakes up and makes its side effect late: the deterministic key refuses it.
      writeFileSync(releaseFile, '');
      expect(await blocked.waitForLine('effect ', 30_000)).toBe(`effect ${jobId} 0`);
      // Its completion is refused (the lock is someone else's): give it time to try.
      await new Promise((resolve) => setTimeout(resolve, 4 * scenario3Lock.stalledIntervalMs));

      expect(stalled).toEqual([jobId]);
      expect(reruns).toEqual([true]);
      expect(completed.map((job) => job.id)).toEqual([jobId]);
      expect(await effects.effectiveWrites(redis)).toEqual({ 'L-3': '1' });
      const job = await queues.queue('writeback').getJob(jobId);
      expect(await job?.getState()).toBe('completed');
      expect(job?.returnvalue).toBe('completed');
      expect(await queues.queue('writeback').getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      });
    } finally {
      writeFileSync(releaseFile, '');
      await blocked?.stop('SIGKILL', 5_000);
      await worker?.close();
      await events.close();
      await queues.close();
      redis.disconnect();
    }
  }, 120_000);
});
