/**
 * Real-time rescoring end to end: the sandbox CRM, the server and the worker (each its own
 * process), one installed tenant of each CRM, then 20 lead activities per second for 60 s on each,
 * through the CRM's event path (the sandbox POSTs signed webhooks as the CRM would). Measures the
 * time from each activity to its lead's new score landing in the sandbox CRM, lost and duplicate
 * writes, and CRM API calls per second. Prints readable lines, then one JSON line.
 *
 *   npm run bench:realtime                               10,000 leads per CRM, 20 events/s, 60 s
 *   npm run bench:realtime -- --leads 6000 --seconds 20 --rate 10
 *
 * Redis: a private redis-server (AOF on, noeviction, as the worker requires), started and stopped here.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { installThroughOAuth } from '../connector/local/install-tenant.ts';
import { type ProductProcess, startProductProcess, waitFor } from '../connector/local/product-processes.ts';
import { leadIdFor } from '../connector/providers/hubspot/hubspot-mappers.ts';
import { startSandbox } from '../connector/sandbox/start-sandbox.ts';
import { resolveRedis } from '../connector/server/local-redis.ts';
import { generateDataset } from '../fixtures/generator/generate-dataset.ts';
import { createLogger } from '../shared/logger.ts';
import type { TenantId } from '../shared/schemas/common.ts';
import { ModelsRepository } from '../shared/store/models.repository.ts';
import { ScoresRepository } from '../shared/store/scores.repository.ts';
import { createStore } from '../shared/store/store.ts';
import { createTokenKeyRing } from '../shared/store/token-crypto.ts';
import { type ProviderFigures, runEventLoad } from './realtime/event-load.ts';
import { WriteObserver } from './realtime/write-observer.ts';

const { values } = parseArgs({
  options: {
    leads: { type: 'string' },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
  },
});
const leadCount = Number(values.leads ?? 10_000);
const seconds = Number(values.seconds ?? 60);
const rate = Number(values.rate ?? 20);
const seed = Number(values.seed ?? 2026);
if (!Number.isInteger(leadCount) || leadCount < 500)
  throw new Error('--leads must be a whole number of at least 500');
if (!(seconds > 0 && rate > 0)) throw new Error('--seconds and --rate must be positive numbers');

const print = (line = '') => process.stdout.write(`${line}\n`);
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const dataDir = path.join(tmpdir(), `leadscore-bench-realtime-${process.pid}`);
const redisServer = await resolveRedis(undefined, createLogger({ level: 'warn' }), dataDir);
if (!redisServer.description.startsWith('a private')) {
  throw new Error(
    'bench:realtime needs redis-server to start a private Redis with AOF: install it (Debian/Ubuntu: apt-get install -y redis-server)',
  );
}
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 2 });
const tokenKey = randomBytes(32).toString('hex');
const store = createStore(redis, { keyRing: createTokenKeyRing(tokenKey) });
const processes: ProductProcess[] = [];

try {
  const started = performance.now();
  const salesforceData = generateDataset({ leads: leadCount, seed, tenantId: 'sf:00D000000000001AAA' });
  const hubspotData = generateDataset({ leads: leadCount, seed: seed + 1, tenantId: 'hs:2431623' });
  const sandbox = await startSandbox({ seed: { salesforce: salesforceData, hubspot: hubspotData } });
  print(
    `bench:realtime: ${leadCount.toLocaleString('en-US')} leads per CRM, ${rate} events/s for ${seconds} s each, seed ${seed}`,
  );
  print(`sandbox CRM at ${sandbox.baseUrl}, ${redisServer.description} (${elapsed(started)})`);

  const port = 4300 + (process.pid % 500);
  const serverUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    REDIS_URL: redisServer.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: serverUrl,
    SANDBOX_CRM_URL: sandbox.baseUrl,
    TOKEN_ENCRYPTION_KEY: tokenKey,
    SESSION_SIGNING_KEY: randomBytes(32).toString('hex'),
    SALESFORCE_CLIENT_ID: 'sandbox-client',
    SALESFORCE_CLIENT_SECRET: 'sandbox-secret',
    HUBSPOT_CLIENT_ID: 'sandbox-client',
    HUBSPOT_CLIENT_SECRET: 'sandbox-secret',
  };
  processes.push(startProductProcess('server', env), startProductProcess('worker', env));
  await waitFor(
    'the server and worker to be ready (/readyz)',
    () =>
      fetch(`${serverUrl}/readyz`).then(
        (response) => (response.ok ? true : undefined),
        () => undefined,
      ),
    60_000,
    500,
  ).catch((error: unknown) => {
    throw new Error(
      `${(error as Error).message}\n${processes.map((p) => `--- ${p.name}\n${p.tail()}`).join('\n')}`,
    );
  });
  print(`server and worker ready (${elapsed(started)})`);

  const tenants: Record<'salesforce' | 'hubspot', TenantId> = {
    salesforce: `sf:${sandbox.salesforce.state.orgId}` as TenantId,
    hubspot: `hs:${sandbox.hubspot.store.portalId}` as TenantId,
  };
  for (const provider of ['salesforce', 'hubspot'] as const) await installThroughOAuth(serverUrl, provider);
  print(`installed both tenants through OAuth (${elapsed(started)})`);

  // The CRMs' webhooks point at the server: HubSpot signs with the app's client secret, the
  // package's Queueable with the tenant's webhook secret made at install.
  const salesforceSecret = await store.tenants.webhookSecret(tenants.salesforce);
  if (salesforceSecret === undefined)
    throw new Error('the Salesforce tenant has no webhook secret after install');
  sandbox.events.configure({
    salesforce: {
      url: `${serverUrl}/webhooks/salesforce`,
      orgId: sandbox.salesforce.state.orgId,
      secret: salesforceSecret,
    },
    hubspot: {
      url: `${serverUrl}/webhooks/hubspot`,
      clientSecret: 'sandbox-secret',
      appId: 1,
      portalId: sandbox.hubspot.store.portalId,
    },
  });

  // The first sync, training and scoring pass: ready when both tenants have champions and every
  // open lead's score has been written.
  const models = new ModelsRepository(redis);
  const observer = new WriteObserver(sandbox);
  for (const provider of ['salesforce', 'hubspot'] as const) {
    await waitFor(
      `a champion model for the ${provider} tenant`,
      async () => {
        if ((await models.list(tenants[provider])).length > 0) return true;
        const counts = await models.trainingCounts(tenants[provider]);
        if (counts?.outcome === 'rules') {
          throw new BenchStop(
            `the ${provider} tenant stays on its rules: ${counts.labelledLeads} labelled leads and ${counts.convertingLeads} conversions are below the model minimums; raise --leads`,
          );
        }
        return undefined;
      },
      20 * 60_000,
      1_000,
    );
  }
  print(`both tenants trained (${elapsed(started)})`);
  await waitFor('the first scoring passes to finish', queuesIdle(redis), 10 * 60_000, 1_000);
  print(`first scores written back (${elapsed(started)})`);

  const scores = new ScoresRepository(redis);
  const figures: Record<string, ProviderFigures> = {};
  const runs = (['salesforce', 'hubspot'] as const).map(async (provider) => {
    figures[provider] = await runEventLoad({
      sandbox,
      provider,
      observer,
      rate,
      seconds,
      seed,
      scoredAtOf: async (from, crmId) => {
        const leadId = from === 'hubspot' ? leadIdFor(tenants.hubspot, crmId) : crmId;
        const stored = (await scores.get(tenants[from], [leadId])).get(leadId);
        return stored === undefined ? undefined : Date.parse(stored.scoredAt);
      },
    });
  });
  await Promise.all(runs);
  observer.stop();
  for (const provider of ['salesforce', 'hubspot'] as const) {
    const line = figures[provider];
    if (line === undefined) continue;
    print(
      `${provider}: ${line.events} events, p50 ${line.p50Ms} ms, p95 ${line.p95Ms} ms, p99 ${line.p99Ms} ms, lost ${line.lost}, unchanged ${line.unchanged}, duplicates ${line.duplicates}, ${line.apiCallsPerSecond} API calls/s (${line.apiCallsPerEvent} per event)`,
    );
  }
  print(JSON.stringify(figures));
  await sandbox.close();
} finally {
  for (const product of processes) await product.stop();
  redis.disconnect();
  await redisServer.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** A reason the bench cannot go on, raised from inside a wait: it ends the wait at once. */
class BenchStop extends Error {}

/** A check that is true once no job has waited or run in any pipeline queue three checks in a row. */
function queuesIdle(client: Redis): () => Promise<true | undefined> {
  let idleChecks = 0;
  return async () => {
    if (!(await noJobs(client))) {
      idleChecks = 0;
      return undefined;
    }
    idleChecks += 1;
    return idleChecks >= 3 ? true : undefined;
  };
}

/** No job waits or runs in any pipeline queue (the schedulers' delayed jobs aside). */
async function noJobs(client: Redis): Promise<boolean> {
  for (const queue of ['sync', 'train', 'score', 'writeback', 'route', 'rescore']) {
    const prefix = `{leadscore}:${queue}`;
    const [waiting, active, prioritized] = await Promise.all([
      client.llen(`${prefix}:wait`),
      client.llen(`${prefix}:active`),
      client.zcard(`${prefix}:prioritized`),
    ]);
    if (waiting + active + prioritized > 0) return false;
  }
  return true;
}
