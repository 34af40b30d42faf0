/**
 * A worker process for the crash-resume test: runs one `sync` job against the sandbox CRM and real
 * Redis, printing "stored <family> <page>" after each stored page and "saved <family> <page>" after
 * its cursor. With CRASH_AT=<family>:<page> it stops right after that page is stored (before its
 * cursor is saved), prints "crash-point" and waits for the test's SIGKILL.
 */
import { Redis } from 'ioredis';
import { SalesforceAuth } from '../../../connector/providers/salesforce/salesforce-auth.ts';
import { SalesforceConnector } from '../../../connector/providers/salesforce/salesforce-connector.ts';
import { createLogger } from '../../../shared/logger.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import { tenantIdSchema } from '../../../shared/schemas/common.ts';
import { createStore } from '../../../shared/store/store.ts';
import { SyncHygieneRepository } from '../../../shared/store/sync-hygiene.repository.ts';
import { syncJob } from '../../jobs/sync.job.ts';
import { runJob } from '../../queues/run-job.ts';
import { RedisTenantControl } from '../../queues/tenant-control.ts';
import { SyncService } from '../sync-service.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sandboxUrl = process.env.SANDBOX_URL ?? '';
const sandboxHost = process.env.SANDBOX_HOST ?? '';
const tenantId = tenantIdSchema.parse(process.env.TENANT_ID);
const crashAt = process.env.CRASH_AT ?? '';
const manifest = loadManifest();
const logger = createLogger({ level: 'silent' });
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const store = createStore(redis);
const config = {
  clientId: 'sandbox-client',
  clientSecret: 'sandbox-secret',
  redirectUri: 'http://127.0.0.1/oauth/salesforce/callback',
};

async function connect(): Promise<SalesforceConnector> {
  const state = 'sandbox-state-0123456789';
  const org = await new SalesforceAuth({
    ...config,
    apiVersion: manifest.salesforce.apiVersion,
    loginUrl: sandboxUrl,
    allowedInstanceHosts: [sandboxHost],
  }).exchangeCode({ code: 'sandbox-authorization-code', state, expectedState: state });
  return new SalesforceConnector({
    tenantId,
    tokens: org.tokens,
    onTokensRefreshed: () => {},
    ...config,
    logger,
    baseUrls: { login: sandboxUrl },
    allowedInstanceHosts: [sandboxHost],
    manifest,
  });
}

const service = new SyncService({
  store,
  hygiene: new SyncHygieneRepository(redis),
  connectorFor: connect,
  logger,
  afterPageStored: async (family, page) => {
    process.stdout.write(`stored ${family} ${page}\n`);
    if (`${family}:${page}` === crashAt) {
      process.stdout.write('crash-point\n');
      await new Promise(() => {});
    }
  },
  afterCursorSaved: (family, page) => {
    process.stdout.write(`saved ${family} ${page}\n`);
  },
});

const outcome = await runJob(
  'sync',
  { tenantId, mode: 'incremental', reason: 'schedule' },
  syncJob(service),
  { tenants: new RedisTenantControl(redis), logger },
  { jobId: 'crash-test', attemptsMade: 0 },
);
process.stdout.write(`done ${outcome.kind}\n`);
redis.disconnect();
process.exit(outcome.kind === 'completed' ? 0 : 1);
