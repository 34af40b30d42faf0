import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { type ChildWorker, startChildWorker } from './support/child-worker.ts';
import { type PrivateRedisServer, startPrivateRedis } from './support/private-redis-server.ts';
import { scenarioEffects } from './support/record-once.ts';
import { settledWithin, until } from './support/until.ts';

const tenantId = 'hs:7070707';
const prefix = '{lsq-s7}';
const leadCount = 300;
/** Faults in order, one each time another 20 leads are written: resets of every client and stalls. */
const faultPlan = ['kill', 'kill', 'sleep', 'kill', 'kill', 'sleep', 'kill', 'kill'] as const;
const leadsBetweenFaults = 20;
const effects = scenarioEffects(tenantId, 'scenario7');
let server: PrivateRedisServer;

beforeAll(async () => {
  server = await startPrivateRedis({ debugCommand: true });
});
afterAll(async () => {
  await server.destroy();
});

describe('scenario 7: slow or reset Redis connections', () => {
  it('the worker process survives; every lead is written exactly once, none lost', async () => {
    // The admin connection injects the faults and is spared by them (CLIENT KILL ... SKIPME yes).
    const admin = new Redis(server.url, { maxRetriesPerRequest: null });
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    connection.on('error', () => {});
    const queues = new BullmqJobQueue({ connection, prefix, onError: () => {} });
    let child: ChildWorker | undefined;
    try {
      for (let start = 0; start < leadCount; start += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            queues.enqueue('writeback', { tenantId, modelVersion: 'm-7', leadIds: [`L-${start + i}`] }),
          ),
        );
      }
      child = startChildWorker('scenario-7-worker.ts', { REDIS_URL: server.url, QUEUE_PREFIX: prefix });
      await child.waitForLine('ready', 30_000);

      const written = async () => Object.keys(await effects.effectiveWrites(admin)).length;
      const injected: string[] = [];
      for (const [index, fault] of faultPlan.entries()) {
        await until(
          async () => (await written()) >= (index + 1) * leadsBetweenFaults,
          'progress',
          60_000,
          10,
        );
        // A fault only counts while work is still outstanding.
        if ((await written()) >= leadCount) break;
        if (fault === 'kill') await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
        else await admin.call('DEBUG', 'SLEEP', '0.5');
        injected.push(fault);
      }
      expect(injected).toEqual([...faultPlan]);

      await until(async () => (await written()) === leadCount, 'every lead written', 90_000);
      const queue = queues.queue('writeback');
      await until(
        async () => (await queue.getJobCounts('completed')).completed === leadCount,
        'every job completed',
        60_000,
      );
      // Nothing lost, nothing written twice.
      const writes = await effects.effectiveWrites(admin);
      expect(Object.keys(writes).length).toBe(leadCount);
      expect(Object.entries(writes).filter(([, count]) => count !== '1')).toEqual([]);
      for (let lead = 0; lead < leadCount; lead += 1) expect(writes[`L-${lead}`]).toBe('1');
      expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
      });
      // The process took every fault and is still running.
      expect(child.isAlive()).toBe(true);
      // And it still shuts down by itself within its grace period (exit 1 would say the grace ran out).
      const ended = await child.stop('SIGTERM', 10_000);
      expect(ended.forced).toBe(false);
      expect([0, 1]).toContain(ended.code);
      expect(child.lines.at(-1)).toBe(`exiting ${ended.code}`);
    } finally {
      // Bounded: a worker that did not exit is killed rather than left to hang the suite.
      await child?.stop('SIGKILL', 5_000);
      await settledWithin(queues.close(), 5_000);
      connection.disconnect();
      admin.disconnect();
    }
  }, 180_000);
});
