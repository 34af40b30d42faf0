import { afterAll, describe, expect, it } from 'vitest';
import { SalesforceConnector } from '../../connector/providers/salesforce/salesforce-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadManifest } from '../../shared/manifest.ts';
import { RedisRollingBucket } from '../../shared/rate-limit/redis-rolling-bucket.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { tenantConnectors } from './tenant-connector.ts';

const redis = connectTestRedis();
const store = storeOn(redis);
const created: string[] = [];

afterAll(async () => {
  for (const tenantId of created) await store.purgeTenant(tenantId);
  await redis.quit();
});

const connectorFor = tenantConnectors({
  store,
  clients: { salesforce: { clientId: 'id', clientSecret: 'secret', redirectUri: 'https://app.example/cb' } },
  manifest: loadManifest(),
  logger: createLogger({ level: 'silent' }),
});

async function salesforceTenant(integrationUserId?: string): Promise<TenantId> {
  const id = uniqueTenantId() as TenantId;
  created.push(id);
  await store.tenants.create({
    id,
    provider: 'salesforce',
    instanceUrl: 'https://acme.my.salesforce.com',
    ...(integrationUserId === undefined ? {} : { integrationUserId }),
    tokens: { accessToken: 'access-1', refreshToken: 'refresh-1' },
  });
  return id;
}

describe('the connector of a stored tenant', () => {
  it("acts as the tenant's integration user, so incremental syncs skip LeadScore's own writes", async () => {
    const tenantId = await salesforceTenant('005000000000042AAA');
    expect((await store.tenants.get(tenantId))?.integrationUserId).toBe('005000000000042AAA');
    const connector = await connectorFor(tenantId);
    expect(connector).toBeInstanceOf(SalesforceConnector);
    expect((connector as SalesforceConnector).auth.userId).toBe('005000000000042AAA');
  });

  it('knows no integration user when the install did not record one', async () => {
    const tenantId = await salesforceTenant();
    expect((await store.tenants.get(tenantId))?.integrationUserId).toBeNull();
    const connector = (await connectorFor(tenantId)) as SalesforceConnector;
    expect(connector.auth.userId).toBeNull();
  });

  it('paces through the budgets in Redis when the worker gives them, keeping the integration user', async () => {
    const paced = tenantConnectors({
      store,
      clients: {
        salesforce: { clientId: 'id', clientSecret: 'secret', redirectUri: 'https://app.example/cb' },
      },
      manifest: loadManifest(),
      logger: createLogger({ level: 'silent' }),
      rateLimits: { bucket: new RedisRollingBucket(redis) },
    });
    const tenantId = await salesforceTenant('005000000000043AAA');
    const connector = await paced(tenantId);
    expect(connector).toBeInstanceOf(SalesforceConnector);
    expect((connector as SalesforceConnector).auth.userId).toBe('005000000000043AAA');
  });

  it('refuses a tenant the store does not know', async () => {
    await expect(connectorFor(uniqueTenantId() as TenantId)).rejects.toThrow(/is not installed/);
  });
});
