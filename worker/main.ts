/**
 * The worker process (`npm run worker`): one BullMQ worker per queue in the table below, draining
 * on SIGTERM. REDIS_URL, TOKEN_ENCRYPTION_KEY and the OAuth clients come from the environment.
 */
import { Redis } from 'ioredis';
import { loadConfigOrExit } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { loadManifest } from '../shared/manifest.ts';
import { tenantIdSchema } from '../shared/schemas/common.ts';
import { DEFAULT_REDIS_URL } from '../shared/store/redis-connection.ts';
import { createStore } from '../shared/store/store.ts';
import { SyncHygieneRepository } from '../shared/store/sync-hygiene.repository.ts';
import { tokenKeyRingFromConfig } from '../shared/store/token-crypto.ts';
import { syncJob } from './jobs/sync.job.ts';
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

function oauthClient(prefix: 'SALESFORCE' | 'HUBSPOT', provider: string): OAuthClient | undefined {
  const clientId = process.env[`${prefix}_CLIENT_ID`];
  const clientSecret = process.env[`${prefix}_CLIENT_SECRET`];
  if (!clientId || !clientSecret) return undefined;
  const base = process.env.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  return { clientId, clientSecret, redirectUri: `${base}/oauth/${provider}/callback` };
}
const clients: { salesforce?: OAuthClient; hubspot?: OAuthClient } = {};
const salesforceClient = oauthClient('SALESFORCE', 'salesforce');
if (salesforceClient) clients.salesforce = salesforceClient;
const hubspotClient = oauthClient('HUBSPOT', 'hubspot');
if (hubspotClient) clients.hubspot = hubspotClient;

const sync = new SyncService({
  store,
  hygiene: new SyncHygieneRepository(connection),
  connectorFor: tenantConnectors({ store, clients, manifest: loadManifest(), logger }),
  logger,
});

/** Queue name → processor. */
const handlers: JobHandlers = {
  sync: syncJob(sync),
};

const workers = await startQueueWorkers({
  connection,
  handlers,
  tenants: new StoreTenantControl(store.tenants),
  logger,
  ...(process.env.QUEUE_PREFIX ? { prefix: process.env.QUEUE_PREFIX } : {}),
}).catch((error: unknown) => {
  if (!(error instanceof RedisPolicyRefusal)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
// Every installed tenant keeps its sync schedules; upserting is idempotent, so each start may do it.
const scheduleQueues = new BullmqJobQueue({
  connection,
  ...(process.env.QUEUE_PREFIX ? { prefix: process.env.QUEUE_PREFIX } : {}),
});
const scheduleOptions = {
  ...(process.env.SYNC_EVERY_MINUTES
    ? { incrementalEveryMs: Number(process.env.SYNC_EVERY_MINUTES) * 60_000 }
    : {}),
  ...(process.env.SYNC_RECONCILE_CRON ? { reconcilePattern: process.env.SYNC_RECONCILE_CRON } : {}),
};
for (const tenantId of await store.tenants.list()) {
  const parsed = tenantIdSchema.safeParse(tenantId);
  if (parsed.success) await upsertSyncSchedulers(scheduleQueues, parsed.data, scheduleOptions);
}
await scheduleQueues.close();

drainOnSignals(workers, {
  graceMs: Number(process.env.WORKER_GRACE_MS ?? 30_000),
  logger,
  exit: (code) => {
    logger.info({ code }, 'worker stopped');
    connection.disconnect();
    process.exit(code);
  },
});
logger.info({ queues: Object.keys(handlers) }, 'worker started');
