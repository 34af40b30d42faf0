import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { testRedisUrl } from '../support/redis.ts';

const prefix = `{lsq-s2-${randomBytes(4).toString('hex')}}`;
const tenantId = 'hs:2020202';
const scoredKey = `ls:{${tenantId}}:scenario2:scored`;
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const queues = new BullmqJobQueue({ connection: redis, prefix });

afterAll(async () => {
  await queues.obliterate();
  await queues.close();
  await redis.del(scoredKey);
  await redis.quit();
});

describe('scenario 2: SIGTERM during a batch', () => {
  it('drains: the active jobs finish, none stalls, the rest wait, and the process exits 0', async () => {
    const ids: string[] = [];
    for (let lead = 0; lead < 9; lead += 1)
      ids.push(await queues.enqueue('score', { tenantId, leadIds: [String(lead)] }));
    const events = new QueueEvents('score', { connection: { url: testRedisUrl }, prefix });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'support/scenario-2-worker.ts')],
      {
        env: { ...process.env, REDIS_URL: testRedisUrl, QUEUE_PREFIX: prefix },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    const firstStart = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += String(chunk);
        if (output.includes('started')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await firstStart;
    child.kill('SIGTERM');
    const code = await exited;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await events.close();

    const started = output
      .split('\n')
      .filter((line) => line.startsWith('started '))
      .map((line) => line.slice(8));
    expect(code).toBe(0);
    expect(output.trim().endsWith('exiting 0')).toBe(true);
    expect(started.length).toBeGreaterThan(0);
    const queue = queues.queue('score');
    const counts = await queue.getJobCounts('active', 'completed', 'failed', 'waiting');
    // Every job it had started finished; the others are still waiting for the next worker.
    expect(counts).toEqual({
      active: 0,
      completed: started.length,
      failed: 0,
      waiting: ids.length - started.length,
    });
    for (const id of started) expect(await (await queue.getJob(id))?.getState()).toBe('completed');
    expect(await redis.scard(scoredKey)).toBe(started.length);
    expect(stalled).toEqual([]);
  }, 60_000);
});
