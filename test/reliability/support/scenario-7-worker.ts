/**
 * A worker process for scenario 7: its writeback handler takes 20 ms and writes each lead's score
 * once (idempotent on tenant, lead and model version). It prints "ready" once it takes jobs and
 * drains on SIGTERM, printing "exiting <code>". REDIS_URL and QUEUE_PREFIX come from the test.
 */
import { Redis } from 'ioredis';
import { createLogger } from '../../../shared/logger.ts';
import { createQueueWorker, drainOnSignals } from '../../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../../worker/queues/tenant-control.ts';
import { scenarioEffects } from './record-once.ts';

const url = process.env.REDIS_URL ?? '';
const connection = new Redis(url, { maxRetriesPerRequest: null });
const store = new Redis(url, { maxRetriesPerRequest: null });
// Resets surface as errors on each client; they reconnect by themselves.
for (const client of [connection, store]) client.on('error', () => {});
const logger = createLogger({ level: 'silent' });
const worker = createQueueWorker(
  'writeback',
  async (payload) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const effects = scenarioEffects(payload.tenantId, 'scenario7');
    await effects.recordOnce(store, payload.leadIds[0], payload.modelVersion);
  },
  {
    connection,
    prefix: process.env.QUEUE_PREFIX ?? '',
    tenants: new RedisTenantControl(store),
    logger,
    concurrency: 5,
    lockDurationMs: 3_000,
    stalledIntervalMs: 1_000,
  },
);
drainOnSignals([worker], {
  graceMs: 5_000,
  logger,
  exit: (code) => {
    connection.disconnect();
    store.disconnect();
    process.stdout.write(`exiting ${code}\n`);
    process.exit(code);
  },
});
void worker.waitUntilReady().then(() => process.stdout.write('ready\n'));
