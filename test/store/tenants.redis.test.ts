import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { tenantKeys, tenantRegistryKey } from '../../shared/store/keys.ts';
import { createStore, type Store } from '../../shared/store/store.ts';
import { createTokenKeyRing } from '../../shared/store/token-crypto.ts';
import { connectTestRedis, KEY_A, KEY_B, KEY_C, storeOn, uniqueTenantId } from './store-test-support.ts';

let redis: Redis;
let store: Store;
const tenants: string[] = [];
const tokens = {
  accessToken: 'access-SECRET-1',
  refreshToken: 'refresh-SECRET-1',
  expiresAt: '2026-12-01T11:00:00.000Z',
};

async function newTenant(): Promise<string> {
  const id = uniqueTenantId();
  tenants.push(id);
  await store.tenants.create({
    id,
    provider: 'salesforce',
    instanceUrl: 'https://acme.my.salesforce.com',
    tokens,
  });
  return id;
}

beforeAll(() => {
  redis = connectTestRedis();
  store = storeOn(redis);
});

afterAll(async () => {
  for (const tenantId of tenants) await store.purgeTenant(tenantId);
  expect(await redis.zmscore(tenantRegistryKey, ...tenants)).toEqual(tenants.map(() => null));
  await redis.quit();
});

describe('tenants repository', () => {
  it('creates a tenant with default settings, lists it, and refuses a second create', async () => {
    const id = await newTenant();
    const tenant = await store.tenants.get(id);
    expect(tenant).toMatchObject({ id, provider: 'salesforce', status: 'active', statusReason: null });
    expect(tenant?.settings).toEqual(defaultSettings());
    expect(await store.tenants.list()).toContain(id);
    await expect(store.tenants.create({ id, provider: 'salesforce', tokens })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await expect(store.tenants.create({ id: 'hs:123', provider: 'salesforce', tokens })).rejects.toThrow(
      /prefix must match the provider/,
    );
  });

  it('updates settings only when valid, and status with a reason for reconnection', async () => {
    const id = await newTenant();
    const settings = { ...defaultSettings(), horizonDays: 60 };
    expect((await store.tenants.updateSettings(id, settings)).settings.horizonDays).toBe(60);
    await expect(store.tenants.updateSettings(id, { ...settings, horizonDays: 3 })).rejects.toThrow(
      /horizonDays: must be between 7 and 730/,
    );
    await expect(store.tenants.setStatus(id, 'auth_revoked')).rejects.toThrow(/needs a reason/);
    const revoked = await store.tenants.setStatus(
      id,
      'auth_revoked',
      'Salesforce refused the refresh token: reconnect',
    );
    expect(revoked).toMatchObject({
      status: 'auth_revoked',
      statusReason: expect.stringMatching(/reconnect/),
    });
    expect(await store.tenants.setStatus(id, 'active')).toMatchObject({
      status: 'active',
      statusReason: null,
    });
    await expect(store.tenants.setStatus(uniqueTenantId(), 'paused', 'x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('stores tokens only as sealed {keyId, iv, tag, data} and gives them back in clear', async () => {
    const id = await newTenant();
    const raw = (await redis.hget(tenantKeys(id).tenant, 'tokens')) ?? '';
    expect(raw).not.toContain('SECRET');
    expect(Object.keys(JSON.parse(raw).accessToken).sort()).toEqual(['data', 'iv', 'keyId', 'tag']);
    expect(await store.tenants.tokens(id)).toEqual(tokens);
    expect(JSON.stringify(await store.tenants.get(id))).not.toContain('SECRET');
  });

  it('rotates tokens to the current key, after which the old key is no longer needed', async () => {
    const id = await newTenant();
    const rotating = createStore(redis, { keyRing: createTokenKeyRing(KEY_B, [KEY_A]) });
    expect(await rotating.tenants.tokens(id)).toEqual(tokens);
    expect(await rotating.tenants.rotateTokens(id)).toBe(true);
    expect(await rotating.tenants.rotateTokens(id)).toBe(false);
    const newOnly = createStore(redis, { keyRing: createTokenKeyRing(KEY_B) });
    expect(await newOnly.tenants.tokens(id)).toEqual(tokens);
    await expect(store.tenants.tokens(id)).rejects.toMatchObject({ code: 'MISSING_KEY' });
    const wrong = createStore(redis, { keyRing: createTokenKeyRing(KEY_C) });
    await expect(wrong.tenants.tokens(id)).rejects.toThrow(/neither TOKEN_ENCRYPTION_KEY nor one of/);
  });

  it('refuses a tampered token and a token copied from another tenant', async () => {
    const [one, two] = [await newTenant(), await newTenant()];
    const key = tenantKeys(one).tenant;
    const stored = JSON.parse((await redis.hget(key, 'tokens')) ?? '');
    const data = Buffer.from(stored.refreshToken.data, 'base64');
    data[2] ^= 0x10;
    stored.refreshToken.data = data.toString('base64');
    await redis.hset(key, 'tokens', JSON.stringify(stored));
    await expect(store.tenants.tokens(one)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    await redis.hset(key, 'tokens', (await redis.hget(tenantKeys(two).tenant, 'tokens')) ?? '');
    await expect(store.tenants.tokens(one)).rejects.toThrow(/stored for another tenant or field/);
  });
});
