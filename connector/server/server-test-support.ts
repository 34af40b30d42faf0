import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadManifest } from '../../shared/manifest.ts';
import { createStore, type RedisClient } from '../../shared/store/store.ts';
import { createTokenKeyRing } from '../../shared/store/token-crypto.ts';
import type { JobQueue } from '../../worker/queues/job-queue.ts';
import { createApp } from './app.ts';
import type { QueueInspector } from './ops/index.ts';
import type { ServerDependencies } from './server-dependencies.ts';

/** A producer that keeps what it was asked to enqueue, for tests that look at it. */
export function recordingQueue(): JobQueue & { jobs: { queue: string; payload: unknown }[] } {
  const jobs: { queue: string; payload: unknown }[] = [];
  return {
    jobs,
    async enqueue(queue, payload) {
      jobs.push({ queue, payload });
      return `${queue}:${jobs.length}`;
    },
    async close() {},
  };
}

/** Queue depths of an empty deployment. */
export const emptyQueueInspector: QueueInspector = {
  names: [],
  depths: async () => ({ waiting: 0, active: 0, delayed: 0, failed: 0 }),
};

/** The server's dependencies over a test Redis, with a fresh token key and test OAuth clients. */
export function testServerDependencies(
  redis: RedisClient,
  overrides: Partial<ServerDependencies> & { logger?: Logger } = {},
): ServerDependencies {
  const config = loadConfig({
    NODE_ENV: 'test',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SESSION_SIGNING_KEY: randomBytes(32).toString('hex'),
    SALESFORCE_CLIENT_ID: 'sandbox-client',
    SALESFORCE_CLIENT_SECRET: 'sandbox-secret',
    HUBSPOT_CLIENT_ID: 'sandbox-client',
    HUBSPOT_CLIENT_SECRET: 'sandbox-secret',
    SALESFORCE_CANVAS_CONSUMER_SECRET: 'canvas-consumer-secret',
  });
  return {
    config,
    redis,
    store: createStore(redis, { keyRing: createTokenKeyRing(config.TOKEN_ENCRYPTION_KEY ?? '') }),
    queues: recordingQueue(),
    manifest: loadManifest(),
    logger: createLogger({ level: 'silent' }),
    publicUrl: 'http://127.0.0.1',
    now: Date.now,
    ...overrides,
  };
}

/** The whole app on a free port; resolves with its base URL and a close function. */
export async function serveApp(
  deps: ServerDependencies,
  queueInspector: QueueInspector = emptyQueueInspector,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = createApp(deps, { queueInspector }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
