import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsRepository } from '../shared/store/alerts.repository.ts';
import { createStore } from '../shared/store/store.ts';
import { createTokenKeyRing } from '../shared/store/token-crypto.ts';
import {
  type PrivateRedisServer,
  startPrivateRedis,
} from '../test/reliability/support/private-redis-server.ts';
import { BullmqJobQueue } from './queues/bullmq-job-queue.ts';
import type { QueueName } from './queues/queue-names.ts';

const key = 'ab'.repeat(32);
const prefix = `{lsq-main-${randomBytes(4).toString('hex')}}`;
// The worker refuses a Redis without AOF and noeviction, so it gets one of its own that keeps jobs.
let server: PrivateRedisServer;
let redis: Redis;
let queues: BullmqJobQueue;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
  queues = new BullmqJobQueue({ connection: redis, prefix });
  const store = createStore(redis, { keyRing: createTokenKeyRing(key) });
  await store.tenants.create({
    id: 'hs:5150515',
    provider: 'hubspot',
    tokens: { accessToken: 'access', refreshToken: 'refresh' },
  });
});

afterAll(async () => {
  await queues.close();
  await redis.quit();
  await server.stop();
});

describe('npm run worker (worker/main.ts)', () => {
  it('starts a worker per pipeline queue, schedules installed tenants, runs their jobs, alerts on a job failed for good, and on SIGTERM drains and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], {
      env: {
        ...process.env,
        REDIS_URL: server.url,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'info',
        TOKEN_ENCRYPTION_KEY: key,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const started = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += String(chunk);
        if (output.includes('worker started')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const first = await Promise.race([
      started.then(() => 'started'),
      exited.then((code) => `exited ${code}`),
    ]);
    expect(first).toBe('started');

    // The installed tenant got its incremental and nightly reconcile schedules at start.
    expect((await queues.queue('sync').getJobSchedulers()).map((scheduler) => scheduler.key).sort()).toEqual([
      'incremental-sync.hs-5150515',
      'nightly-reconcile.hs-5150515',
    ]);

    // ...and its weekly retraining.
    expect((await queues.queue('train').getJobSchedulers()).map((scheduler) => scheduler.key)).toEqual([
      'weekly-train.hs-5150515',
    ]);

    // Every queue of the batch pipeline is served.
    const served: QueueName[] = ['sync', 'train', 'score', 'writeback', 'route'];
    for (const name of served) {
      expect([name, (await queues.queue(name).getWorkers()).length]).toEqual([name, 1]);
    }

    // A tenant the store does not know runs nothing: each job completes as skipped.
    const unknown = 'sf:00D000000000404AAA' as const;
    const finished = async (name: QueueName, jobId: string) => {
      for (let waited = 0; waited < 10_000; waited += 50) {
        const state = await (await queues.queue(name).getJob(jobId))?.getState();
        if (state === 'completed' || state === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return queues.queue(name).getJob(jobId);
    };
    const skipped = [
      ['sync', await queues.enqueue('sync', { tenantId: unknown, mode: 'incremental', reason: 'manual' })],
      ['train', await queues.enqueue('train', { tenantId: unknown, reason: 'manual' })],
      ['score', await queues.enqueue('score', { tenantId: unknown, leadIds: [] })],
      [
        'writeback',
        await queues.enqueue('writeback', { tenantId: unknown, modelVersion: 'm-1', leadIds: ['1'] }),
      ],
      ['route', await queues.enqueue('route', { tenantId: unknown, modelVersion: 'm-1', leadId: '1' })],
    ] as const;
    for (const [name, jobId] of skipped) {
      expect([name, (await finished(name, jobId))?.returnvalue]).toEqual([name, 'skipped']);
    }

    // A job that can never run fails for good at once, and its tenant gets an alert without the payload.
    await queues
      .queue('score')
      .add('score', { tenantId: 'hs:5150515', leadIds: ['a/b'] }, { jobId: 'score.bad' });
    expect(await (await finished('score', 'score.bad'))?.getState()).toBe('failed');
    const alerts = new AlertsRepository(redis);
    let recorded = await alerts.list('hs:5150515');
    for (let waited = 0; waited < 5_000 && recorded.length === 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      recorded = await alerts.list('hs:5150515');
    }
    expect(recorded).toEqual([
      {
        kind: 'job_failed',
        message: 'the score job score.bad failed for good after 1 attempts; the worker log has its error',
        at: expect.any(String),
      },
    ]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('draining queue workers');
    expect(output).toContain('worker stopped');
  }, 60_000);
});
