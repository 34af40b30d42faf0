import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../test/support/redis.ts';
import {
  hubspotBudgets,
  hubspotPacers,
  parseSforceLimitInfo,
  salesforceDailyBudget,
} from './provider-budgets.ts';
import { type PacerClock, RedisRollingBucket, rateLimitKey } from './redis-rolling-bucket.ts';

/** Virtual time: sleeping moves it, nothing waits for the wall clock. */
function virtualClock(
  start = Date.parse('2026-03-02T09:00:00Z'),
): PacerClock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

const run = randomBytes(3).toString('hex');
const tenantA = `hs:7${Number.parseInt(run, 16)}1`;
const tenantB = `hs:7${Number.parseInt(run, 16)}2`;
let redis: Redis;
const budgets = [
  { ...hubspotBudgets.calls, name: `${hubspotBudgets.calls.name}-${run}` },
  { ...hubspotBudgets.searches, name: `${hubspotBudgets.searches.name}-${run}` },
];
const [calls, searches] = budgets;

beforeAll(() => {
  redis = new Redis(testRedisUrl);
});
afterEach(async () => {
  const keys = [tenantA, tenantB].flatMap((tenant) =>
    [...budgets, salesforceDailyBudget({ used: 0, limit: 1 }, 1)].map((budget) =>
      rateLimitKey(tenant, budget),
    ),
  );
  await redis.del(...keys);
});
afterAll(async () => {
  await redis.quit();
});

/** Grant times relative to the start, for `count` calls made one after another. */
async function grantTimes(bucket: RedisRollingBucket, clock: PacerClock, count: number, budget = calls) {
  const start = clock.now();
  const times: number[] = [];
  for (let call = 0; call < count; call += 1) {
    await bucket.acquire(tenantA, budget);
    times.push(clock.now() - start);
  }
  return times;
}

describe('per-tenant token bucket in Redis', () => {
  it('paces HubSpot calls to 105 in any rolling 10 s, below the 110 HubSpot allows', async () => {
    const clock = virtualClock();
    const bucket = new RedisRollingBucket(redis, clock);
    const times = await grantTimes(bucket, clock, 250);
    expect(times.filter((at) => at === 0)).toHaveLength(105);
    expect(times.filter((at) => at === 10_000)).toHaveLength(105);
    expect(times.filter((at) => at === 20_000)).toHaveLength(40);
    for (const at of times)
      expect(times.filter((other) => other > at - 10_000 && other <= at).length).toBeLessThanOrEqual(105);
  });

  it('answers the wait until the oldest call leaves the window', async () => {
    const clock = virtualClock();
    const bucket = new RedisRollingBucket(redis, clock);
    for (let i = 0; i < 4; i += 1) {
      expect(await bucket.tryTake(tenantA, searches)).toEqual({ granted: true });
      clock.advance(100);
    }
    expect(await bucket.tryTake(tenantA, searches)).toEqual({ granted: false, waitMs: 600 });
    clock.advance(600);
    expect(await bucket.tryTake(tenantA, searches)).toEqual({ granted: true });
  });

  it('keeps one budget per tenant: an exhausted tenant does not slow another', async () => {
    const clock = virtualClock();
    const bucket = new RedisRollingBucket(redis, clock);
    for (let i = 0; i < calls.capacity; i += 1) await bucket.acquire(tenantA, calls);
    expect(await bucket.tryTake(tenantA, calls)).toEqual({ granted: false, waitMs: 10_000 });
    expect(await bucket.tryTake(tenantB, calls)).toEqual({ granted: true });
    // The key sits in the tenant's hash slot.
    expect(rateLimitKey(tenantA, calls)).toBe(`ls:{${tenantA}}:rate:${calls.name}`);
  });

  it('shares one budget between processes: two bucket instances never grant more than the capacity', async () => {
    const clock = virtualClock();
    const other = new Redis(testRedisUrl);
    try {
      const first = new RedisRollingBucket(redis, clock);
      const second = new RedisRollingBucket(other, clock);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).tryTake(tenantA, searches)),
      );
      expect(answers.filter((answer) => answer.granted)).toHaveLength(4);
    } finally {
      await other.quit();
    }
  });

  it('gives Salesforce a share of the daily limit read from Sforce-Limit-Info, per rolling day', async () => {
    const usage = parseSforceLimitInfo('api-usage=18/5000');
    expect(usage).toEqual({ used: 18, limit: 5000 });
    const budget = salesforceDailyBudget(usage!, 0.1);
    expect(budget).toMatchObject({ capacity: 500, intervalMs: 86_400_000 });
    const clock = virtualClock(Date.parse('2026-03-02T09:30:00Z'));
    const bucket = new RedisRollingBucket(redis, clock);
    for (let i = 0; i < 500; i += 1) expect((await bucket.tryTake(tenantA, budget)).granted).toBe(true);
    // The 501st waits until the hour slot of the first calls has left the day: 10:00 the next day.
    expect(await bucket.tryTake(tenantA, budget)).toEqual({ granted: false, waitMs: 24.5 * 3_600_000 });
    clock.advance(24.5 * 3_600_000);
    expect(await bucket.tryTake(tenantA, budget)).toEqual({ granted: true });
  });

  it('hands the HubSpot provider one pacer per budget: searches wait on their own 4 per second', async () => {
    const clock = virtualClock();
    const pacers = hubspotPacers(new RedisRollingBucket(redis, clock), tenantB);
    try {
      for (let i = 0; i < 5; i += 1) await pacers.searchBucket.acquire();
      expect(clock.now() - Date.parse('2026-03-02T09:00:00Z')).toBe(1_000);
      await pacers.callBucket.acquire();
      expect(await redis.zcard(rateLimitKey(tenantB, hubspotBudgets.calls))).toBe(1);
      expect(await redis.zcard(rateLimitKey(tenantB, hubspotBudgets.searches))).toBe(1);
    } finally {
      await redis.del(
        rateLimitKey(tenantB, hubspotBudgets.calls),
        rateLimitKey(tenantB, hubspotBudgets.searches),
      );
    }
  });

  it('reads Sforce-Limit-Info strictly and refuses a share outside (0, 1]', () => {
    expect(parseSforceLimitInfo(undefined)).toBeNull();
    expect(parseSforceLimitInfo('per-app-api-usage=1/2')).toBeNull();
    expect(parseSforceLimitInfo('api-usage=abc/5000')).toBeNull();
    expect(() => salesforceDailyBudget({ used: 0, limit: 5000 }, 1.5)).toThrow(
      'share must be in (0, 1], got 1.5',
    );
  });
});
