import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../test/support/redis.ts';
import { createLogger } from '../logger.ts';
import type { TenantId } from '../schemas/common.ts';
import { opsKeysIn, tenantKeys } from '../store/keys.ts';
import { createFailFastRedis } from '../store/redis-connection.ts';
import { reportingDailyBudget } from './budget-reporting.ts';
import {
  bucketIndex,
  eventToWriteBuckets,
  histogramIncrements,
  jobSecondsBuckets,
  readHistogram,
} from './histogram-fields.ts';
import {
  budgetLimitField,
  providerOfTenant,
  RedisWorkerMetrics,
  scoresWrittenField,
} from './worker-metrics.ts';

const suffix = randomBytes(4).toString('hex');
const keys = opsKeysIn(`ops-w${suffix}`);
const tenant = `sf:00D8${randomBytes(6).toString('hex').toUpperCase().slice(0, 11)}` as TenantId;
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const silent = createLogger({ level: 'silent' });

afterAll(async () => {
  const found = await redis.keys(`ls:{ops-w${suffix}}:*`);
  await redis.del(tenantKeys(tenant).metrics, ...found);
  await redis.quit();
});

describe('histogram fields', () => {
  it('puts a value in the first bucket whose bound holds it, inclusive, and past the last in +Inf', () => {
    expect(bucketIndex(eventToWriteBuckets, 0)).toBe(0);
    expect(bucketIndex(eventToWriteBuckets, 0.1)).toBe(0);
    expect(bucketIndex(eventToWriteBuckets, 0.11)).toBe(1);
    expect(bucketIndex(eventToWriteBuckets, 2)).toBe(eventToWriteBuckets.indexOf(2));
    expect(bucketIndex(eventToWriteBuckets, 10)).toBe(eventToWriteBuckets.length - 1);
    expect(bucketIndex(eventToWriteBuckets, 10.01)).toBe(eventToWriteBuckets.length);
  });

  it('adds observations up into cumulative counts; negative and non-finite values are ignored', () => {
    const increments = histogramIncrements([1, 2, 5], [0.5, 1, 1.5, 4, 9, -1, Number.NaN]);
    expect(increments.count).toBe(5);
    expect(increments.sum).toBe(16);
    expect(Object.fromEntries(increments.buckets)).toEqual({ b0: 2, b1: 1, b2: 1, b3: 1 });
    const stored = Object.fromEntries([...increments.buckets].map(([field, n]) => [field, String(n)]));
    expect(readHistogram([1, 2, 5], { ...stored, sum: '16' })).toEqual({
      cumulative: [2, 3, 4, 5],
      sum: 16,
      count: 5,
    });
    expect(readHistogram([1, 2, 5], {})).toEqual({ cumulative: [0, 0, 0, 0], sum: 0, count: 0 });
  });

  it('has bounds in increasing order, the event-to-write ones from 0.1 s to 10 s around the 2 s target', () => {
    for (const bounds of [jobSecondsBuckets, eventToWriteBuckets]) {
      expect([...bounds].sort((a, b) => a - b)).toEqual([...bounds]);
    }
    expect(eventToWriteBuckets[0]).toBe(0.1);
    expect(eventToWriteBuckets.at(-1)).toBe(10);
    expect(eventToWriteBuckets).toContain(2);
    expect(eventToWriteBuckets).toContain(5);
  });
});

describe('RedisWorkerMetrics', () => {
  it('adds to the same counters from several recorders and keeps histogram buckets apart', async () => {
    const one = new RedisWorkerMetrics(redis, silent, keys);
    const two = new RedisWorkerMetrics(redis, silent, keys);
    await Promise.all([
      one.scoresWritten(tenant, 4),
      two.scoresWritten(tenant, 6),
      one.scoresWritten(tenant, 0),
    ]);
    expect(await redis.hget(tenantKeys(tenant).metrics, scoresWrittenField)).toBe('10');
    await Promise.all([one.eventToWrite(tenant, [0.3, 0.3]), two.eventToWrite(tenant, [3])]);
    const fields = await redis.hgetall(keys.eventToWrite('salesforce'));
    const histogram = readHistogram(eventToWriteBuckets, fields);
    expect(histogram.count).toBe(3);
    expect(histogram.sum).toBeCloseTo(3.6, 9);
    expect(histogram.cumulative[eventToWriteBuckets.indexOf(0.25)]).toBe(0);
    expect(histogram.cumulative[eventToWriteBuckets.indexOf(0.5)]).toBe(2);
    expect(histogram.cumulative[eventToWriteBuckets.indexOf(3)]).toBe(3);
  });

  it('never throws: a lost metric is logged, without failing the job that recorded it', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const down = createFailFastRedis('redis://127.0.0.1:1');
    down.on('error', () => {});
    const metrics = new RedisWorkerMetrics(down, createLogger({ level: 'warn' }, stream), keys);
    await expect(metrics.scoresWritten(tenant, 1)).resolves.toBeUndefined();
    await expect(metrics.jobFinished('score', 1)).resolves.toBeUndefined();
    await expect(metrics.eventToWrite('not-a-tenant', [1])).resolves.toBeUndefined();
    await expect(metrics.jobFinished('bad queue name', 1)).resolves.toBeUndefined();
    down.disconnect();
    expect(lines.filter((line) => line.includes('a metric was not recorded'))).toHaveLength(4);
  });

  it('knows the provider from the tenant id', () => {
    expect(providerOfTenant('hs:123')).toBe('hubspot');
    expect(providerOfTenant('sf:00D000000000001')).toBe('salesforce');
    expect(providerOfTenant('xx:1')).toBeNull();
  });
});

describe('reportingDailyBudget', () => {
  it("records LeadScore's share of the org's limit once per change and still paces every call", async () => {
    const metrics = new RedisWorkerMetrics(redis, silent, keys);
    const usages: (number | null)[] = [];
    const pacer = reportingDailyBudget(
      { acquire: async (usage) => void usages.push(usage?.limit ?? null) },
      metrics,
      tenant,
      0.2,
    );
    await pacer.acquire(null);
    await pacer.acquire({ used: 10, limit: 5_000 });
    await pacer.acquire({ used: 11, limit: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.hget(tenantKeys(tenant).metrics, budgetLimitField('salesforce-daily'))).toBe('1000');
    await pacer.acquire({ used: 12, limit: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.hget(tenantKeys(tenant).metrics, budgetLimitField('salesforce-daily'))).toBe('3000');
    expect(usages).toEqual([null, 5_000, 5_000, 15_000]);
  });
});
