import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createLogger, type Logger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys, withKeyPrefix } from '../../shared/store/keys.ts';
import { checkRedisPolicy } from '../../shared/store/redis-policy.ts';
import { createTokenKeyRing, type SealedSecret } from '../../shared/store/token-crypto.ts';
import { type RunningSandbox, startSandbox } from '../sandbox/start-sandbox.ts';
import { ensurePanelBundle } from '../server/panel/panel-bundle.ts';
import { claimDataDir } from './data-dir.ts';
import { generateDemoData } from './demo-data.ts';
import { wipeKeyPrefixes } from './demo-state.ts';
import {
  type DemoProvider,
  type FirstCycleReport,
  scoresWrittenByTenant,
  seconds,
  watchFirstCycle,
} from './first-cycle.ts';
import { installThroughOAuth } from './install-tenant.ts';
import { resolveLocalSecrets } from './local-secrets.ts';
import { type PrivateRedis, startPrivateRedis } from './private-redis.ts';
import {
  type ProductProcess,
  type ProductProcessName,
  startProductProcess,
  waitFor,
} from './product-processes.ts';

export type { FirstCycleReport, TenantFirstCycle } from './first-cycle.ts';

export interface LocalProductOptions {
  /** The server's port (default 3000). */
  port?: number;
  /** Leads seeded into each sandbox CRM (default 5,000). */
  leadsPerCrm?: number;
  /** Keep the demo's data from the last run instead of starting clean. */
  keep?: boolean;
  /** A Redis to use (default: REDIS_URL, else a private redis-server with its data in .redis/). */
  redisUrl?: string;
  /** No progress lines on stdout. */
  quiet?: boolean;
  /** The generator's seed (default 2026; HubSpot's data uses seed + 1). */
  seed?: number;
  /** Ends a start still under way: what was started stops and the promise rejects. */
  signal?: AbortSignal;
}

export interface LocalProduct {
  /** The page to open: http://localhost:<port>. */
  url: string;
  /** The sandbox CRM standing in for Salesforce and HubSpot. */
  sandboxUrl: string;
  /** Resolves when both tenants are trained, scored and written back; rejects if a process dies first. */
  firstCycle: Promise<FirstCycleReport>;
  /** Resolves when a child process stops on its own (a crash), with what it last said. */
  failed: Promise<ProductFailure>;
  /** Stops the worker, the server, the sandbox and the private Redis; safe to call more than once. */
  stop(): Promise<void>;
}

