import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotWebhooksRouter } from '../../connector/server/webhooks/hubspot-webhooks.ts';
import {
  hubspotEvent,
  postHubspot,
  serve,
  webhookDeps,
} from '../../connector/server/webhooks/webhook-test-support.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { createFailFastRedis } from '../../shared/store/redis-connection.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { type PrivateRedisServer, startPrivateRedis } from './support/private-redis-server.ts';

const portalId = 9_200_000 + Math.floor(Math.random() * 700_000);
const tenantId = `hs:${portalId}`;
const secret = 'scenario-6-secret';
const publicUrl = 'https://leadscore.example.com';
let server: PrivateRedisServer;
let failFast: Redis;
let connection: Redis;
let queues: BullmqJobQueue;
let app: { url: string; close: () => Promise<void> };

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function rescoreJobs(): Promise<number> {
  const counts = await queues.queue('rescore').getJobCounts('waiting', 'delayed', 'active', 'completed');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

beforeAll(async () => {
  server = await startPrivateRedis({ debugCommand: true });
  failFast = createFailFastRedis(server.url);
  failFast.on('error', () => {});
  connection = new Redis(server.url, { maxRetriesPerRequest: null });
  connection.on('error', () => {});
  queues = new BullmqJobQueue({ connection, prefix: '{lsq-s6}', onError: () => {} });
  await until(() => failFast.status === 'ready', 'the fail-fast client');
  await failFast.hset(tenantKeys(tenantId).tenant, 'provider', 'hubspot');
  // The rescore queue is live (its client connected) before Redis goes away, as in production.
  await queues.queue('rescore').waitUntilReady();
  app = await serve(
    hubspotWebhooksRouter(webhookDeps(failFast, queues, secret, publicUrl), { erasePerson: async () => {} }),
  );
});

afterAll(async () => {
  await app.close();
  await queues.close();
  connection.disconnect();
  failFast.disconnect();
  await server.destroy();
});

const body = (eventId: number) =>
  JSON.stringify([hubspotEvent({ eventId, portalId, objectId: 61, propertyName: 'lifecyclestage' })]);

describe('scenario 6: a HubSpot webhook arrives while Redis is down', () => {
  it('answers 503 within a second; after the restart the retry of the same event enqueues exactly one rescore', async () => {
    await server.stop();
    await until(() => failFast.status !== 'ready', 'the client to notice');
    const started = performance.now();
    const refused = await postHubspot(app.url, body(6_001), { secret, publicUrl });
    const elapsedMs = performance.now() - started;
    expect(refused.status).toBe(503);
    expect(elapsedMs).toBeLessThan(1_000);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.text()).not.toMatch(/at .+\.(ts|js):\d+/);

    await server.start();
    await until(() => failFast.status === 'ready', 'the fail-fast client to reconnect');
    expect(await rescoreJobs()).toBe(0);
    // HubSpot's retry: the same event id, signed again.
    const retried = await postHubspot(app.url, body(6_001), { secret, publicUrl });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    await until(async () => (await rescoreJobs()) > 0, 'the rescore job');
    expect(await rescoreJobs()).toBe(1);
    const again = await postHubspot(app.url, body(6_001), { secret, publicUrl });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await rescoreJobs()).toBe(1);
  });

  it('answers 503 within a second while Redis hangs, and the retry still makes exactly one rescore', async () => {
    await queues.obliterate();
    const sleeper = new Redis(server.url);
    sleeper.on('error', () => {});
    const sleeping = sleeper.call('DEBUG', 'SLEEP', '2').catch(() => 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const refused = await postHubspot(app.url, body(6_002), { secret, publicUrl });
    const elapsedMs = performance.now() - started;
    expect(refused.status).toBe(503);
    expect(elapsedMs).toBeLessThan(1_000);
    await sleeping;
    sleeper.disconnect();

    const retried = await postHubspot(app.url, body(6_002), { secret, publicUrl });
    expect(retried.status).toBe(200);
    await until(async () => (await rescoreJobs()) > 0, 'the rescore job');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await rescoreJobs()).toBe(1);
  });
});
