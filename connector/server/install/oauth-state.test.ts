import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { isSafeReturnPath, OAuthStates, stateLifetimeMs } from './oauth-state.ts';

const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 2 });
let now = 1_800_000_000_000;
const states = new OAuthStates(redis, Buffer.alloc(32, 7), () => now);

afterAll(async () => {
  await redis.quit();
});

describe('OAuth states', () => {
  it('works once, for its provider, with its return path, and stores the nonce with a 10-minute TTL', async () => {
    const state = await states.issue('hubspot', '/settings');
    const payload = JSON.parse(Buffer.from(state.split('.')[0] ?? '', 'base64url').toString()) as {
      n: string;
    };
    const ttl = await redis.pttl(`ls:{oauth}:state:${payload.n}`);
    expect(ttl).toBeGreaterThan(stateLifetimeMs - 5_000);
    expect(ttl).toBeLessThanOrEqual(stateLifetimeMs);
    expect(await states.consume('salesforce', state)).toMatchObject({ ok: false });
    expect(await states.consume('hubspot', state)).toEqual({
      ok: true,
      provider: 'hubspot',
      returnTo: '/settings',
    });
    expect(await states.consume('hubspot', state)).toEqual({
      ok: false,
      reason: 'this state was already used: start the install again',
    });
  });

  it('refuses a state signed under another key, and one issued too long ago', async () => {
    const other = new OAuthStates(redis, Buffer.alloc(32, 8), () => now);
    const forged = await other.issue('salesforce');
    expect(await states.consume('salesforce', forged)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not issued'),
    });
    const old = await states.issue('salesforce');
    now += stateLifetimeMs + 1;
    expect(await states.consume('salesforce', old)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('10 minutes'),
    });
  });

  it('accepts only return paths of this app', async () => {
    expect(isSafeReturnPath('/settings?tab=models')).toBe(true);
    for (const path of ['//evil.example', 'https://evil.example', '/\\evil.example', 'settings']) {
      expect(isSafeReturnPath(path)).toBe(false);
    }
    await expect(states.issue('salesforce', '//evil.example')).rejects.toThrow(/path of this app/);
  });
});
