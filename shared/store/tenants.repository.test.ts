import { afterAll, describe, expect, it } from 'vitest';
import { connectTestRedis, KEY_A, KEY_B, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { tenantKeys } from './keys.ts';
import { createStore } from './store.ts';
import { createTokenKeyRing } from './token-crypto.ts';

const redis = connectTestRedis();
const store = createStore(redis, { keyRing: createTokenKeyRing(KEY_A) });
const created: string[] = [];
const secret = 'w'.repeat(20) + 'X'.repeat(23);

afterAll(async () => {
  for (const id of created) await store.purgeTenant(id);
  await redis.quit();
});

async function tenant(): Promise<string> {
  const id = uniqueTenantId();
  created.push(id);
  await store.tenants.create({
    id,
    provider: 'salesforce',
    instanceUrl: 'https://acme.my.salesforce.com',
    integrationUserId: '005000000000001AAA',
    namespace: 'leadscore',
    tokens: { accessToken: 'access-install-1', refreshToken: 'refresh-install-1' },
  });
  return id;
}

describe('tenants: namespace, webhook secret and reconnect', () => {
  it('keeps the webhook secret sealed, once, unless replaced', async () => {
    const id = await tenant();
    expect((await store.tenants.get(id))?.namespace).toBe('leadscore');
    expect(await store.tenants.webhookSecret(id)).toBeUndefined();
    expect(await store.tenants.saveWebhookSecret(id, secret)).toBe(true);
    expect(await store.tenants.saveWebhookSecret(id, 'z'.repeat(43))).toBe(false);
    expect(await store.tenants.webhookSecret(id)).toBe(secret);
    expect(await redis.hget(tenantKeys(id).tenant, 'webhookSecret')).not.toContain(secret);
    await expect(store.tenants.saveWebhookSecret(id, 'short')).rejects.toThrow(/at least 32 characters/);
    await expect(store.tenants.saveWebhookSecret(uniqueTenantId(), secret)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('reconnects: new tokens and namespace, status active, settings and install date kept', async () => {
    const id = await tenant();
    const before = await store.tenants.get(id);
    await store.tenants.setStatus(id, 'auth_revoked', 'Salesforce revoked access');
    const after = await store.tenants.reconnect(id, {
      tokens: { accessToken: 'access-install-2', refreshToken: 'refresh-install-2' },
      namespace: null,
    });
    expect(after).toMatchObject({
      status: 'active',
      statusReason: null,
      namespace: null,
      installedAt: before?.installedAt,
      instanceUrl: 'https://acme.my.salesforce.com',
      integrationUserId: '005000000000001AAA',
    });
    expect((await store.tenants.tokens(id))?.refreshToken).toBe('refresh-install-2');
    await expect(
      store.tenants.reconnect(uniqueTenantId(), { tokens: { accessToken: 'a', refreshToken: 'b' } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rotates the webhook secret with the tokens to the new key', async () => {
    const id = await tenant();
    await store.tenants.saveWebhookSecret(id, secret);
    const rotated = createStore(redis, { keyRing: createTokenKeyRing(KEY_B, [KEY_A]) });
    expect(await rotated.tenants.rotateTokens(id)).toBe(true);
    expect(await rotated.tenants.rotateTokens(id)).toBe(false);
    const onlyNew = createStore(redis, { keyRing: createTokenKeyRing(KEY_B) });
    expect(await onlyNew.tenants.webhookSecret(id)).toBe(secret);
    expect((await onlyNew.tenants.tokens(id))?.accessToken).toBe('access-install-1');
  });
});
