import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import type { Store } from '../../shared/store/store.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { InlineJobQueue } from './inline-job-queue.ts';
import {
  RedisTenantControl,
  StoreTenantControl,
  type TenantControl,
  tenantControlKey,
} from './tenant-control.ts';

let redis: Redis;
let store: Store;
const created: string[] = [];

beforeAll(() => {
  redis = connectTestRedis();
  store = storeOn(redis);
});
afterAll(async () => {
  for (const tenantId of created) {
    await store.purgeTenant(tenantId);
    await redis.del(tenantControlKey(tenantId));
  }
  await redis.quit();
});

async function newTenant(): Promise<string> {
  const id = uniqueTenantId();
  created.push(id);
  await store.tenants.create({
    id,
    provider: 'salesforce',
    instanceUrl: 'https://acme.my.salesforce.com',
    tokens: { accessToken: 'a', refreshToken: 'r' },
  });
  return id;
}

describe.each([
  ['the tenants repository', (): TenantControl => new StoreTenantControl(store.tenants)],
  ['its own Redis hash', (): TenantControl => new RedisTenantControl(redis)],
])('tenant control on %s', (_name, control) => {
  it('flags a tenant for reconnection, keeps that over a later pause, and resumes it', async () => {
    const tenants = control();
    const id = await newTenant();
    expect(await tenants.isPaused(id)).toBe(false);
    await tenants.flagForReconnection(id, 'Salesforce refused the refresh token: reconnect LeadScore');
    await tenants.pause(id, 'later pause');
    expect(await tenants.isPaused(id)).toBe(true);
    await tenants.resume(id);
    expect(await tenants.isPaused(id)).toBe(false);
  });
});

describe('AUTH_REVOKED through the store', () => {
  it('sets the tenant auth_revoked with the reason for the admin; its data stays', async () => {
    const id = await newTenant();
    const other = await newTenant();
    const queue = new InlineJobQueue({
      tenants: new StoreTenantControl(store.tenants),
      handlers: {
        sync: async (payload) => {
          if (payload.tenantId === id)
            throw new ConnectorError('AUTH_REVOKED', 'invalid_grant: expired access/refresh token');
        },
      },
    });
    await queue.enqueue('sync', { tenantId: id, mode: 'incremental', reason: 'schedule' });
    await queue.enqueue('sync', { tenantId: other, mode: 'incremental', reason: 'schedule' });
    await queue.runUntilIdle();
    expect(await store.tenants.get(id)).toMatchObject({
      status: 'auth_revoked',
      statusReason: 'invalid_grant: expired access/refresh token',
    });
    expect(await store.tenants.tokens(id)).toEqual({ accessToken: 'a', refreshToken: 'r' });
    expect((await store.tenants.get(other))?.status).toBe('active');
    expect(queue.runs.map((run) => run.outcome)).toEqual(['stopped', 'completed']);
  });

  it('runs no job of a tenant the store does not know', async () => {
    const tenants = new StoreTenantControl(store.tenants);
    expect(await tenants.isPaused(uniqueTenantId())).toBe(true);
  });
});
