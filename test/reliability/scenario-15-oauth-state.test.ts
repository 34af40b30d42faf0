import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { installRouter } from '../../connector/server/install/install.routes.ts';
import {
  callJson,
  type InstallHarness,
  installKeys,
  redirectOf,
  startInstallHarness,
  stateOf,
  uniqueOrgId,
} from '../../connector/server/install/install-test-support.ts';
import { stateLifetimeMs } from '../../connector/server/install/oauth-state.ts';
import type { TenantId } from '../../shared/schemas/common.ts';

/**
 * Scenario 15: the OAuth callback gets a state that is missing, forged, meant for the other
 * provider, too old, or already used. Each answers 400 with a message saying what was wrong, the
 * code is never exchanged (no call to the CRM's token endpoint), and Redis is exactly as before.
 */

const orgId = uniqueOrgId();
const tenantId = `sf:${orgId}` as TenantId;
let clock = Date.parse('2026-12-01T09:00:00.000Z');
let sandbox: RunningSandbox;
let harness: InstallHarness;

beforeAll(async () => {
  sandbox = await startSandbox({ salesforce: { orgId } });
  harness = await startInstallHarness({ sandbox, now: () => clock });
  harness.mount(installRouter(harness.deps));
});

afterAll(async () => {
  await harness.store.purgeTenant(tenantId);
  await harness.close();
  await sandbox.close();
});

/** An install started now: the callback URL the CRM would send the admin back to (with a code). */
async function startInstall(provider: 'salesforce' | 'hubspot'): Promise<string> {
  const authorize = await redirectOf(`${harness.baseUrl}/oauth/${provider}/install`);
  return redirectOf(authorize);
}

function withState(callbackUrl: string, state: string | null, provider = 'salesforce'): string {
  const url = new URL(callbackUrl);
  url.pathname = `/oauth/${provider}/callback`;
  if (state === null) url.searchParams.delete('state');
  else url.searchParams.set('state', state);
  return url.toString();
}

const tokenCalls = () => sandbox.calls.total('salesforce POST /services/oauth2/token');

/** Calls the callback and checks it refused without a token exchange and without a change in Redis. */
async function expectRefused(url: string, states: string[], message: RegExp): Promise<void> {
  const before = await installKeys(harness.redis, [tenantId], states);
  const exchanges = tokenCalls();
  const answer = await callJson(url);
  expect(answer.status).toBe(400);
  expect(answer.body.error).toBe('invalid_state');
  expect(String(answer.body.message)).toMatch(message);
  expect(tokenCalls()).toBe(exchanges);
  expect(await installKeys(harness.redis, [tenantId], states)).toEqual(before);
  expect(await harness.store.tenants.get(tenantId)).toBeUndefined();
}

describe('scenario 15: a missing, forged, foreign, expired or replayed OAuth state stores nothing', () => {
  it('refuses a callback without a state', async () => {
    const callback = await startInstall('salesforce');
    await expectRefused(withState(callback, null), [stateOf(callback)], /state parameter is missing/);
  });

  it('refuses a state whose HMAC was tampered with, and one whose payload was', async () => {
    const callback = await startInstall('salesforce');
    const state = stateOf(callback);
    const [payload, signature] = state.split('.') as [string, string];
    const flipped = `${signature.slice(0, 5)}${signature[5] === 'A' ? 'B' : 'A'}${signature.slice(6)}`;
    await expectRefused(withState(callback, `${payload}.${flipped}`), [state], /not issued by this server/);
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t: number };
    const older = Buffer.from(JSON.stringify({ ...decoded, t: decoded.t + 1 })).toString('base64url');
    await expectRefused(withState(callback, `${older}.${signature}`), [state], /not issued by this server/);
    await expectRefused(withState(callback, 'not-a-state-at-all'), [state], /malformed/);
  });

  it('refuses a state issued for HubSpot at the Salesforce callback', async () => {
    const hubspotCallback = await startInstall('hubspot');
    const state = stateOf(hubspotCallback);
    await expectRefused(
      withState(hubspotCallback, state, 'salesforce'),
      [state],
      /issued for hubspot, not salesforce/,
    );
  });

  it('refuses a state older than 10 minutes (fake clock), and accepts one just inside', async () => {
    const late = await startInstall('salesforce');
    clock += stateLifetimeMs + 1;
    await expectRefused(late, [stateOf(late)], /longer than 10 minutes/);

    const inTime = await startInstall('salesforce');
    clock += stateLifetimeMs - 1_000;
    const answer = await callJson(inTime);
    expect(answer.status).toBe(200);
    expect(answer.body.tenantId).toBe(tenantId);
  });

  it('refuses the same state a second time', async () => {
    const callback = await startInstall('salesforce');
    const first = await callJson(callback);
    expect(first.status).toBe(200);
    const before = await installKeys(harness.redis, [tenantId], [stateOf(callback)]);
    const hash = await harness.redis.hgetall(`ls:{${tenantId}}:tenant`);
    const exchanges = tokenCalls();
    const replay = await callJson(callback);
    expect(replay.status).toBe(400);
    expect(replay.body.message).toBe('this state was already used: start the install again');
    expect(tokenCalls()).toBe(exchanges);
    expect(await installKeys(harness.redis, [tenantId], [stateOf(callback)])).toEqual(before);
    expect(await harness.redis.hgetall(`ls:{${tenantId}}:tenant`)).toEqual(hash);
  });

  it('answers the admin a page that says what went wrong, without internals', async () => {
    const callback = await startInstall('salesforce');
    const response = await fetch(withState(callback, null), { headers: { accept: 'text/html' } });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Install refused');
    expect(page).toContain('the state parameter is missing: start the install again');
    expect(page).not.toMatch(/at \w+ \(|node_modules/);
  });
});
