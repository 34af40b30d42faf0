import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../shared/errors.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { AlertsRepository } from '../../../shared/store/alerts.repository.ts';
import { tenantKeys, tenantRegistryKey } from '../../../shared/store/keys.ts';
import { until } from '../../../test/reliability/support/until.ts';
import { createQueueWorker } from '../../../worker/queues/bullmq-worker.ts';
import { queueNames } from '../../../worker/queues/queue-names.ts';
import { InMemoryTenantControl, tenantControlKey } from '../../../worker/queues/tenant-control.ts';
import { SalesforceAuth } from '../../providers/salesforce/salesforce-auth.ts';
import { type RunningSandbox, startSandbox } from '../../sandbox/start-sandbox.ts';
import { installRouter } from './install.routes.ts';
import {
  type InstallHarness,
  installThroughSandbox,
  startInstallHarness,
  uniqueOrgId,
  uniquePortalId,
} from './install-test-support.ts';
import { uninstallRouter } from './uninstall.routes.ts';

const orgId = uniqueOrgId();
const portalId = uniquePortalId();
const salesforceTenant = `sf:${orgId}` as TenantId;
const hubspotTenant = `hs:${portalId}` as TenantId;
/** A tenant that stays installed: its jobs must survive the others' uninstall. */
const bystander = `sf:${uniqueOrgId()}` as TenantId;
let sandbox: RunningSandbox;
let harness: InstallHarness;
const workers: Worker[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ salesforce: { orgId } });
  Object.assign(sandbox.hubspot.store, { portalId });
  harness = await startInstallHarness({ sandbox });
  harness.mount(installRouter(harness.deps));
  harness.mount(uninstallRouter(harness.deps));
  for (const provider of ['salesforce', 'hubspot'] as const) {
    expect((await installThroughSandbox(harness, provider)).status).toBe(200);
  }
  await harness.store.tenants.create({
    id: bystander,
    provider: 'salesforce',
    instanceUrl: 'https://bystander.my.salesforce.com',
    tokens: { accessToken: 'bystander-access', refreshToken: 'bystander-refresh' },
  });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  for (const tenantId of [salesforceTenant, hubspotTenant, bystander])
    await harness.store.purgeTenant(tenantId);
  await harness.close();
  await sandbox.close();
});

/** What the pipeline would have left for a tenant: scores, history, models, settings, alerts, pauses. */
async function fillTenantData(tenantId: TenantId): Promise<void> {
  const keys = tenantKeys(tenantId);
  await harness.redis.hset(keys.scores, '00Q000000000001AAA', '57|m');
  await harness.redis.hset(keys.scoreHistory, '00Q000000000001AAA', '1700000000|57|smb-v1');
  await harness.redis.zadd(keys.models, 1, 'smb-v1');
  await harness.redis.hset(keys.modelVersion('smb-v1'), 'meta', '{}');
  await harness.redis.hset(keys.champions, 'smb', 'smb-v1');
  await harness.redis.set(keys.settings, '{"version":2}');
  await harness.redis.hset(keys.settingsHistory, '2', '{}');
  await new AlertsRepository(harness.redis).add(tenantId, {
    kind: 'job_failed',
    message: 'a job failed',
    at: '2026-12-01T10:00:00.000Z',
  });
  await harness.redis.hset(tenantControlKey(tenantId), 'status', 'paused');
}

/** Jobs of every tenant in every state: waiting, delayed, completed, failed. */
async function fillQueues(tenantIds: TenantId[]): Promise<void> {
  const { queues } = harness;
  const tenants = new InMemoryTenantControl();
  const options = { connection: harness.redis, prefix: queues.prefix, tenants, logger: harness.deps.logger };
  workers.push(
    createQueueWorker('route', async () => {}, options),
    createQueueWorker(
      'writeback',
      async () => {
        throw new ConnectorError('INVALID_INPUT', 'the write-back cannot succeed');
      },
      options,
    ),
  );
  for (const tenantId of tenantIds) {
    await queues.enqueue('route', { tenantId, modelVersion: 'smb-v1', leadId: '00Q000000000001AAA' });
    await queues.enqueue('writeback', { tenantId, modelVersion: 'smb-v1', leadIds: ['00Q000000000001AAA'] });
    await queues.enqueue('score', { tenantId, leadIds: ['00Q000000000001AAA'] });
    await queues.enqueue('train', { tenantId, reason: 'manual' }, { delayMs: 3_600_000 });
  }
  await until(
    async () =>
      (await queues.queue('route').getCompletedCount()) === tenantIds.length &&
      (await queues.queue('writeback').getFailedCount()) === tenantIds.length,
    'route jobs to complete and write-back jobs to fail',
    10_000,
  );
}

