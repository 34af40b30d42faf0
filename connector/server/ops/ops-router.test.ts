import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger.ts';
import { RedisWorkerMetrics } from '../../../shared/metrics/worker-metrics.ts';
import { hubspotBudgets, salesforceDailyBudget } from '../../../shared/rate-limit/provider-budgets.ts';
import { RedisRollingBucket, rateLimitKey } from '../../../shared/rate-limit/redis-rolling-bucket.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { opsKeysIn, tenantKeys, tenantRegistryKey } from '../../../shared/store/keys.ts';
import { createFailFastRedis } from '../../../shared/store/redis-connection.ts';
import { createStore, type Store } from '../../../shared/store/store.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { BullmqJobQueue } from '../../../worker/queues/bullmq-job-queue.ts';
import { startHeartbeat } from '../../../worker/queues/heartbeat.ts';
import { queueNames } from '../../../worker/queues/queue-names.ts';
import { opsRouter } from './ops-router.ts';
import { bullmqQueueInspector, type QueueInspector } from './queue-inspector.ts';

const logger = createLogger({ level: 'silent' });
const suffix = randomBytes(4).toString('hex');
const hubspotTenant = `hs:9${Math.floor(Math.random() * 1e8)}` as TenantId;
const salesforceTenant = `sf:00D9${randomBytes(6).toString('hex').toUpperCase().slice(0, 11)}` as TenantId;
const now = Date.parse('2026-12-01T12:00:00.000Z');

let redis: Redis;
let worker: Redis;
let store: Store;
let jobQueue: BullmqJobQueue;
let queues: QueueInspector;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  redis = createFailFastRedis(testRedisUrl);
  worker = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  await redis.ping().catch(async () => new Promise((resolve) => redis.once('ready', resolve)));
  store = createStore(redis);
  jobQueue = new BullmqJobQueue({ connection: worker, prefix: `{ops-test-${suffix}}` });
  queues = bullmqQueueInspector(jobQueue, queueNames);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await jobQueue.obliterate();
  await jobQueue.close();
  await redis.del(...[hubspotTenant, salesforceTenant].map((tenant) => tenantKeys(tenant).metrics));
  redis.disconnect();
  worker.disconnect();
});

/** A namespace of ops keys of this test alone, removed afterwards. */
function namespace(label: string) {
  const keys = opsKeysIn(`ops-${label}${suffix}`);
  cleanups.push(async () => {
    const found = await redis.keys(`ls:{ops-${label}${suffix}}:*`);
    if (found.length > 0) await redis.del(...found);
  });
  return keys;
}

