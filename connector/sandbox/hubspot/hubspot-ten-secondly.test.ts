import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import { hubspotBudgets } from '../../../shared/rate-limit/provider-budgets.ts';
import { RedisRollingBucket, rateLimitKey } from '../../../shared/rate-limit/redis-rolling-bucket.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { resetHubspotPauses } from '../../providers/hubspot/hubspot-api.ts';
import { HubspotConnector } from '../../providers/hubspot/hubspot-connector.ts';
import {
  type Clock,
  generalRequestsPerTenSeconds,
  RollingTokenBucket,
} from '../../providers/hubspot/search-rate-limiter.ts';
import { testContext } from '../../providers/hubspot/test-support.ts';
import { sandboxHubspotTokens } from '../connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';

type ErrorFixture = { status: number; headers: Record<string, string>; body: Record<string, unknown> };
const tenSecondly = loadHubspotFixture<ErrorFixture>('errors/429-ten-secondly-rolling.json');

/** A clock that only moves when told to, or when a paced caller sleeps. */
function virtualClock(start: number): Clock & { advance(ms: number): void; slept: number } {
  let now = start;
  const clock = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      clock.slept += ms;
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
  return clock;
}

const running: RunningSandbox[] = [];
beforeEach(() => resetHubspotPauses());
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

async function sandboxWithToken(clock: Clock) {
  const sandbox = await startSandbox({ hubspot: { now: clock.now } });
  running.push(sandbox);
  const tokens = await sandboxHubspotTokens(sandbox);
  return { sandbox, tokens };
}

describe('sandbox HubSpot ten-secondly budget', () => {
  it('answers 429 TEN_SECONDLY_ROLLING with the real payload past 110 calls in 10 s, and again after the window', async () => {
    const clock = virtualClock(Date.parse('2026-03-02T09:00:00Z'));
    const { sandbox, tokens } = await sandboxWithToken(clock);
    const read = () =>
      fetch(`${sandbox.baseUrl}/crm/v3/objects/contacts/batch/read`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [], properties: ['email'] }),
      });
    const statuses: number[] = [];
    for (let call = 0; call < 110; call += 1) {
      statuses.push((await read()).status);
      clock.advance(50);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(110);
    const limited = await read();
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(tenSecondly.body).sort());
    expect(body).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      message: 'You have reached your ten_secondly_rolling limit.',
    });
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    // The first call was 5.5 s ago, so one more fits in 4.5 s: Retry-After rounds up to 5.
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(sandbox.hubspot.state.rejected.tenSecondly).toBe(1);
    clock.advance(4_500);
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(429);
  });

  it('does not count searches against the 10-second budget', async () => {
    const clock = virtualClock(Date.parse('2026-03-02T09:00:00Z'));
    const { sandbox, tokens } = await sandboxWithToken(clock);
    const call = (path: string, body: unknown) =>
      fetch(`${sandbox.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (let i = 0; i < 110; i += 1)
      await call('/crm/v3/objects/contacts/batch/read', { inputs: [], properties: [] });
    const search = await call('/crm/v3/objects/contacts/search', { filterGroups: [], limit: 10 });
    expect(search.status).toBe(200);
  });

  it('the provider paces 250 calls below the budget, so the sandbox never answers 429', async () => {
    const clock = virtualClock(Date.now());
    const { sandbox, tokens } = await sandboxWithToken(clock);
    const connector = new HubspotConnector(testContext({ tokens, baseUrls: { api: sandbox.baseUrl } }), {
      clock,
      searchBucket: new RollingTokenBucket(4, 1_000, clock),
      callBucket: new RollingTokenBucket(generalRequestsPerTenSeconds, 10_000, clock),
    });
    for (let call = 0; call < 250; call += 1) await connector.fetchLeads([String(call + 1)]);
    expect(connector.api.calls).toBe(250);
    expect(sandbox.hubspot.state.rejected.tenSecondly).toBe(0);
    // 250 calls at 105 per 10 s: two full waits of one window each.
    expect(clock.slept).toBe(20_000);
  });

  it('two worker processes of one portal share the Redis budget and together stay below it', async () => {
    const clock = virtualClock(Date.now());
    const { sandbox, tokens } = await sandboxWithToken(clock);
    const budget = { ...hubspotBudgets.calls, name: `hubspot-calls-${randomBytes(4).toString('hex')}` };
    const connections = [new Redis(testRedisUrl), new Redis(testRedisUrl)];
    const context = testContext({ tokens, baseUrls: { api: sandbox.baseUrl } });
    try {
      const connectors = connections.map(
        (connection) =>
          new HubspotConnector(context, {
            clock,
            searchBucket: new RollingTokenBucket(4, 1_000, clock),
            callBucket: new RedisRollingBucket(connection, clock).pacer(context.tenantId, budget),
          }),
      );
      await Promise.all(
        connectors.map(async (connector) => {
          for (let call = 0; call < 120; call += 1) await connector.fetchLeads([String(call + 1)]);
        }),
      );
      expect(sandbox.hubspot.state.apiUsed).toBe(240);
      expect(sandbox.hubspot.state.rejected.tenSecondly).toBe(0);
    } finally {
      await connections[0].del(rateLimitKey(context.tenantId, budget));
      for (const connection of connections) await connection.quit();
    }
  });
});
