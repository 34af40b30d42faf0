import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import { decideOnFailure } from './failure-policy.ts';
import { InlineJobQueue } from './inline-job-queue.ts';
import type { JobPayload } from './job-payloads.ts';
import { InvalidJobPayloadError } from './job-payloads.ts';
import { InMemoryTenantControl } from './tenant-control.ts';

const tenantA = 'hs:1001';
const tenantB = 'hs:2002';

describe('failure policy', () => {
  it('decides from the ConnectorError code alone', () => {
    const decide = (code: ConstructorParameters<typeof ConnectorError>[0], retryAfterMs?: number) =>
      decideOnFailure(new ConnectorError(code, 'x', { retryAfterMs }));
    expect(decide('AUTH_REVOKED')).toEqual({ kind: 'stop', pauseTenant: true });
    expect(decide('RATE_LIMITED', 3_000)).toEqual({ kind: 'wait', delayMs: 3_000 });
    expect(decide('RATE_LIMITED')).toEqual({ kind: 'wait', delayMs: 10_000 });
    expect(decide('TEMPORARY', 5_000)).toEqual({ kind: 'retry' });
    expect(decide('UNKNOWN')).toEqual({ kind: 'retry' });
    for (const code of ['NOT_FOUND', 'INVALID_INPUT', 'CURSOR_INVALID'] as const)
      expect(decide(code)).toEqual({ kind: 'stop', pauseTenant: false });
    expect(decideOnFailure(new InvalidJobPayloadError('score', ['x']))).toEqual({
      kind: 'stop',
      pauseTenant: false,
    });
    expect(decideOnFailure(new TypeError('bug'))).toEqual({ kind: 'retry' });
  });
});

