import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import type { ConnectorError } from '../../../shared/errors.ts';
import { resetHubspotPauses } from './hubspot-api.ts';
import { HubspotConnector } from './hubspot-connector.ts';
import { type Clock, RollingTokenBucket, systemClock } from './search-rate-limiter.ts';
import { apiBase, testContext, unthrottledConnector } from './test-support.ts';

type ErrorFixture = { status: number; headers: Record<string, string>; body: object };
const tenSecondly = loadHubspotFixture<ErrorFixture>('errors/429-ten-secondly-rolling.json');
const daily = loadHubspotFixture<ErrorFixture>('errors/429-daily.json');
const batchRead = loadHubspotFixture('batch-read-emails-200.json');

beforeAll(() => nock.disableNetConnect());
beforeEach(() => resetHubspotPauses());
afterEach(() => {
  nock.cleanAll();
  vi.useRealTimers();
});

/** Lets nock and the HTTP stack run while timers are fake. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('HubSpot rate limits', () => {
  it('waits what a TEN_SECONDLY_ROLLING 429 asks (Retry-After: 3) and then succeeds', async () => {
    const limited = nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/read')
      .query(true)
      .reply(tenSecondly.status, tenSecondly.body, tenSecondly.headers);
    const retried = nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/read')
      .query(true)
      .reply(200, batchRead);
    // A clock that records each wait and checks that the retry has not gone out before it ends.
    const waits: { ms: number; retriedBefore: boolean }[] = [];
    const clock: Clock = {
      now: () => Date.now(),
      sleep: async (ms) => {
        waits.push({ ms, retriedBefore: retried.isDone() });
      },
    };
    const connector = new HubspotConnector(testContext(), {
      searchBucket: new RollingTokenBucket(1_000_000, 1),
      clock,
    });
    const result = await connector.fetchLeads(['1']);
    expect(waits).toEqual([{ ms: 3_000, retriedBefore: false }]);
    expect(limited.isDone()).toBe(true);
    expect(retried.isDone()).toBe(true);
    expect(result.rejected).toEqual([]);
  });

  it('pauses the portal on DAILY: RATE_LIMITED until midnight and no further request is sent', async () => {
    nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/read')
      .query(true)
      .reply(daily.status, daily.body, daily.headers);
    const later = nock(apiBase).post('/crm/v3/objects/contacts/batch/read').query(true).reply(200, batchRead);
    const connector = unthrottledConnector();
    const first = (await connector.fetchLeads(['1']).catch((error) => error)) as ConnectorError;
    const now = Date.now();
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    expect(first.code).toBe('RATE_LIMITED');
    expect(first.context.vendorCode).toBe('DAILY');
    expect(Math.abs((first.retryAfterMs ?? 0) - (midnight.getTime() - now))).toBeLessThan(2_000);
    const second = (await unthrottledConnector()
      .fetchLeads(['1'])
      .catch((error) => error)) as ConnectorError;
    expect(second.code).toBe('RATE_LIMITED');
    expect(later.isDone()).toBe(false);
    expect(connector.api.calls).toBe(1);
  });

  it('gives up with RATE_LIMITED after repeated TEN_SECONDLY 429s instead of waiting forever', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/read')
      .query(true)
      .times(7)
      .reply(tenSecondly.status, tenSecondly.body, tenSecondly.headers);
    const connector = unthrottledConnector();
    let finished = false;
    const outcome = connector
      .fetchLeads(['1'])
      .catch((error: ConnectorError) => error)
      .finally(() => {
        finished = true;
      });
    // Each round lets the HTTP exchange finish, then moves time past the 3-second wait.
    for (let round = 0; !finished && round < 200; round += 1) {
      await settle();
      await vi.advanceTimersByTimeAsync(3_000);
    }
    const error = (await outcome) as ConnectorError;
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(3_000);
    expect(connector.api.calls).toBe(7);
  });
});

describe('search token bucket', () => {
  it('grants at most 4 searches in any rolling second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const bucket = new RollingTokenBucket(4, 1_000, systemClock);
    const granted: number[] = [];
    const start = Date.now();
    const all = Array.from({ length: 10 }, () =>
      bucket.acquire().then(() => granted.push(Date.now() - start)),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(999);
    expect(granted).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toHaveLength(8);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(all);
    expect(granted).toEqual([0, 0, 0, 0, 1_000, 1_000, 1_000, 1_000, 2_000, 2_000]);
    for (const at of granted)
      expect(granted.filter((other) => other > at - 1_000 && other <= at).length).toBeLessThanOrEqual(4);
  });
});
