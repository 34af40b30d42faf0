import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadManifest } from '../../shared/manifest.ts';
import { checkRedis, createFailFastRedis } from '../../shared/store/redis-connection.ts';
import { checkRedisPolicy } from '../../shared/store/redis-policy.ts';
import { createStore } from '../../shared/store/store.ts';
import { tokenKeyRingFromConfig } from '../../shared/store/token-crypto.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { queueNames } from '../../worker/queues/queue-names.ts';
import { createApp } from './app.ts';
import { shareSecretsWithSandbox } from './demo/sandbox-panel-secrets.ts';
import { resolveRedis } from './local-redis.ts';
import { bullmqQueueInspector } from './ops/index.ts';
import type { ServerDependencies } from './server-dependencies.ts';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, name: 'leadscore' });
const dataDir = fileURLToPath(new URL('../../.redis', import.meta.url));
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

// A signal that arrives while Redis is starting is kept and acted on once there is something to stop.
let earlySignal: NodeJS.Signals | undefined;
const rememberSignal = (signal: NodeJS.Signals): void => {
  earlySignal ??= signal;
};
for (const signal of STOP_SIGNALS) process.on(signal, rememberSignal);

const localRedis = await resolveRedis(config.REDIS_URL, logger, dataDir);
const redis = createFailFastRedis(localRedis.url);
let lastRedisError = '';
redis.on('error', (error: Error) => {
  // ioredis reports every reconnect attempt; log each distinct failure once.
  if (error.message !== lastRedisError) logger.warn({ reason: error.message }, 'redis connection error');
  lastRedisError = error.message;
});
redis.on('ready', () => {
  lastRedisError = '';
});

await new Promise((resolve) => setTimeout(resolve, 300));
if ((await checkRedis(redis)).ok) {
  const policy = await checkRedisPolicy(redis);
  if (!policy.ok) {
    logger.fatal(
      { problems: policy.problems },
      `refusing to start: Redis would lose data. ${policy.problems.join('; ')}`,
    );
    redis.disconnect();
    await localRedis.stop();
    process.exit(2);
  }
}

const publicUrl = (
  config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`
).replace(/\/$/, '');
// Producers fail fast too: a webhook answers 503 at once while Redis is away, never hangs.
const queues = new BullmqJobQueue({
  connection: redis,
  ...(config.QUEUE_PREFIX ? { prefix: config.QUEUE_PREFIX } : {}),
});
const sandboxUrl = config.SANDBOX_CRM_URL === undefined ? undefined : new URL(config.SANDBOX_CRM_URL);
const deps: ServerDependencies = {
  config,
  redis,
  store: createStore(redis, { keyRing: keyRing() }),
  queues,
  manifest: loadManifest(),
  logger,
  publicUrl,
  ...(sandboxUrl === undefined ? {} : { sandbox: { baseUrl: sandboxUrl.origin, host: sandboxUrl.host } }),
  now: Date.now,
};
const app = createApp(deps, {
  redisDescription: localRedis.description,
  queueInspector: bullmqQueueInspector(queues, queueNames),
});
const server = app.listen(config.PORT, config.HOST, () => {
  logger.info(
    { url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}` },
    'LeadScore is listening',
  );
  // The demo's sandbox CRM signs panel requests (Canvas, hubspot.fetch) with this server's secrets.
  if (sandboxUrl !== undefined)
    void shareSecretsWithSandbox({
      sandboxUrl: sandboxUrl.origin,
      canvasConsumerSecret: config.SALESFORCE_CANVAS_CONSUMER_SECRET,
      hubspotClientSecret: config.HUBSPOT_CLIENT_SECRET,
      logger,
    });
});
server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') {
    // A port in use is a setting to change, like a bad variable: one line, exit code 2.
    process.stderr.write(`port ${config.PORT} is in use: set PORT to a free port\n`);
    void stopEverything(2);
    return;
  }
  logger.fatal({ reason: error.message }, 'server failed');
  void stopEverything(1);
});

/**
 * The key ring that seals CRM tokens. Without TOKEN_ENCRYPTION_KEY (never in production: config
 * refuses) the server can still serve health and docs, and installs fail with a message naming it.
 */
function keyRing() {
  if (config.TOKEN_ENCRYPTION_KEY !== undefined) return tokenKeyRingFromConfig(config);
  return undefined;
}

let stopping = false;
/** Closes the HTTP server, the Redis connection and the private redis-server, then exits. */
async function stopEverything(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Never hang on a slow client: past 3 s, whatever is still open is cut.
  const deadline = setTimeout(() => server.closeAllConnections(), 3_000);
  deadline.unref();
  await new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await queues.close().catch(() => undefined);
  redis.disconnect();
  await localRedis.stop();
  process.exit(exitCode);
}

function shutdown(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down');
  void stopEverything(0);
}
// npm start runs this process directly (`exec` in the start script), so a signal sent to npm reaches it.
// Ctrl-C in a terminal delivers SIGINT twice (from the terminal and forwarded by npm): the handlers
// stay installed, so the second one cannot kill the process before the private Redis has stopped.
for (const signal of STOP_SIGNALS) {
  process.off(signal, rememberSignal);
  process.on(signal, shutdown);
}
if (earlySignal !== undefined) shutdown(earlySignal);
