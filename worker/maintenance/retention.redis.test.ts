import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { maintenanceJob } from '../jobs/maintenance.job.ts';
import { reconnectPromptingTenantControl, reconnectReason } from './reconnect-prompt.ts';
import { applyRetention, type RetentionDependencies } from './retention.ts';

const redis = connectTestRedis();
const store = storeOn(redis);
const created: TenantId[] = [];
const dayMs = 24 * 3_600_000;
const logger = createLogger({ level: 'silent' });

afterAll(async () => {
  for (const tenantId of created) await store.purgeTenant(tenantId);
  await redis.quit();
});

async function tenantWithData(
  status: 'active' | 'auth_revoked' | 'paused',
): Promise<{ id: TenantId; since: number }> {
  const id = uniqueTenantId() as TenantId;
  created.push(id);
  await store.tenants.create({
    id,
    provider: 'salesforce',
    instanceUrl: 'https://acme.my.salesforce.com',
    tokens: { accessToken: 'retention-access', refreshToken: 'retention-refresh' },
  });
  await redis.hset(tenantKeys(id).scores, '00Q000000000001AAA', '57|m');
  if (status !== 'active') await store.tenants.setStatus(id, status, 'Salesforce revoked access');
  const profile = await store.tenants.get(id);
  return { id, since: Date.parse(profile?.statusChangedAt ?? '') };
}

function deps(now: number, purged: TenantId[]): RetentionDependencies {
  return {
    store,
    purgeJobs: async (tenantId) => {
      purged.push(tenantId);
    },
    retentionDays: 30,
    logger,
    now: () => now,
  };
}

describe('retention of tenants that are not active', () => {
  it('purges a tenant revoked 31 days ago, data and jobs', async () => {
    const { id, since } = await tenantWithData('auth_revoked');
    const purgedJobs: TenantId[] = [];
    const outcome = await applyRetention(deps(since + 31 * dayMs, purgedJobs), id);
    expect(outcome).toMatchObject({ kind: 'purged' });
    expect(await store.keysOf(id)).toEqual([]);
    expect(await store.tenants.list()).not.toContain(id);
    expect(purgedJobs).toEqual([id]);
  });

  it('keeps a tenant revoked 29 days ago, with the date it would be purged after', async () => {
    const { id, since } = await tenantWithData('auth_revoked');
    const purgedJobs: TenantId[] = [];
    const outcome = await applyRetention(deps(since + 29 * dayMs, purgedJobs), id);
    expect(outcome).toEqual({
      kind: 'kept',
      reason: 'within-retention',
      purgeAfter: new Date(since + 30 * dayMs).toISOString(),
    });
    expect(await store.keysOf(id)).toContain(tenantKeys(id).scores);
    expect(purgedJobs).toEqual([]);
  });

  it('never purges an active tenant, however old, and purges a paused one past the period too', async () => {
    const active = await tenantWithData('active');
    expect(await applyRetention(deps(active.since + 400 * dayMs, []), active.id)).toEqual({
      kind: 'kept',
      reason: 'active',
    });
    expect(await store.keysOf(active.id)).not.toEqual([]);
    const paused = await tenantWithData('paused');
    expect((await applyRetention(deps(paused.since + 30 * dayMs + 1, []), paused.id)).kind).toBe('purged');
  });

  it('runs as the maintenance job with task retention', async () => {
    const { id, since } = await tenantWithData('auth_revoked');
    const handler = maintenanceJob({ retention: deps(since + 31 * dayMs, []) });
    await handler(
      { tenantId: id, task: 'retention' },
      { queue: 'maintenance', jobId: 'j', attemptsMade: 0, logger },
    );
    expect(await store.keysOf(id)).toEqual([]);
  });
});

describe('the reconnect prompt of a revoked tenant', () => {
  it('tells the admin where to reconnect and how long the data stays', async () => {
    const { id } = await tenantWithData('active');
    const flagged: string[] = [];
    const control = reconnectPromptingTenantControl(
      {
        pause: async () => {},
        isPaused: async () => false,
        resume: async () => {},
        flagForReconnection: async (_tenantId, reason) => {
          flagged.push(reason);
        },
      },
      { tenants: store.tenants, publicUrl: 'https://leadscore.example.com/', retentionDays: 30 },
    );
    await control.flagForReconnection(id, 'expired access/refresh token');
    expect(flagged).toEqual([
      reconnectReason({
        provider: 'salesforce',
        publicUrl: 'https://leadscore.example.com',
        retentionDays: 30,
        cause: 'expired access/refresh token',
      }),
    ]);
    expect(flagged[0]).toBe(
      "Salesforce revoked LeadScore's access (expired access/refresh token). An admin must reconnect at https://leadscore.example.com/oauth/salesforce/install; until then nothing syncs, and the tenant's data is deleted after 30 days.",
    );
  });
});
