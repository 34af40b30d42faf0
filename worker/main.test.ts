import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../shared/store/store.ts';
import { createTokenKeyRing } from '../shared/store/token-crypto.ts';
import {
  type PrivateRedisServer,
  startPrivateRedis,
} from '../test/reliability/support/private-redis-server.ts';
import { BullmqJobQueue } from './queues/bullmq-job-queue.ts';

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
  it('starts a worker per queue in its table, schedules installed tenants, runs sync jobs, and on SIGTERM drains and exits 0', async () => {
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

    // A tenant the store does not know runs nothing: the job completes as skipped.
    const jobId = await queues.enqueue('sync', {
      tenantId: 'sf:00D000000000404AAA',
      mode: 'incremental',
      reason: 'manual',
    });
    const job = await queues.queue('sync').getJob(jobId);
    for (let waited = 0; waited < 10_000 && (await job?.getState()) !== 'completed'; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await (await queues.queue('sync').getJob(jobId))?.returnvalue).toBe('skipped');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('draining queue workers');
    expect(output).toContain('worker stopped');
  }, 60_000);
});
