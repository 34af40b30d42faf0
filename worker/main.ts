/**
 * The worker process (`npm run worker`): one BullMQ worker per queue in the table below, draining
 * on SIGTERM. Its settings (REDIS_URL, TOKEN_ENCRYPTION_KEY, the OAuth clients, schedules) are read
 * once by shared/config.ts.
 */
import { Redis } from 'ioredis';
import { loadConfigOrExit } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { loadManifest } from '../shared/manifest.ts';
import { RedisWorkerMetrics } from '../shared/metrics/worker-metrics.ts';
import { RedisRollingBucket } from '../shared/rate-limit/redis-rolling-bucket.ts';
import { tenantIdSchema } from '../shared/schemas/common.ts';
import { DEFAULT_REDIS_URL } from '../shared/store/redis-connection.ts';
import { createStore } from '../shared/store/store.ts';
import { SyncHygieneRepository } from '../shared/store/sync-hygiene.repository.ts';
import { tokenKeyRingFromConfig } from '../shared/store/token-crypto.ts';
import { maintenanceJob } from './jobs/maintenance.job.ts';
import { rescoreJob } from './jobs/rescore.job.ts';
import { routeJob } from './jobs/route.job.ts';
import { scoreJob } from './jobs/score.job.ts';
import { syncJob } from './jobs/sync.job.ts';
import { trainJob } from './jobs/train.job.ts';
import { writebackJob } from './jobs/writeback.job.ts';
import { reconnectPromptingTenantControl } from './maintenance/reconnect-prompt.ts';
import { upsertRetentionScheduler } from './maintenance/retention-schedule.ts';
import { secretFreeHandlers } from './maintenance/secret-free-errors.ts';
import { upsertWeeklyTrainScheduler } from './modelling/train-schedule.ts';
import { createWorkerServices } from './pipeline/worker-services.ts';
import { BullmqJobQueue } from './queues/bullmq-job-queue.ts';
import { drainOnSignals } from './queues/bullmq-worker.ts';
import { startHeartbeat } from './queues/heartbeat.ts';
import type { JobHandlers } from './queues/job-queue.ts';
import { purgeTenantJobs } from './queues/purge-tenant-jobs.ts';
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

// Every worker process adds to the same Redis-held figures; the server's /metrics reads them.
const metrics = new RedisWorkerMetrics(connection, logger);
const sandboxUrl = config.SANDBOX_CRM_URL === undefined ? undefined : new URL(config.SANDBOX_CRM_URL);
const connectorFor = tenantConnectors({
  store,
  clients,
  manifest: loadManifest(),
  logger,
  rateLimits: { bucket: new RedisRollingBucket(connection), metrics },
  ...(sandboxUrl === undefined ? {} : { sandbox: { baseUrl: sandboxUrl.origin, host: sandboxUrl.host } }),
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
  rescore: {
    queues,
    hygiene: new SyncHygieneRepository(connection),
    onWritten: (tenantId, count, eventToWriteSeconds) => {
      void metrics.scoresWritten(tenantId, count);
      void metrics.eventToWrite(tenantId, eventToWriteSeconds);
    },
  },
});

const publicUrl = (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '');

/** Queue name → processor. Failure reasons are kept free of tokens and emails. */
const handlers: JobHandlers = secretFreeHandlers({
  sync: syncJob(sync, { queue: queues }),
  train: trainJob(services.training, { queue: queues }),
  score: scoreJob(services.scoring, { metrics }),
  ...(services.rescore === undefined ? {} : { rescore: rescoreJob(services.rescore) }),
  writeback: writebackJob(services.writeback, { metrics }),
  route: routeJob(services.routing),
  maintenance: maintenanceJob({
    retention: {
      store,
      purgeJobs: (tenantId) => purgeTenantJobs(queues, tenantId),
      retentionDays: config.TENANT_RETENTION_DAYS,
      logger,
    },
  }),
});

const workers = await startQueueWorkers({
  connection,
  handlers,
  tenants: services.alertingTenantControl(
    reconnectPromptingTenantControl(new StoreTenantControl(store.tenants), {
      tenants: store.tenants,
      publicUrl,
      retentionDays: config.TENANT_RETENTION_DAYS,
    }),
  ),
  logger,
  onJobFailedForGood: services.onJobFailedForGood,
  onJobFinished: (queue, seconds) => void metrics.jobFinished(queue, seconds),
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
  await upsertRetentionScheduler(queues, parsed.data);
}
// /readyz on the server reads this: a live worker beats every few seconds.
const stopHeartbeat = await startHeartbeat(connection, { logger });

drainOnSignals(workers, {
  graceMs: config.WORKER_GRACE_MS,
  logger,
  exit: (code) => {
    void stopHeartbeat()
      .catch(() => undefined)
      .then(() => queues.close())
      .finally(() => {
        logger.info({ code }, 'worker stopped');
        connection.disconnect();
        process.exit(code);
      });
  },
});
logger.info({ queues: Object.keys(handlers) }, 'worker started');
