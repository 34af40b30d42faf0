/**
 * A worker process for scenario 1: runs `writeback` jobs on BullMQ against the sandbox CRM and real
 * Redis, printing "recorded <call> <writes>" after each call's confirmations are stored. With
 * CRASH_AT_CALL=<n> it stops once call n is confirmed by the CRM but before it is recorded, prints
 * "crash-point" and waits for the test's SIGKILL. It prints "completed" and exits 0 after a job completes.
 */
import { Redis } from 'ioredis';
import { SalesforceAuth } from '../../../connector/providers/salesforce/salesforce-auth.ts';
import { SalesforceConnector } from '../../../connector/providers/salesforce/salesforce-connector.ts';
import { createLogger } from '../../../shared/logger.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import { tenantIdSchema } from '../../../shared/schemas/common.ts';
import { createStore } from '../../../shared/store/store.ts';
import { WritebackStateRepository } from '../../../shared/store/writeback-state.repository.ts';
import { writebackJob } from '../../../worker/jobs/writeback.job.ts';
import { createQueueWorker } from '../../../worker/queues/bullmq-worker.ts';
import { RedisTenantControl } from '../../../worker/queues/tenant-control.ts';
import { WritebackService } from '../../../worker/writeback/writeback-service.ts';
import { scenarioOneScore } from './scenario-1-scores.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.QUEUE_PREFIX ?? '{lsq-s1}';
const sandboxUrl = process.env.SANDBOX_URL ?? '';
const sandboxHost = process.env.SANDBOX_HOST ?? '';
const crashAtCall = Number(process.env.CRASH_AT_CALL ?? '0');
const manifest = loadManifest();
const logger = createLogger({ level: 'silent' });
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const store = createStore(connection);
const config = {
  clientId: 'sandbox-client',
  clientSecret: 'sandbox-secret',
  redirectUri: 'http://127.0.0.1/oauth/salesforce/callback',
};

async function connect(tenantId: string): Promise<SalesforceConnector> {
  const state = 'sandbox-state-0123456789';
  const org = await new SalesforceAuth({
    ...config,
    apiVersion: manifest.salesforce.apiVersion,
    loginUrl: sandboxUrl,
    allowedInstanceHosts: [sandboxHost],
  }).exchangeCode({ code: 'sandbox-authorization-code', state, expectedState: state });
  return new SalesforceConnector({
    tenantId: tenantIdSchema.parse(tenantId),
    tokens: org.tokens,
    onTokensRefreshed: () => {},
    ...config,
    logger,
    baseUrls: { login: sandboxUrl },
    allowedInstanceHosts: [sandboxHost],
    manifest,
  });
}

const service = new WritebackService({
  state: new WritebackStateRepository(connection),
  leads: store.leads,
  logger,
  afterCallConfirmed: async (call) => {
    if (call === crashAtCall) {
      process.stdout.write('crash-point\n');
      await new Promise(() => {});
    }
  },
  afterCallRecorded: (call, writes) => {
    process.stdout.write(`recorded ${call} ${writes}\n`);
  },
});

const worker = createQueueWorker(
  'writeback',
  writebackJob({
    service,
    connectorFor: connect,
    scoresFor: async (_tenantId, leadIds) => leadIds.map(scenarioOneScore),
  }),
  {
    connection,
    prefix,
    tenants: new RedisTenantControl(connection),
    logger,
    concurrency: 1,
    lockDurationMs: 2_000,
    stalledIntervalMs: 1_000,
  },
);
worker.on('completed', async () => {
  process.stdout.write('completed\n');
  await worker.close();
  connection.disconnect();
  process.exit(0);
});
worker.on('failed', (job, error) => {
  process.stdout.write(`failed ${job?.id ?? ''} ${error.message}\n`);
});
process.stdout.write('ready\n');
