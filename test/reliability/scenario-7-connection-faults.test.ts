import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { createQueueWorker } from '../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../worker/queues/tenant-control.ts';
import { type PrivateRedisServer, startPrivateRedis } from './support/private-redis-server.ts';

const tenantId = 'hs:7070707';
const writtenKey = `ls:{${tenantId}}:scenario7:written`;
const leadCount = 300;
let server: PrivateRedisServer;

beforeAll(async () => {
  server = await startPrivateRedis({ debugCommand: true });
});
afterAll(async () => {
  await server.destroy();
});

/** A CRM field per lead: writing the value it already holds is not an effective write. */
class FakeCrm {
  readonly fields = new Map<string, { value: string; effectiveWrites: number }>();
  write(leadId: string, value: string): void {
    const field = this.fields.get(leadId);
    if (field?.value === value) return;
    this.fields.set(leadId, { value, effectiveWrites: (field?.effectiveWrites ?? 0) + 1 });
  }
}

describe('scenario 7: slow or reset Redis connections', () => {
  it('the worker survives; every lead is written once, none lost', async () => {
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const store = new Redis(server.url, { maxRetriesPerRequest: null });
    const admin = new Redis(server.url);
    for (const client of [connection, store]) client.on('error', () => {});
    const queues = new BullmqJobQueue({ connection, prefix: '{lsq-s7}' });
    for (let lead = 0; lead < leadCount; lead += 1)
      await queues.enqueue('writeback', { tenantId, modelVersion: 'm-7', leadIds: [String(lead)] });

    const crm = new FakeCrm();
    const workerErrors: Error[] = [];
    const worker = createQueueWorker(
      'writeback',
      async (payload) => {
        const leadId = payload.leadIds[0];
        // Idempotent on (tenant, lead, model version): a re-run writes the same value again.
        crm.write(leadId, `${payload.modelVersion}:${Number(leadId) % 101}`);
        await new Promise((resolve) => setTimeout(resolve, 3));
        await store.hset(writtenKey, leadId, payload.modelVersion);
      },
      {
        connection,
        prefix: '{lsq-s7}',
        tenants: new RedisTenantControl(store),
        logger: createLogger({ level: 'silent' }),
        concurrency: 8,
        lockDurationMs: 5_000,
        stalledIntervalMs: 5_000,
      },
    );
    worker.on('error', (error) => workerErrors.push(error));
    try {
      // Reset every client connection four times and make the server stall twice, while it works.
      const faults = ['kill', 'sleep', 'kill', 'kill', 'sleep', 'kill'] as const;
      for (const fault of faults) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        if (fault === 'kill') await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
        else await admin.call('DEBUG', 'SLEEP', '0.3');
      }
      const deadline = Date.now() + 60_000;
      while ((await admin.hlen(writtenKey)) < leadCount && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));

      expect(await admin.hlen(writtenKey)).toBe(leadCount);
      expect(crm.fields.size).toBe(leadCount);
      expect([...crm.fields.values()].every((field) => field.effectiveWrites === 1)).toBe(true);
      const counts = await queues.queue('writeback').getJobCounts('failed', 'waiting', 'delayed');
      expect(counts).toEqual({ failed: 0, waiting: 0, delayed: 0 });
      // The resets were seen, and survived.
      expect(workerErrors.length).toBeGreaterThan(0);
      expect(worker.isRunning()).toBe(true);
    } finally {
      await worker.close();
      await queues.obliterate();
      await queues.close();
      connection.disconnect();
      store.disconnect();
      admin.disconnect();
    }
  }, 120_000);
});
