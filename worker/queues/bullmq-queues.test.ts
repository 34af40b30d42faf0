import { randomBytes } from 'node:crypto';
import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { BullmqJobQueue } from './bullmq-job-queue.ts';
import { createQueueWorker } from './bullmq-worker.ts';
import type { JobHandler } from './job-queue.ts';
import type { QueueName } from './queue-names.ts';
import { RedisTenantControl, tenantControlKey } from './tenant-control.ts';

const logger = createLogger({ level: 'silent' });
const tenantA = `hs:${900_000_000 + Math.floor(Math.random() * 1e8)}`;
const tenantB = `hs:${800_000_000 + Math.floor(Math.random() * 1e8)}`;
let redis: Redis;
let tenants: RedisTenantControl;
const open: { queues: BullmqJobQueue[]; workers: Worker[] } = { queues: [], workers: [] };

beforeAll(() => {
  redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  tenants = new RedisTenantControl(redis);
});
afterEach(async () => {
  await Promise.all(open.workers.splice(0).map((worker) => worker.close()));
  for (const queue of open.queues.splice(0)) {
    await queue.obliterate();
    await queue.close();
  }
  await redis.del(tenantControlKey(tenantA), tenantControlKey(tenantB));
});
afterAll(async () => {
  await redis.quit();
});

function setup(backoffDelayMs = 50) {
  const prefix = `{lsq-test-${randomBytes(4).toString('hex')}}`;
  const queue = new BullmqJobQueue({ connection: redis, prefix, backoffDelayMs });
  open.queues.push(queue);
  const work = <Q extends QueueName>(name: Q, handler: JobHandler<Q>) => {
    const worker = createQueueWorker(name, handler, { connection: redis, prefix, tenants, logger });
    open.workers.push(worker);
    return worker;
  };
  return { queue, work };
}

/** Resolves with the job when the worker has finished or failed it for good. */
function settled(worker: Worker, jobIds: string[]): Promise<Map<string, Job>> {
  const done = new Map<string, Job>();
  return new Promise((resolve) => {
    const check = (job: Job | undefined) => {
      if (job?.id && jobIds.includes(job.id)) done.set(job.id, job);
      if (done.size === jobIds.length) resolve(done);
    };
    worker.on('completed', check);
    worker.on('failed', (job, error) => {
      if (job && (error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1)))
        check(job);
    });
  });
}

