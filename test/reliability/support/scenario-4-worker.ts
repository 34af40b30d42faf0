/**
 * A worker process for scenario 4: it counts each start of a score job in Redis, prints
 * "started <jobId> <start number>", and never finishes the job: the test kills it with -9.
 * REDIS_URL and QUEUE_PREFIX come from the test.
 */
import { Redis } from 'ioredis';
import { createLogger } from '../../../shared/logger.ts';
import { createQueueWorker } from '../../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../../worker/queues/tenant-control.ts';
import { scenario4Lock, scenario4StartsKey } from './scenario-4-settings.ts';

const connection = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
createQueueWorker(
  'score',
  async (payload, context) => {
    const start = await connection.incr(scenario4StartsKey(payload.tenantId));
    process.stdout.write(`started ${context.jobId} ${start}\n`);
    await new Promise(() => {});
  },
  {
    connection,
    prefix: process.env.QUEUE_PREFIX ?? '',
    tenants: new RedisTenantControl(connection),
    logger: createLogger({ level: 'silent' }),
    concurrency: 1,
    ...scenario4Lock,
  },
);
