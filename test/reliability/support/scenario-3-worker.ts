/**
 * A worker process for scenario 3 whose writeback handler blocks the event loop: it prints
 * "started <jobId>", busy-waits (no lock renewal can run) until the file RELEASE_FILE exists, then
 * makes the job's side effect and prints "effect <jobId> <1 when it was the effective write, else 0>".
 * REDIS_URL, QUEUE_PREFIX and RELEASE_FILE come from the test.
 */
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createLogger } from '../../../shared/logger.ts';
import { createQueueWorker } from '../../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../../worker/queues/tenant-control.ts';
import { scenarioEffects } from './record-once.ts';
import { scenario3Lock } from './scenario-3-settings.ts';

const connection = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
const releaseFile = process.env.RELEASE_FILE ?? '';
const longestBlockMs = 60_000;

createQueueWorker(
  'writeback',
  async (payload, context) => {
    process.stdout.write(`started ${context.jobId}\n`);
    const blockedUntil = Date.now() + longestBlockMs;
    while (!existsSync(releaseFile) && Date.now() < blockedUntil) {
      // CPU-bound work done on the event loop, as training would be if it ran there.
    }
    const effects = scenarioEffects(payload.tenantId, 'scenario3');
    const effective = await effects.recordOnce(connection, payload.leadIds[0], payload.modelVersion);
    process.stdout.write(`effect ${context.jobId} ${effective ? 1 : 0}\n`);
  },
  {
    connection,
    prefix: process.env.QUEUE_PREFIX ?? '',
    tenants: new RedisTenantControl(connection),
    logger: createLogger({ level: 'silent' }),
    concurrency: 1,
    ...scenario3Lock,
  },
);
