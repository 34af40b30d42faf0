import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { queueProcessor } from './bullmq-worker.ts';
import { InMemoryTenantControl } from './tenant-control.ts';

const logger = createLogger({ level: 'silent' });
const data = { tenantId: 'hs:9123456', mode: 'incremental', reason: 'schedule' };

function fakeJob(payload: unknown): Job {
  return { id: 'job-1', data: payload, attemptsMade: 0 } as unknown as Job;
}

describe('onJobFinished', () => {
  it('reports every run with its queue and duration in seconds, completed or failed', async () => {
    const finished: { queue: string; seconds: number }[] = [];
    const onJobFinished = (queue: string, seconds: number) => void finished.push({ queue, seconds });
    const deps = { tenants: new InMemoryTenantControl(), logger, onJobFinished };
    const slow = queueProcessor(
      'sync',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
      },
      deps,
    );
    expect(await slow(fakeJob(data))).toBe('completed');
    const failing = queueProcessor(
      'sync',
      async () => {
        throw new Error('boom');
      },
      deps,
    );
    await expect(failing(fakeJob(data))).rejects.toThrow('boom');
    expect(finished.map((entry) => entry.queue)).toEqual(['sync', 'sync']);
    expect(finished[0]?.seconds).toBeGreaterThanOrEqual(0.025);
    // Seconds, not milliseconds: 30 ms is 0.03.
    expect(finished[0]?.seconds).toBeLessThan(10);
    expect(finished[1]?.seconds).toBeGreaterThanOrEqual(0);
  });

  it('never fails a job because the hook threw', async () => {
    const deps = {
      tenants: new InMemoryTenantControl(),
      logger,
      onJobFinished: () => {
        throw new Error('metrics broke');
      },
    };
    const processor = queueProcessor('sync', async () => {}, deps);
    expect(await processor(fakeJob(data))).toBe('completed');
  });
});