async function jobsOf(tenantId: TenantId): Promise<string[]> {
  const found: string[] = [];
  for (const name of queueNames) {
    const queue = harness.queues.queue(name);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'completed', 'failed', 'active']);
    for (const job of jobs) if (job.data?.tenantId === tenantId) found.push(`${name}:${job.id}`);
    for (const scheduler of await queue.getJobSchedulers(0, -1)) {
      if (scheduler.key.endsWith(tenantId.replace(':', '-')))
        found.push(`${name}:scheduler:${scheduler.key}`);
    }
  }
  return found.sort();
}

async function deleteTenant(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${harness.baseUrl}/api/v1/tenant`, { method: 'DELETE' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('DELETE /api/v1/tenant', () => {
  it('refuses a rep with 403 and deletes nothing', async () => {
    const keys = await harness.store.keysOf(salesforceTenant);
    harness.caller = {
      tenantId: salesforceTenant,
      userId: '005000000000123AAA',
      role: 'rep',
      via: 'session',
    };
    const answer = await deleteTenant();
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('forbidden');
    expect(await harness.store.keysOf(salesforceTenant)).toEqual(keys);
  });

  it("purges an admin's Salesforce tenant everywhere, jobs included, and revokes its grant", async () => {
    await fillTenantData(salesforceTenant);
    await fillQueues([salesforceTenant, bystander]);
    const tokens = await harness.store.tenants.tokens(salesforceTenant);
    const bystanderJobs = await jobsOf(bystander);
    expect((await jobsOf(salesforceTenant)).length).toBeGreaterThanOrEqual(8);
    expect((await harness.store.keysOf(salesforceTenant)).length).toBeGreaterThanOrEqual(10);

    harness.caller = {
      tenantId: salesforceTenant,
      userId: '005000000000001AAA',
      role: 'admin',
      via: 'session',
    };
    const answer = await deleteTenant();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      uninstalled: true,
      tenantId: salesforceTenant,
      revocation: { status: 'revoked' },
    });

    expect(await harness.store.keysOf(salesforceTenant)).toEqual([]);
    expect(await harness.redis.zscore(tenantRegistryKey, salesforceTenant)).toBeNull();
    expect(await jobsOf(salesforceTenant)).toEqual([]);
    expect(await jobsOf(bystander)).toEqual(bystanderJobs);

    // The sandbox org revoked the grant: the refresh token no longer refreshes (AUTH_REVOKED).
    expect(sandbox.salesforce.state.revoked).toContain(tokens?.refreshToken);
    const auth = new SalesforceAuth({
      clientId: 'sandbox-client',
      clientSecret: 'sandbox-client-secret-value',
      redirectUri: `${harness.baseUrl}/oauth/salesforce/callback`,
      apiVersion: loadManifest().salesforce.apiVersion,
      loginUrl: sandbox.baseUrl,
      allowedInstanceHosts: [sandbox.host],
    });
    await expect(
      auth.refresh(
        { accessToken: tokens?.accessToken ?? '', refreshToken: tokens?.refreshToken ?? '' },
        () => {},
      ),
    ).rejects.toMatchObject({ code: 'AUTH_REVOKED' });
  });

  it("purges an admin's HubSpot tenant and deletes its refresh token at HubSpot", async () => {
    const tokens = await harness.store.tenants.tokens(hubspotTenant);
    expect(sandbox.hubspot.state.refreshTokens.has(tokens?.refreshToken ?? '')).toBe(true);
    harness.caller = { tenantId: hubspotTenant, userId: '1', role: 'admin', via: 'hubspot-fetch' };
    const answer = await deleteTenant();
    expect(answer.status).toBe(200);
    expect(answer.body.revocation).toEqual({ status: 'revoked' });
    expect(await harness.store.keysOf(hubspotTenant)).toEqual([]);
    expect(await jobsOf(hubspotTenant)).toEqual([]);
    expect(sandbox.hubspot.state.refreshTokens.has(tokens?.refreshToken ?? '')).toBe(false);
    const refresh = await fetch(`${sandbox.baseUrl}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens?.refreshToken ?? '' }),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { status: string }).status).toBe('BAD_REFRESH_TOKEN');
  });

  it('reports a revocation the CRM refused, and still deletes the data', async () => {
    harness.caller = { tenantId: bystander, userId: '005000000000001AAA', role: 'admin', via: 'session' };
    const answer = await deleteTenant();
    expect(answer.status).toBe(200);
    // Its tokens are not the sandbox's, and its instance is not reachable: revocation fails, reported.
    expect(answer.body.revocation).toMatchObject({ status: 'failed' });
    expect(await harness.store.keysOf(bystander)).toEqual([]);
    expect(await jobsOf(bystander)).toEqual([]);
  });
});
