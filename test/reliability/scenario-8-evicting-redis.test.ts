import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { drainWorkers } from '../../worker/queues/bullmq-worker.ts';
import { RedisPolicyRefusal, startQueueWorkers } from '../../worker/queues/start-queue-workers.ts';
import { InMemoryTenantControl } from '../../worker/queues/tenant-control.ts';
import { type PrivateRedisServer, startPrivateRedis } from './support/private-redis-server.ts';

const servers: PrivateRedisServer[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const server of servers.splice(0)) await server.destroy();
});

async function redisWith(policy: { maxmemoryPolicy: string; appendonly: 'yes' | 'no' }) {
  const server = await startPrivateRedis(policy);
  servers.push(server);
  const connection = new Redis(server.url, { maxRetriesPerRequest: null });
  clients.push(connection);
  return connection;
}

const options = {
  tenants: new InMemoryTenantControl(),
  logger: createLogger({ level: 'silent' }),
  prefix: '{lsq-s8}',
};

describe('scenario 8: Redis with an evicting memory policy', () => {
  it('the queue workers refuse to start and say how to fix it', async () => {
    const connection = await redisWith({ maxmemoryPolicy: 'allkeys-lru', appendonly: 'no' });
    let ran = false;
    const refusal = await startQueueWorkers({
      ...options,
      connection,
      handlers: {
        score: async () => {
          ran = true;
        },
      },
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RedisPolicyRefusal);
    expect((refusal as RedisPolicyRefusal).message).toBe(
      'refusing to start the queue workers: Redis would lose jobs. maxmemory-policy is "allkeys-lru": set it to noeviction (redis-cli CONFIG SET maxmemory-policy noeviction); appendonly is "no": turn AOF on (redis-cli CONFIG SET appendonly yes, and appendonly yes in redis.conf)',
    );
    // No worker came up: nothing of BullMQ's was written.
    expect(await connection.dbsize()).toBe(0);
    expect(ran).toBe(false);
  });

  it('with AOF and noeviction they start and run jobs', async () => {
    const connection = await redisWith({ maxmemoryPolicy: 'noeviction', appendonly: 'yes' });
    const scored: string[] = [];
    const workers = await startQueueWorkers({
      ...options,
      connection,
      handlers: {
        score: async (payload) => {
          scored.push(payload.leadIds[0]);
        },
      },
    });
    const queues = new BullmqJobQueue({ connection, prefix: options.prefix });
    try {
      expect(workers.map((worker) => worker.name)).toEqual(['score']);
      const done = new Promise((resolve) => workers[0].once('completed', resolve));
      await queues.enqueue('score', { tenantId: 'hs:8080808', leadIds: ['8'] });
      await done;
      expect(scored).toEqual(['8']);
    } finally {
      expect(await drainWorkers(workers, 5_000)).toBe(true);
      await queues.close();
    }
  });
});
