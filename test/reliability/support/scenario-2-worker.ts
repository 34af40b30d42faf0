/**
 * A worker process for scenario 2: scores take 400 ms each; it prints "started <jobId>" when a job
 * starts and drains on SIGTERM. REDIS_URL and QUEUE_PREFIX come from the test.
 */
import { Redis } from 'ioredis';
import { createLogger } from '../../../shared/logger.ts';
import { createQueueWorker, drainOnSignals } from '../../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../../worker/queues/tenant-control.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.QUEUE_PREFIX ?? '{lsq-s2}';
const connection = new Redis(url, { maxRetriesPerRequest: null });
const logger = createLogger({ level: 'silent' });
const worker = createQueueWorker(
  'score',
  async (payload, context) => {
    process.stdout.write(`started ${context.jobId}\n`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await connection.sadd(`ls:{${payload.tenantId}}:scenario2:scored`, payload.leadIds[0]);
  },
  { connection, prefix, tenants: new RedisTenantControl(connection), logger, concurrency: 3 },
);
drainOnSignals([worker], {
  graceMs: 10_000,
  logger,
  exit: (code) => {
    connection.disconnect();
    process.stdout.write(`exiting ${code}\n`);
    process.exit(code);
  },
});