describe('inline job queue', () => {
  it('adds the same work once: deterministic job ids de-duplicate', async () => {
    let runs = 0;
    const queue = new InlineJobQueue({
      handlers: {
        score: async () => {
          runs += 1;
        },
      },
    });
    const first = await queue.enqueue('score', { tenantId: tenantA, leadIds: ['1', '2'] });
    const again = await queue.enqueue('score', { tenantId: tenantA, leadIds: ['2', '1'] });
    await queue.enqueue('score', { tenantId: tenantB, leadIds: ['1', '2'] });
    expect(again).toBe(first);
    await queue.runUntilIdle();
    expect(runs).toBe(2);
  });

  it('refuses a payload with a token before it is queued', async () => {
    const queue = new InlineJobQueue({ handlers: {} });
    const payload = { tenantId: tenantA, leadIds: ['1'], refreshToken: 'r' } as JobPayload<'score'>;
    await expect(queue.enqueue('score', payload)).rejects.toThrow('refreshToken: not allowed');
    expect(queue.jobs.size).toBe(0);
  });

  it('AUTH_REVOKED pauses and flags that tenant; its other jobs are skipped, another tenant runs on', async () => {
    const tenants = new InMemoryTenantControl();
    const ran: string[] = [];
    const queue = new InlineJobQueue({
      tenants,
      handlers: {
        sync: async (payload) => {
          ran.push(`sync ${payload.tenantId}`);
          if (payload.tenantId === tenantA)
            throw new ConnectorError('AUTH_REVOKED', 'refresh token revoked by the admin');
        },
        score: async (payload) => {
          ran.push(`score ${payload.tenantId}`);
        },
      },
    });
    const revoked = await queue.enqueue('sync', { tenantId: tenantA, mode: 'full', reason: 'install' });
    await queue.enqueue('score', { tenantId: tenantA, leadIds: ['1'] });
    await queue.enqueue('sync', { tenantId: tenantB, mode: 'full', reason: 'install' });
    await queue.enqueue('score', { tenantId: tenantB, leadIds: ['1'] });
    await queue.runUntilIdle();
    expect(ran).toEqual([`sync ${tenantA}`, `sync ${tenantB}`, `score ${tenantB}`]);
    expect(tenants.state(tenantA)).toEqual({
      status: 'auth_revoked',
      reason: 'refresh token revoked by the admin',
    });
    expect(tenants.state(tenantB)).toEqual({ status: 'active' });
    // Stopped after one attempt: a revoked token does not come back by retrying.
    expect(queue.jobs.get(revoked)).toMatchObject({ state: 'failed', attemptsMade: 1 });
    expect([...queue.jobs.values()].map((job) => job.state)).toEqual([
      'failed',
      'skipped',
      'completed',
      'completed',
    ]);
  });

  it('RATE_LIMITED waits what the provider asked, keeps its attempts, and runs again after the wait', async () => {
    let calls = 0;
    const queue = new InlineJobQueue({
      startAt: 0,
      handlers: {
        writeback: async () => {
          calls += 1;
          if (calls <= 3)
            throw new ConnectorError('RATE_LIMITED', 'ten_secondly_rolling', { retryAfterMs: 3_000 });
        },
      },
    });
    const id = await queue.enqueue('writeback', { tenantId: tenantA, modelVersion: 'm-1', leadIds: ['1'] });
    await queue.runUntilIdle();
    expect(queue.runs.map((run) => [run.at, run.outcome])).toEqual([
      [0, 'wait'],
      [3_000, 'wait'],
      [6_000, 'wait'],
      [9_000, 'completed'],
    ]);
    // More waits than the 5 attempts would allow, and none spent.
    expect(queue.jobs.get(id)).toMatchObject({ state: 'completed', attemptsMade: 0 });
  });

  it('a job the provider keeps rate limiting fails after 100 starts instead of waiting forever', async () => {
    const queue = new InlineJobQueue({
      handlers: {
        sync: async () => {
          throw new ConnectorError('RATE_LIMITED', 'daily', { retryAfterMs: 3_600_000 });
        },
      },
    });
    const id = await queue.enqueue('sync', { tenantId: tenantA, mode: 'incremental', reason: 'schedule' });
    await queue.runUntilIdle();
    expect(queue.runs).toHaveLength(100);
    expect(queue.jobs.get(id)).toMatchObject({
      state: 'failed',
      attemptsMade: 0,
      attemptsStarted: 101,
      failedReason: 'job started more than allowable limit',
    });
  });

  it('a rate-limited tenant does not hold back another tenant', async () => {
    const queue = new InlineJobQueue({
      startAt: 0,
      handlers: {
        score: async (payload) => {
          if (payload.tenantId === tenantA)
            throw new ConnectorError('RATE_LIMITED', 'daily', { retryAfterMs: 60_000 });
        },
      },
    });
    await queue.enqueue('score', { tenantId: tenantA, leadIds: ['1'] });
    await queue.enqueue('score', { tenantId: tenantB, leadIds: ['1'] });
    await queue.enqueue('score', { tenantId: tenantB, leadIds: ['2'] });
    await queue.runUntilIdle({ until: 30_000 });
    expect(queue.runs.map((run) => [run.at, run.tenantId, run.outcome])).toEqual([
      [0, tenantA, 'wait'],
      [0, tenantB, 'completed'],
      [0, tenantB, 'completed'],
    ]);
    await queue.runUntilIdle({ until: 60_000 });
    expect(queue.runs.at(-1)).toEqual({
      at: 60_000,
      jobId: expect.any(String),
      tenantId: tenantA,
      outcome: 'wait',
    });
  });

  it('TEMPORARY retries with exponential backoff (2 s, 4 s, 8 s, 16 s) and fails after 5 attempts', async () => {
    const queue = new InlineJobQueue({
      startAt: 0,
      handlers: {
        train: async () => {
          throw new ConnectorError('TEMPORARY', '503 Service Unavailable');
        },
      },
    });
    const id = await queue.enqueue('train', { tenantId: tenantA, reason: 'schedule' });
    await queue.runUntilIdle();
    expect(queue.runs.map((run) => run.at)).toEqual([0, 2_000, 6_000, 14_000, 30_000]);
    expect(queue.jobs.get(id)).toMatchObject({ state: 'failed', attemptsMade: 5 });
  });

  it('a TEMPORARY failure that clears completes on the retry', async () => {
    let calls = 0;
    const queue = new InlineJobQueue({
      startAt: 0,
      handlers: {
        route: async () => {
          calls += 1;
          if (calls === 1) throw new ConnectorError('TEMPORARY', 'ECONNRESET');
        },
      },
    });
    const id = await queue.enqueue('route', { tenantId: tenantA, modelVersion: 'm-1', leadId: '9' });
    await queue.runUntilIdle();
    expect(queue.jobs.get(id)).toMatchObject({ state: 'completed', attemptsMade: 1 });
    expect(queue.runs.map((run) => run.at)).toEqual([0, 2_000]);
  });
});
