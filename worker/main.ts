/**
 * The worker process (`npm run worker`): one BullMQ worker per queue in the table below, draining
 * on SIGTERM. Its settings (REDIS_URL, TOKEN_ENCRYPTION_KEY, the OAuth clients, schedules) are read
 * once by shared/config.ts.
 */
import { Redis } from 'ioredis';
import { loadConfigOrExit } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { loadManifest } from '../shared/manifest.ts';
import { RedisRollingBucket } from '../shared/rate-limit/redis-rolling-bucket.ts';
import { tenantIdSchema } from '../shared/schemas/common.ts';
import { DEFAULT_REDIS_URL } from '../shared/store/redis-connection.ts';
import { createStore } from '../shared/store/store.ts';
import { SyncHygieneRepository } from '../shared/store/sync-hygiene.repository.ts';
import { tokenKeyRingFromConfig } from '../shared/store/token-crypto.ts';
import { rescoreJob } from './jobs/rescore.job.ts';
import { routeJob } from './jobs/route.job.ts';
import { scoreJob } from './jobs/score.job.ts';
import { syncJob } from './jobs/sync.job.ts';
import { trainJob } from './jobs/train.job.ts';
import { writebackJob } from './jobs/writeback.job.ts';
import { upsertWeeklyTrainScheduler } from './modelling/train-schedule.ts';
import { createWorkerServices } from './pipeline/worker-services.ts';
import { BullmqJobQueue } from './queues/bullmq-job-queue.ts';
import { drainOnSignals } from './queues/bullmq-worker.ts';
import type { JobHandlers } from './queues/job-queue.ts';
import { RedisPolicyRefusal, startQueueWorkers } from './queues/start-queue-workers.ts';
import { StoreTenantControl } from './queues/tenant-control.ts';
import { upsertSyncSchedulers } from './sync/sync-schedules.ts';
import { SyncService } from './sync/sync-service.ts';
import { type OAuthClient, tenantConnectors } from './sync/tenant-connector.ts';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL });
const connection = new Redis(config.REDIS_URL ?? DEFAULT_REDIS_URL, { maxRetriesPerRequest: null });
const store = createStore(connection, { keyRing: tokenKeyRingFromConfig(config) });

function oauthClient(
  clientId: string | undefined,
  clientSecret: string | undefined,
  provider: 'salesforce' | 'hubspot',
): OAuthClient | undefined {
  if (clientId === undefined || clientSecret === undefined) return undefined;
  const base = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  return { clientId, clientSecret, redirectUri: `${base.replace(/\/$/, '')}/oauth/${provider}/callback` };
}
const clients: { salesforce?: OAuthClient; hubspot?: OAuthClient } = {};
const salesforceClient = oauthClient(
  config.SALESFORCE_CLIENT_ID,
  config.SALESFORCE_CLIENT_SECRET,
  'salesforce',
);
if (salesforceClient) clients.salesforce = salesforceClient;
const hubspotClient = oauthClient(config.HUBSPOT_CLIENT_ID, config.HUBSPOT_CLIENT_SECRET, 'hubspot');
if (hubspotClient) clients.hubspot = hubspotClient;

const connectorFor = tenantConnectors({
  store,
  clients,
  manifest: loadManifest(),
  logger,
  rateLimits: { bucket: new RedisRollingBucket(connection) },
});
const sync = new SyncService({
  store,
  hygiene: new SyncHygieneRepository(connection),
  connectorFor,
  logger,
});
// Jobs ask for the next step through this producer (a sync or a training asks for a scoring pass).
const queues = new BullmqJobQueue({
  connection,
  ...(config.QUEUE_PREFIX ? { prefix: config.QUEUE_PREFIX } : {}),
});
const services = createWorkerServices({
  redis: connection,
  store,
  connectorFor,
  logger,
  rescore: { queues, hygiene: new SyncHygieneRepository(connection) },
});

/** Queue name → processor. */
const handlers: JobHandlers = {
  sync: syncJob(sync, { queue: queues }),
  train: trainJob(services.training, { queue: queues }),
  score: scoreJob(services.scoring),
  ...(services.rescore === undefined ? {} : { rescore: rescoreJob(services.rescore) }),
  writeback: writebackJob(services.writeback),
  route: routeJob(services.routing),
};

const workers = await startQueueWorkers({
  connection,
  handlers,
  tenants: services.alertingTenantControl(new StoreTenantControl(store.tenants)),
  logger,
  onJobFailedForGood: services.onJobFailedForGood,
  ...(config.QUEUE_PREFIX ? { prefix: config.QUEUE_PREFIX } : {}),
}).catch((error: unknown) => {
  if (!(error instanceof RedisPolicyRefusal)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
// Every installed tenant keeps its sync and weekly training schedules; upserting is idempotent, so
// each start may do it.
const scheduleOptions = {
  incrementalEveryMs: config.SYNC_EVERY_MINUTES * 60_000,
  reconcilePattern: config.SYNC_RECONCILE_CRON,
};
for (const tenantId of await store.tenants.list()) {
  const parsed = tenantIdSchema.safeParse(tenantId);
  if (!parsed.success) continue;
  await upsertSyncSchedulers(queues, parsed.data, scheduleOptions);
  await upsertWeeklyTrainScheduler(queues, parsed.data);
}

drainOnSignals(workers, {
  graceMs: config.WORKER_GRACE_MS,
  logger,
  exit: (code) => {
    void queues.close().finally(() => {
      logger.info({ code }, 'worker stopped');
      connection.disconnect();
      process.exit(code);
    });
  },
});
logger.info({ queues: Object.keys(handlers) }, 'worker started');