describe('queues on real Redis (BullMQ)', () => {
  it('adds the same work once: a deterministic job id de-duplicates', async () => {
    const { queue } = setup();
    const first = await queue.enqueue('score', { tenantId: tenantA, leadIds: ['1', '2'] });
    const second = await queue.enqueue('score', { tenantId: tenantA, leadIds: ['2', '1'] });
    expect(second).toBe(first);
    expect(await queue.queue('score').getJobCounts('waiting')).toEqual({ waiting: 1 });
    const job = await queue.queue('score').getJob(first);
    expect(job?.data).toEqual({ tenantId: tenantA, leadIds: ['1', '2'] });
  });

  it('AUTH_REVOKED stops the job, pauses and flags that tenant, and another tenant keeps running', async () => {
    const { queue, work } = setup();
    const ran: string[] = [];
    const revokedId = await queue.enqueue('sync', {
      tenantId: tenantA,
      mode: 'incremental',
      reason: 'schedule',
    });
    const otherId = await queue.enqueue('sync', {
      tenantId: tenantB,
      mode: 'incremental',
      reason: 'schedule',
    });
    const worker = work('sync', async (payload) => {
      ran.push(payload.tenantId);
      if (payload.tenantId === tenantA)
        throw new ConnectorError('AUTH_REVOKED', 'invalid_grant: token revoked');
    });
    const syncs = await settled(worker, [revokedId, otherId]);
    expect(syncs.get(revokedId)).toMatchObject({
      attemptsMade: 1,
      failedReason: 'invalid_grant: token revoked',
    });
    expect(await (await queue.queue('sync').getJob(revokedId))?.getState()).toBe('failed');
    expect(syncs.get(otherId)?.returnvalue).toBe('completed');
    expect(await tenants.state(tenantA)).toEqual({
      status: 'auth_revoked',
      reason: 'invalid_grant: token revoked',
    });
    expect(await tenants.state(tenantB)).toEqual({ status: 'active' });

    // Later jobs of the paused tenant return early; the other tenant's run.
    const scored: string[] = [];
    const scoreWorker = work('score', async (payload) => {
      scored.push(payload.tenantId);
    });
    const a = await queue.enqueue('score', { tenantId: tenantA, leadIds: ['1'] });
    const b = await queue.enqueue('score', { tenantId: tenantB, leadIds: ['1'] });
    const scores = await settled(scoreWorker, [a, b]);
    expect(scores.get(a)?.returnvalue).toBe('skipped');
    expect(scores.get(b)?.returnvalue).toBe('completed');
    expect(scored).toEqual([tenantB]);
    expect(ran.sort()).toEqual([tenantA, tenantB].sort());
  });

  it('RATE_LIMITED moves the job to delayed without spending an attempt, and the queue keeps serving others', async () => {
    const { queue, work } = setup();
    const runs: { tenantId: string; at: number; attemptsMade: number }[] = [];
    let firstRunOfA = true;
    let releaseA: () => void = () => {};
    const aWasDelayed = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const limitedId = await queue.enqueue('writeback', {
      tenantId: tenantA,
      modelVersion: 'm-1',
      leadIds: ['1'],
    });
    const worker = work('writeback', async (payload, context) => {
      runs.push({ tenantId: payload.tenantId, at: Date.now(), attemptsMade: context.attemptsMade });
      if (payload.tenantId === tenantA && firstRunOfA) {
        firstRunOfA = false;
        releaseA();
        throw new ConnectorError('RATE_LIMITED', 'ten_secondly_rolling', { retryAfterMs: 1_000 });
      }
    });
    await aWasDelayed;
    // While A waits, B's job is taken at once: no queue-wide pause.
    const otherId = await queue.enqueue('writeback', {
      tenantId: tenantB,
      modelVersion: 'm-1',
      leadIds: ['1'],
    });
    const jobs = await settled(worker, [limitedId, otherId]);
    expect(await queue.queue('writeback').isPaused()).toBe(false);
    const [firstA, secondA] = runs.filter((run) => run.tenantId === tenantA);
    const runOfB = runs.find((run) => run.tenantId === tenantB);
    expect(runs.map((run) => run.tenantId)).toEqual([tenantA, tenantB, tenantA]);
    // Ran again only after the provider's wait, with the same attempts count.
    expect(secondA.at - firstA.at).toBeGreaterThanOrEqual(1_000);
    expect(runOfB!.at).toBeLessThan(secondA.at);
    expect([firstA.attemptsMade, secondA.attemptsMade]).toEqual([0, 0]);
    // BullMQ counts the successful run as an attempt: one, as for B, which never waited.
    expect(jobs.get(limitedId)).toMatchObject({
      attemptsMade: 1,
      attemptsStarted: 2,
      returnvalue: 'completed',
    });
    expect(jobs.get(otherId)).toMatchObject({ attemptsMade: 1, attemptsStarted: 1 });
  });

  it('a DAILY limit parks the job until the reset, attempts untouched, and other jobs keep flowing', async () => {
    const { queue, work } = setup();
    const hours = 5 * 3_600_000;
    const parkedId = await queue.enqueue('sync', {
      tenantId: tenantA,
      mode: 'incremental',
      reason: 'schedule',
    });
    const worker = work('sync', async (payload) => {
      if (payload.tenantId === tenantA)
        throw new ConnectorError('RATE_LIMITED', 'daily limit', { retryAfterMs: hours });
    });
    const otherId = await queue.enqueue('sync', {
      tenantId: tenantB,
      mode: 'incremental',
      reason: 'schedule',
    });
    const before = Date.now();
    await settled(worker, [otherId]);
    // B may finish while A's move to delayed is still under way.
    for (
      let poll = 0;
      poll < 100 && (await queue.queue('sync').getJobState(parkedId)) !== 'delayed';
      poll += 1
    )
      await new Promise((resolve) => setTimeout(resolve, 20));
    const parked = await queue.queue('sync').getJob(parkedId);
    expect(await parked?.getState()).toBe('delayed');
    expect(parked?.attemptsMade).toBe(0);
    // BullMQ scores delayed jobs by run time (ms) times 4096.
    const score = Number(await redis.zscore(`${queue.prefix}:sync:delayed`, parkedId));
    const runAt = Math.floor(score / 4096);
    expect(runAt).toBeGreaterThanOrEqual(before + hours);
    expect(runAt).toBeLessThan(before + hours + 60_000);
  });

  it('TEMPORARY retries with exponential backoff and counts each attempt', async () => {
    const { queue, work } = setup(100);
    const runs: { at: number; attemptsMade: number }[] = [];
    const id = await queue.enqueue('train', { tenantId: tenantA, reason: 'schedule' });
    const worker = work('train', async (_payload, context) => {
      runs.push({ at: Date.now(), attemptsMade: context.attemptsMade });
      if (runs.length < 3) throw new ConnectorError('TEMPORARY', '503 Service Unavailable');
    });
    const jobs = await settled(worker, [id]);
    expect(runs.map((run) => run.attemptsMade)).toEqual([0, 1, 2]);
    // 100 ms, then 200 ms: never sooner.
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(100);
    expect(runs[2].at - runs[1].at).toBeGreaterThanOrEqual(200);
    // Two failed attempts and the successful one.
    expect(jobs.get(id)).toMatchObject({ attemptsMade: 3, returnvalue: 'completed' });
  });

  it('a job whose data carries a token fails at once and never reaches the handler', async () => {
    const { queue, work } = setup();
    let handled = 0;
    // Written past the producer's check, as a stale or foreign producer might.
    const job = await queue
      .queue('score')
      .add('score', { tenantId: tenantA, leadIds: ['1'], accessToken: 't' }, { jobId: 'score.bad.1' });
    const worker = work('score', async () => {
      handled += 1;
    });
    const jobs = await settled(worker, [job.id ?? '']);
    expect(handled).toBe(0);
    expect(jobs.get('score.bad.1')?.failedReason).toBe(
      'score job payload rejected: accessToken: not allowed; job payloads carry ids, never tokens or personal data',
    );
    expect(jobs.get('score.bad.1')?.attemptsMade).toBe(1);
  });
});