export interface ProductFailure {
  process: ProductProcessName;
  exitCode: number | null;
  message: string;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_LEADS_PER_CRM = 5_000;
export const DEFAULT_SEED = 2026;
/** The demo's own key prefixes, so a start that wipes them never touches another LeadScore's keys. */
export const DEMO_STORE_PREFIX = 'lsdemo';
export const DEMO_QUEUE_PREFIX = '{lsdemo}';
/** The OAuth apps the sandbox CRM knows (it accepts any client; these are the bench's). */
export const SANDBOX_CLIENT = { id: 'sandbox-client', secret: 'sandbox-secret' } as const;
/** The HubSpot app id the sandbox signs its webhooks for. */
const SANDBOX_HUBSPOT_APP_ID = 1;
/** How long the worker may drain on SIGTERM before it is cut (the demo has nothing worth waiting for). */
const WORKER_GRACE_MS = 4_000;

const repoRoot = path.resolve(import.meta.dirname, '../..');
export const DATA_DIR = path.join(repoRoot, '.redis');
/** Where a run puts its data and logs while another run holds .redis/. */
export const SCRATCH_DIR = path.join(repoRoot, 'tmp');

class StartAborted extends Error {
  override readonly name = 'AbortError';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function positiveWhole(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be a whole number of at least ${minimum}, got ${value}`);
  }
  return value;
}

/**
 * The whole product on this machine: Redis (REDIS_URL or a private redis-server), the sandbox CRM
 * seeded with a Salesforce org and a HubSpot portal whose history ends now, the server and the
 * worker as their own processes, both tenants installed through the CRMs' OAuth redirects. Resolves
 * once the product answers; `firstCycle` follows the first sync, training and write-back.
 */
export async function startLocalProduct(options: LocalProductOptions = {}): Promise<LocalProduct> {
  const startedAt = performance.now();
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`port must be a whole number from 1 to 65535, got ${port}`);
  }
  const leadsPerCrm = positiveWhole(
    'leadsPerCrm (--leads)',
    options.leadsPerCrm ?? DEFAULT_LEADS_PER_CRM,
    100,
  );
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xfffffffe) {
    throw new Error(`seed must be a whole number from 0 to 4294967294, got ${seed}`);
  }
  const keep = options.keep ?? false;
  const say = (line: string): void => {
    if (!options.quiet) process.stdout.write(`${line}\n`);
  };
  const elapsed = () => seconds(performance.now() - startedAt);
  if (!(await portIsFree(port))) {
    throw new Error(`port ${port} is in use: stop what runs there or start on another port (--port 3001)`);
  }
  const dataDir = claimDataDir(DATA_DIR, SCRATCH_DIR);
  const logger: Logger = createLogger(
    { name: 'leadscore-local' },
    pino.destination({ dest: path.join(dataDir.logDir, 'local.log'), sync: true, append: keep }),
  );
  const logsShown = path.relative(repoRoot, dataDir.logDir);
  if (dataDir.heldBy !== undefined) {
    say(
      `.redis/ is in use by another LeadScore (pid ${dataDir.heldBy}): this one keeps its data and logs in ${path.relative(repoRoot, dataDir.dir)}/`,
    );
  }

  const stops: (() => Promise<void>)[] = [async () => dataDir.release()];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const step of stops.splice(0).reverse()) {
        await step().catch((error: unknown) => logger.warn({ reason: String(error) }, 'a stop step failed'));
      }
      logger.info('stopped');
    })();
    return stopping;
  };
  const checkAborted = () => {
    if (options.signal?.aborted) throw new StartAborted('the start was cancelled');
  };
  // Rejects when the start is cancelled, so a long step (the panel build, the installs) is not waited
  // for: what was started is stopped at once.
  const aborted = new Promise<never>((_resolve, reject) => {
    const { signal } = options;
    if (signal === undefined) return;
    const cancel = () => reject(new StartAborted('the start was cancelled'));
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  });
  aborted.catch(() => undefined);

  try {
    // Always the demo's own prefixes, whatever the environment says: a STORE_KEY_PREFIX meant for
    // a real deployment must never be what a clean start wipes.
    const storePrefix = DEMO_STORE_PREFIX;
    const queuePrefix = DEMO_QUEUE_PREFIX;

    // Keys the server and worker must share (kept in .redis/ whichever directory holds the data).
    const secrets = resolveLocalSecrets(DATA_DIR);
    for (const [name, source] of Object.entries(secrets.sources)) {
      if (source === 'made')
        say(`made a development ${name} in ${path.relative(repoRoot, secrets.file)} (mode 0600)`);
      if (source === 'file')
        logger.info({ name, file: secrets.file }, 'using the development key from the file');
    }

    // Redis.
    const redisUrl = options.redisUrl ?? (process.env.REDIS_URL || undefined);
    let url: string;
    if (redisUrl === undefined) {
      // Our own Redis: without --keep it starts from an empty data directory.
      if (!keep) rmSync(path.join(dataDir.dir, 'appendonlydir'), { recursive: true, force: true });
      const privateRedis: PrivateRedis = await startPrivateRedis(dataDir.dir);
      stops.push(() => privateRedis.stop());
      url = privateRedis.url;
      say(
        `Redis: a private redis-server on port ${privateRedis.port}, data in ${path.relative(repoRoot, dataDir.dir)}/ (${elapsed()})`,
      );
    } else {
      url = redisUrl;
      say(`Redis: ${new URL(redisUrl).host} (REDIS_URL), keys under ${storePrefix}: and ${queuePrefix}:`);
    }
    const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
    redis.on('error', (error: Error) => logger.warn({ reason: error.message }, 'redis connection error'));
    stops.push(async () => {
      redis.disconnect();
    });
    await redis.connect();
    const policy = await checkRedisPolicy(redis);
    if (!policy.ok) {
      throw new Error(`the worker refuses this Redis, it could lose data: ${policy.problems.join('; ')}`);
    }
    if (!keep) {
      const removed = await wipeKeyPrefixes(redis, [storePrefix, queuePrefix]);
      logger.info({ removed, storePrefix, queuePrefix }, 'wiped the demo keys of the last run');
      if (removed > 0)
        say(`cleared ${removed.toLocaleString('en-US')} keys of the last demo run (--keep keeps them)`);
    }
    checkAborted();

    // The server and worker boot (a few seconds of TypeScript loading each) while this process
    // builds the panel and the CRM data: they reach the sandbox CRM only once a tenant is installed.
    const sandboxPort = await freePort();
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const publicUrl = `http://localhost:${port}`;
    const env: Record<string, string> = {
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.LOG_LEVEL || 'info',
      REDIS_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      SANDBOX_CRM_URL: sandboxUrl,
      STORE_KEY_PREFIX: storePrefix,
      QUEUE_PREFIX: queuePrefix,
      WORKER_GRACE_MS: String(WORKER_GRACE_MS),
      TOKEN_ENCRYPTION_KEY: secrets.secrets.TOKEN_ENCRYPTION_KEY,
      SESSION_SIGNING_KEY: secrets.secrets.SESSION_SIGNING_KEY,
      SALESFORCE_CANVAS_CONSUMER_SECRET: secrets.secrets.SALESFORCE_CANVAS_CONSUMER_SECRET,
      SALESFORCE_CLIENT_ID: SANDBOX_CLIENT.id,
      SALESFORCE_CLIENT_SECRET: SANDBOX_CLIENT.secret,
      HUBSPOT_CLIENT_ID: SANDBOX_CLIENT.id,
      HUBSPOT_CLIENT_SECRET: SANDBOX_CLIENT.secret,
    };
    const children: ProductProcess[] = [];
    const spawnChild = (name: ProductProcessName): ProductProcess => {
      const child = startProductProcess(name, env, {
        logFile: path.join(dataDir.logDir, `${name}.log`),
        detached: true,
      });
      children.push(child);
      // Stops run in reverse order: the worker first (it drains), then the server.
      stops.push(async () => {
        await child.stop(name === 'worker' ? WORKER_GRACE_MS + 3_000 : 5_000);
      });
      return child;
    };
    spawnChild('server');
    spawnChild('worker');
    const failed = new Promise<ProductFailure>((resolve) => {
      for (const child of children) {
        void child.exited.then((exitCode) => {
          if (stopping !== undefined) return;
          resolve({
            process: child.name,
            exitCode,
            message: `the ${child.name} stopped unexpectedly (exit code ${exitCode ?? 'none, killed by a signal'}); its last lines (whole log in ${path.join(logsShown, `${child.name}.log`)}):\n${child.tail()}`,
          });
        });
      }
    });
    const failure = failed.then((problem) => {
      throw new Error(problem.message);
    });
    failure.catch(() => undefined);
    const abortable = <T>(work: Promise<T>): Promise<T> => Promise.race([work, failure, aborted]);

    const bundle = await abortable(ensurePanelBundle({ logger }));
    say(
      bundle.built
        ? `built the panel bundle in ${bundle.seconds} s (${elapsed()})`
        : `the panel bundle is up to date (${elapsed()})`,
    );
    checkAborted();

    const data = generateDemoData({ leadsPerCrm, seed });
    say(
      `generated ${leadsPerCrm.toLocaleString('en-US')} leads per CRM, history from ${new Date(data.startMs).toISOString().slice(0, 10)} to now (${elapsed()})`,
    );
    checkAborted();
    const sandbox: RunningSandbox = await startSandbox(
      {
        seed: { salesforce: data.salesforce, hubspot: data.hubspot },
        // The app's secrets the CRMs sign panel requests with: Canvas (Salesforce), hubspot.fetch (HubSpot).
        panels: {
          canvasConsumerSecret: secrets.secrets.SALESFORCE_CANVAS_CONSUMER_SECRET,
          hubspotClientSecret: SANDBOX_CLIENT.secret,
        },
      },
      sandboxPort,
    );
    stops.push(() => sandbox.close());
    say(`sandbox CRM at ${sandbox.baseUrl} (${elapsed()})`);

    const serverUrl = `http://127.0.0.1:${port}`;
    await abortable(
      waitFor(
        'the server and worker to be ready (/readyz)',
        () => {
          checkAborted();
          return fetch(`${serverUrl}/readyz`).then(
            (response) => (response.ok ? true : undefined),
            () => undefined,
          );
        },
        90_000,
        250,
      ),
    );
    say(`server and worker ready (${elapsed()}); their logs: ${logsShown}/server.log, worker.log`);

    const tenants: { provider: DemoProvider; tenantId: TenantId; seededLeads: number }[] = [
      {
        provider: 'salesforce',
        tenantId: `sf:${sandbox.salesforce.state.orgId}` as TenantId,
        seededLeads: data.salesforce.leads.length,
      },
      {
        provider: 'hubspot',
        tenantId: `hs:${sandbox.hubspot.store.portalId}` as TenantId,
        seededLeads: data.hubspot.leads.length,
      },
    ];
    for (const tenant of tenants) await abortable(installThroughOAuth(publicUrl, tenant.provider));
    say(`installed LeadScore in both CRMs through OAuth (${elapsed()})`);
    await configureWebhooks(
      sandbox,
      redis,
      storePrefix,
      secrets.secrets.TOKEN_ENCRYPTION_KEY,
      tenants,
      publicUrl,
    );
    checkAborted();

    const firstCycle = watchFirstCycle({
      redis,
      sandbox,
      storePrefix,
      queuePrefix,
      tenants,
      startedAt,
      say,
      failure,
    }).then(async (report) => {
      const metrics = await fetch(`${serverUrl}/metrics`).then((response) => response.text());
      const full: FirstCycleReport = { ...report, metricsScoresWritten: scoresWrittenByTenant(metrics) };
      logger.info({ report: full }, 'first cycle');
      say(
        full.tenants.every((tenant) => tenant.outcome === 'models')
          ? `first scores in ${seconds(full.firstScoresMs)}, models trained in ${seconds(full.trainedMs)}, every lead scored by its model and written in ${seconds(full.doneMs)}`
          : `first scores in ${seconds(full.firstScoresMs)}, training done in ${seconds(full.trainedMs)} (rules where the history is too small), every lead scored and written in ${seconds(full.doneMs)}`,
      );
      const counted = Object.entries(full.metricsScoresWritten)
        .map(([tenant, written]) => `${tenant} ${written.toLocaleString('en-US')}`)
        .join(', ');
      say(`/metrics leadscore_scores_written_total: ${counted || 'none yet'}`);
      say('');
      say(`open ${publicUrl}`);
      say(`  Salesforce leads: ${publicUrl}/demo/salesforce/leads`);
      say(`  HubSpot contacts: ${publicUrl}/demo/hubspot/contacts`);
      say(`  sandbox CRM: ${sandbox.baseUrl}`);
      return full;
    });
    // Awaited by the caller; a rejection left unobserved must not end the process on its own.
    firstCycle.catch(() => undefined);
    return { url: publicUrl, sandboxUrl: sandbox.baseUrl, firstCycle, failed, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Points the sandbox CRMs' change webhooks at the server, as each CRM does once the app is
 * installed: HubSpot signs with the app's client secret, the Salesforce package with the tenant's
 * webhook secret that the install made (sealed in the store).
 */
async function configureWebhooks(
  sandbox: RunningSandbox,
  redis: Redis,
  storePrefix: string,
  tokenKey: string,
  tenants: readonly { provider: DemoProvider; tenantId: TenantId }[],
  publicUrl: string,
): Promise<void> {
  const salesforce = tenants.find((tenant) => tenant.provider === 'salesforce');
  if (salesforce === undefined) return;
  const sealed = await redis.hget(
    withKeyPrefix(tenantKeys(salesforce.tenantId).tenant, storePrefix),
    'webhookSecret',
  );
  if (sealed === null) throw new Error('the Salesforce tenant has no webhook secret after its install');
  const secret = createTokenKeyRing(tokenKey).open(
    JSON.parse(sealed) as SealedSecret,
    `${salesforce.tenantId}:webhookSecret`,
  );
  sandbox.events.configure({
    salesforce: {
      url: `${publicUrl}/webhooks/salesforce`,
      orgId: sandbox.salesforce.state.orgId,
      secret,
    },
    hubspot: {
      url: `${publicUrl}/webhooks/hubspot`,
      clientSecret: SANDBOX_CLIENT.secret,
      appId: SANDBOX_HUBSPOT_APP_ID,
      portalId: sandbox.hubspot.store.portalId,
    },
  });
}
