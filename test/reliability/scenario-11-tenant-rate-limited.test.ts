import { randomBytes } from 'node:crypto';
import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { createQueueWorker } from '../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl, tenantControlKey } from '../../worker/queues/tenant-control.ts';
import { testRedisUrl } from '../support/redis.ts';
import { until } from './support/until.ts';

const prefix = `{lsq-s11-${randomBytes(4).toString('hex')}}`;
const tenantA = `hs:${110_000_000 + Math.floor(Math.random() * 1e7)}`;
const tenantB = `hs:${120_000_000 + Math.floor(Math.random() * 1e7)}`;
/** How long A's CRM tells us to wait: long next to B's work, so "B first" cannot be luck. */
const waitMs = 4_000;
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const queues = new BullmqJobQueue({ connection: redis, prefix });

afterAll(async () => {
  await queues.obliterate();
  await queues.close();
  await redis.del(tenantControlKey(tenantA), tenantControlKey(tenantB));
  await redis.quit();
});

/** Tenant A's CRM: over its quota it answers 429 with the time left until the window resets. */
class QuotaCrm {
  resetAt: number | undefined;
  readonly writes: { tenantId: string; leadId: string; at: number }[] = [];
  readonly refusals: { leadId: string; at: number }[] = [];

  write(tenantId: string, leadId: string): void {
    const now = Date.now();
    if (tenantId === tenantA) {
      this.resetAt ??= now + waitMs;
      if (now < this.resetAt) {
        this.refusals.push({ leadId, at: now });
        throw new ConnectorError('RATE_LIMITED', '429 TEN_SECONDLY_ROLLING', {
          retryAfterMs: this.resetAt - now,
          context: { provider: 'hubspot', tenantId, operation: 'update 1 contact', httpStatus: 429 },
        });
      }
    }
    this.writes.push({ tenantId, leadId, at: now });
  }
}

describe("scenario 11: tenant A's CRM answers 429 with a wait", () => {
  it("A's jobs wait without spending attempts; B's jobs run meanwhile and finish before A's wait ends", async () => {
    const crm = new QuotaCrm();
    const runs: { tenantId: string; leadId: string; attemptsMade: number }[] = [];
    const completed = new Map<string, Job>();
    const worker: Worker = createQueueWorker(
      'writeback',
      async (payload, context) => {
        runs.push({
          tenantId: payload.tenantId,
          leadId: payload.leadIds[0],
          attemptsMade: context.attemptsMade,
        });
        await new Promise((resolve) => setTimeout(resolve, 20));
        crm.write(payload.tenantId, payload.leadIds[0]);
      },
      {
        connection: redis,
        prefix,
        tenants: new RedisTenantControl(redis),
        logger: createLogger({ level: 'silent' }),
        concurrency: 4,
      },
    );
    worker.on('completed', (job) => {
      if (job.id) completed.set(job.id, job);
    });
    try {
      const idsOfA: string[] = [];
      for (const leadId of ['A1', 'A2', 'A3'])
        idsOfA.push(
          await queues.enqueue('writeback', { tenantId: tenantA, modelVersion: 'm-11', leadIds: [leadId] }),
        );
      const queue = queues.queue('writeback');
      await until(
        async () => (await queue.getJobCounts('delayed')).delayed === idsOfA.length,
        "A's jobs parked in delayed",
        30_000,
      );
      // Parked until the CRM's reset, with no attempt spent.
      for (const id of idsOfA) {
        const job = await queue.getJob(id);
        expect(job?.attemptsMade).toBe(0);
        expect(
          Math.floor(Number(await redis.zscore(`${prefix}:writeback:delayed`, id)) / 4096),
        ).toBeGreaterThanOrEqual(crm.resetAt ?? Number.POSITIVE_INFINITY);
      }

      const idsOfB: string[] = [];
      for (const leadId of ['B1', 'B2', 'B3', 'B4', 'B5', 'B6'])
        idsOfB.push(
          await queues.enqueue('writeback', { tenantId: tenantB, modelVersion: 'm-11', leadIds: [leadId] }),
        );
      await until(
        () => [...idsOfA, ...idsOfB].every((id) => completed.has(id)),
        'every job completed',
        60_000,
      );

      const resetAt = crm.resetAt ?? 0;
      const writesOfA = crm.writes.filter((write) => write.tenantId === tenantA);
      const writesOfB = crm.writes.filter((write) => write.tenantId === tenantB);
      // B never waited on A: all of B was written before A's wait was over, and before A's first write.
      expect(writesOfB.map((write) => write.leadId).sort()).toEqual(['B1', 'B2', 'B3', 'B4', 'B5', 'B6']);
      expect(Math.max(...writesOfB.map((write) => write.at))).toBeLessThan(resetAt);
      expect(Math.max(...writesOfB.map((write) => write.at))).toBeLessThan(
        Math.min(...writesOfA.map((write) => write.at)),
      );
      // A was refused once per job, then written once per job after the reset, never early.
      expect(crm.refusals.map((refusal) => refusal.leadId).sort()).toEqual(['A1', 'A2', 'A3']);
      expect(writesOfA.map((write) => write.leadId).sort()).toEqual(['A1', 'A2', 'A3']);
      for (const write of writesOfA) expect(write.at).toBeGreaterThanOrEqual(resetAt);
      // Every run of A saw no attempt spent; each A job ends with the one attempt that succeeded.
      expect(runs.filter((run) => run.tenantId === tenantA).map((run) => run.attemptsMade)).toEqual([
        0, 0, 0, 0, 0, 0,
      ]);
      for (const id of idsOfA)
        expect(completed.get(id)).toMatchObject({
          attemptsMade: 1,
          attemptsStarted: 2,
          returnvalue: 'completed',
        });
      for (const id of idsOfB)
        expect(completed.get(id)).toMatchObject({
          attemptsMade: 1,
          attemptsStarted: 1,
          returnvalue: 'completed',
        });
      expect(await queue.isPaused()).toBe(false);
      expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      });
    } finally {
      await worker.close();
    }
  }, 120_000);
});