async function serve(router: express.Router): Promise<string> {
  const app = express();
  app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface ReadyBody {
  status: string;
  failed?: string[];
  reason?: string;
  checks: Record<string, { ok: boolean; reason?: string; fix?: string }>;
}

describe('GET /readyz', () => {
  it('is ready with Redis, the queues and a live worker heartbeat', async () => {
    const keys = namespace('a');
    const stop = await startHeartbeat(worker, { id: 'worker-1', intervalMs: 1_000, keys });
    cleanups.push(stop);
    const base = await serve(opsRouter({ redis, store, logger, now: () => Date.now() }, { queues, keys }));
    const response = await fetch(`${base}/readyz`);
    const body = (await response.json()) as ReadyBody;
    expect(response.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.redis?.ok).toBe(true);
    expect(body.checks.queues?.ok).toBe(true);
    expect(body.checks.worker).toEqual({ ok: true, detail: { workers: 1 } });
  });

  it('answers 503 naming the worker, and how to start one, when no worker ever beat', async () => {
    const keys = namespace('b');
    const base = await serve(opsRouter({ redis, store, logger, now: () => Date.now() }, { queues, keys }));
    const response = await fetch(`${base}/readyz`);
    const body = (await response.json()) as ReadyBody;
    expect(response.status).toBe(503);
    expect(body.failed).toEqual(['worker']);
    expect(body.reason).toContain('no worker has ever run');
    expect(body.reason).toContain('npm run worker');
  });

  it('answers 503 with how long ago the last heartbeat was once the worker stopped', async () => {
    const keys = namespace('c');
    const stop = await startHeartbeat(worker, { id: 'worker-2', intervalMs: 1_000, keys });
    await stop();
    const beatAt = Number(await redis.hget(keys.workers, 'worker-2'));
    const base = await serve(
      opsRouter({ redis, store, logger, now: () => beatAt + 45_000 }, { queues, keys }),
    );
    const response = await fetch(`${base}/readyz`);
    const body = (await response.json()) as ReadyBody;
    expect(response.status).toBe(503);
    expect(body.checks.worker?.reason).toBe('no worker heartbeat for 45 s');
    expect(body.checks.worker?.fix).toContain('npm run worker');
  });

  it('answers 503 naming Redis when Redis is down, within the checks deadline', async () => {
    const keys = namespace('d');
    // Port 1 on loopback refuses connections: a Redis that is down.
    const down = createFailFastRedis('redis://127.0.0.1:1');
    down.on('error', () => {});
    const downQueue = new BullmqJobQueue({
      connection: { host: '127.0.0.1', port: 1, maxRetriesPerRequest: null, retryStrategy: () => 1_000 },
      prefix: `{ops-down-${suffix}}`,
    });
    cleanups.push(() => down.disconnect());
    cleanups.push(() =>
      Promise.race([downQueue.close(), new Promise((resolve) => setTimeout(resolve, 500))]),
    );
    const base = await serve(
      opsRouter(
        { redis: down, store: createStore(down), logger, now: () => Date.now() },
        { queues: bullmqQueueInspector(downQueue, ['sync']), keys, checkTimeoutMs: 300 },
      ),
    );
    const response = await fetch(`${base}/readyz`);
    const body = (await response.json()) as ReadyBody;
    expect(response.status).toBe(503);
    expect(body.failed).toContain('redis');
    expect(body.failed).toContain('queues');
    expect(body.reason).toMatch(/^redis: redis connection is (connecting|reconnecting|close|end)/);
    expect(body.checks.redis?.fix).toContain('REDIS_URL');
    expect(body.checks.queues?.reason).toContain('sync');
  });
});

/**
 * The value of the sample of `name` with exactly these labels (in any order, as Prometheus reads
 * them), or undefined when the exposition has no such sample.
 */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]);
    if (JSON.stringify(found.sort()) === wanted) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('shows what worker processes recorded: scores written, histograms, queue depths, sync lag, API budgets', async () => {
    const keys = namespace('m');
    await redis.zadd(tenantRegistryKey, 0, hubspotTenant, 0, salesforceTenant);
    cleanups.push(() => redis.zrem(tenantRegistryKey, hubspotTenant, salesforceTenant));
    cleanups.push(() => redis.del(tenantKeys(hubspotTenant).cursors, tenantKeys(salesforceTenant).cursors));

    // Two worker processes record into the same Redis.
    const first = new RedisWorkerMetrics(worker, logger, keys);
    const second = new RedisWorkerMetrics(worker, logger, keys);
    await first.scoresWritten(hubspotTenant, 2);
    await second.scoresWritten(hubspotTenant, 1);
    await first.scoresWritten(salesforceTenant, 5);
    await first.jobFinished('score', 0.3);
    await second.jobFinished('score', 7);
    await first.eventToWrite(hubspotTenant, [0.05, 1.2, 1.9]);
    await second.eventToWrite(hubspotTenant, [2.2, 12]);
    await first.budgetLimit(salesforceTenant, 'salesforce-daily', 1_000);

    await jobQueue.queue('sync').add('sync', { tenantId: hubspotTenant }, { delay: 3_600_000 });
    await store.cursors.save(hubspotTenant, {
      object: 'contacts',
      cursor: 'c-1',
      updatedAt: new Date(now - 300_000).toISOString(),
    });
    await store.cursors.save(hubspotTenant, {
      object: 'engagements',
      cursor: 'c-2',
      updatedAt: new Date(now - 120_000).toISOString(),
    });
    const clock = { now: () => now, sleep: async () => {} };
    const bucket = new RedisRollingBucket(worker, clock);
    for (let call = 0; call < 3; call += 1) await bucket.tryTake(hubspotTenant, hubspotBudgets.calls);
    const daily = salesforceDailyBudget({ used: 0, limit: 5_000 }, 0.2);
    for (let call = 0; call < 2; call += 1) await bucket.tryTake(salesforceTenant, daily);
    cleanups.push(() =>
      redis.del(rateLimitKey(hubspotTenant, hubspotBudgets.calls), rateLimitKey(salesforceTenant, daily)),
    );
    const stop = await startHeartbeat(worker, { id: 'worker-m', intervalMs: 1_000, keys });
    cleanups.push(stop);

    const base = await serve(opsRouter({ redis, store, logger, now: () => now }, { queues, keys }));
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();

    expect(text).toContain('# TYPE leadscore_scores_written_total counter');
    expect(text).toContain(`\nleadscore_scores_written_total{tenant="${hubspotTenant}"} 3\n`);
    expect(sample(text, 'leadscore_scores_written_total', { tenant: hubspotTenant })).toBe(3);
    expect(sample(text, 'leadscore_scores_written_total', { tenant: salesforceTenant })).toBe(5);

    expect(text).toContain('# TYPE leadscore_job_duration_seconds histogram');
    expect(sample(text, 'leadscore_job_duration_seconds_bucket', { le: '0.25', queue: 'score' })).toBe(0);
    expect(sample(text, 'leadscore_job_duration_seconds_bucket', { le: '0.5', queue: 'score' })).toBe(1);
    expect(sample(text, 'leadscore_job_duration_seconds_bucket', { le: '5', queue: 'score' })).toBe(1);
    expect(sample(text, 'leadscore_job_duration_seconds_bucket', { le: '10', queue: 'score' })).toBe(2);
    expect(sample(text, 'leadscore_job_duration_seconds_bucket', { le: '+Inf', queue: 'score' })).toBe(2);
    expect(sample(text, 'leadscore_job_duration_seconds_count', { queue: 'score' })).toBe(2);
    expect(sample(text, 'leadscore_job_duration_seconds_sum', { queue: 'score' })).toBeCloseTo(7.3, 9);
    expect(sample(text, 'leadscore_job_duration_seconds_count', { queue: 'train' })).toBe(0);

    const e2w = (le: string) =>
      sample(text, 'leadscore_event_to_write_seconds_bucket', { le, provider: 'hubspot' });
    expect(e2w('0.1')).toBe(1);
    expect(e2w('1')).toBe(1);
    expect(e2w('1.5')).toBe(2);
    expect(e2w('2')).toBe(3);
    expect(e2w('2.5')).toBe(4);
    expect(e2w('10')).toBe(4);
    expect(e2w('+Inf')).toBe(5);
    expect(sample(text, 'leadscore_event_to_write_seconds_count', { provider: 'hubspot' })).toBe(5);
    expect(sample(text, 'leadscore_event_to_write_seconds_sum', { provider: 'hubspot' })).toBeCloseTo(
      17.35,
      9,
    );
    expect(sample(text, 'leadscore_event_to_write_seconds_count', { provider: 'salesforce' })).toBe(0);

    expect(sample(text, 'leadscore_queue_jobs', { queue: 'sync', state: 'delayed' })).toBe(1);
    expect(sample(text, 'leadscore_queue_jobs', { queue: 'sync', state: 'waiting' })).toBe(0);
    expect(sample(text, 'leadscore_queue_jobs', { queue: 'score', state: 'failed' })).toBe(0);

    expect(sample(text, 'leadscore_sync_lag_seconds', { tenant: hubspotTenant })).toBe(120);
    expect(text).not.toContain(`leadscore_sync_lag_seconds{tenant="${salesforceTenant}"}`);

    expect(
      sample(text, 'leadscore_crm_api_calls_used', { tenant: hubspotTenant, budget: 'hubspot-calls' }),
    ).toBe(3);
    expect(
      sample(text, 'leadscore_crm_api_calls_limit', { tenant: hubspotTenant, budget: 'hubspot-calls' }),
    ).toBe(105);
    expect(
      sample(text, 'leadscore_crm_api_calls_used', { tenant: salesforceTenant, budget: 'salesforce-daily' }),
    ).toBe(2);
    expect(
      sample(text, 'leadscore_crm_api_calls_limit', { tenant: salesforceTenant, budget: 'salesforce-daily' }),
    ).toBe(1_000);
    expect(sample(text, 'leadscore_workers_alive')).toBe(1);
  });

  it('answers 503 in plain words when Redis is down', async () => {
    const keys = namespace('n');
    const down = createFailFastRedis('redis://127.0.0.1:1');
    down.on('error', () => {});
    cleanups.push(() => down.disconnect());
    const stub: QueueInspector = { names: ['sync'], depths: () => Promise.reject(new Error('queue down')) };
    const base = await serve(
      opsRouter({ redis: down, store: createStore(down), logger, now: () => now }, { queues: stub, keys }),
    );
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/^metrics unavailable: .*check that it is up/);
  });
});
