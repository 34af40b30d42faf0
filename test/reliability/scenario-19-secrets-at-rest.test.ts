import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { installRouter } from '../../connector/server/install/install.routes.ts';
import {
  type InstallHarness,
  installThroughSandbox,
  startInstallHarness,
  testSigningKey,
  testTokenKey,
  uniqueOrgId,
  uniquePortalId,
} from '../../connector/server/install/install-test-support.ts';
import { ConnectorError } from '../../shared/errors.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { reconnectPromptingTenantControl } from '../../worker/maintenance/reconnect-prompt.ts';
import { withSecretFreeErrors } from '../../worker/maintenance/secret-free-errors.ts';
import { createQueueWorker } from '../../worker/queues/bullmq-worker.ts';
import { StoreTenantControl } from '../../worker/queues/tenant-control.ts';
import { until } from './support/until.ts';

/**
 * Scenario 19: a Redis dump, the logs and the queues' job hashes hold no secret. After installs on
 * both providers the tokens and webhook secrets are ciphertext; install logs, job data and the
 * failure of a job whose error quotes the tokens and an email carry none of them.
 */

const orgId = uniqueOrgId();
const portalId = uniquePortalId();
const salesforceTenant = `sf:${orgId}` as TenantId;
const hubspotTenant = `hs:${portalId}` as TenantId;
const email = 'ana.silva@example.com';
let sandbox: RunningSandbox;
let harness: InstallHarness;
let worker: Worker | undefined;
/** Every secret the installs produced or configured, found after the installs. */
const secrets: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ salesforce: { orgId } });
  Object.assign(sandbox.hubspot.store, { portalId });
  harness = await startInstallHarness({ sandbox });
  harness.mount(installRouter(harness.deps));
  for (const provider of ['salesforce', 'hubspot'] as const) {
    const installed = await installThroughSandbox(harness, provider);
    expect(installed.status).toBe(200);
  }
  const { salesforce, hubspot } = sandbox;
  secrets.push(
    ...salesforce.state.refreshTokens,
    ...salesforce.state.accessTokens,
    ...hubspot.state.refreshTokens,
    ...hubspot.state.accessTokens.keys(),
    testTokenKey,
    testSigningKey,
    'sandbox-client-secret-value',
  );
  for (const tenantId of [salesforceTenant, hubspotTenant]) {
    secrets.push((await harness.store.tenants.webhookSecret(tenantId)) ?? 'missing webhook secret');
  }
});

afterAll(async () => {
  await worker?.close();
  for (const tenantId of [salesforceTenant, hubspotTenant]) await harness.store.purgeTenant(tenantId);
  await harness.close();
  await sandbox.close();
});

function expectNoSecret(text: string, where: string): void {
  for (const secret of secrets) {
    expect(text.includes(secret), `${where} holds a secret`).toBe(false);
  }
  expect(text.includes(email), `${where} holds an email`).toBe(false);
}

/** Every hash BullMQ keeps under the test's prefix (jobs, schedulers, metadata), field by field. */
async function queueHashes(): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await harness.redis.scan(
      cursor,
      'MATCH',
      `${harness.queues.prefix}:*`,
      'COUNT',
      1000,
    );
    for (const key of keys) {
      if ((await harness.redis.type(key)) === 'hash')
        out.push(key, JSON.stringify(await harness.redis.hgetall(key)));
    }
    cursor = next;
  } while (cursor !== '0');
  return out.join('\n');
}

describe('scenario 19: tokens, secrets and emails never rest in clear', () => {
  it('keeps tokens and webhook secrets of both tenants as ciphertext', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    for (const tenantId of [salesforceTenant, hubspotTenant]) {
      const raw = await harness.redis.hgetall(tenantKeys(tenantId).tenant);
      expect(Object.keys(raw)).toEqual(expect.arrayContaining(['tokens', 'webhookSecret']));
      expectNoSecret(JSON.stringify(raw), `the hash of ${tenantId}`);
      expect((await harness.store.tenants.tokens(tenantId))?.accessToken.length).toBeGreaterThan(20);
    }
  });

  it('writes no secret to the install logs', () => {
    const log = harness.log.text();
    expect(log).toContain('tenant installed');
    expectNoSecret(log, 'the log');
  });

  it('leaves no secret in job data, nor in the failure of a job whose error quotes the tokens', async () => {
    const { store } = harness;
    const tenants = reconnectPromptingTenantControl(new StoreTenantControl(store.tenants), {
      tenants: store.tenants,
      publicUrl: harness.baseUrl,
      retentionDays: 30,
    });
    // A provider error that quotes what it should not: both tokens and a person's email.
    const leaky = withSecretFreeErrors<'sync'>(async (payload) => {
      const tokens = await store.tenants.tokens(payload.tenantId);
      throw new ConnectorError(
        payload.tenantId === salesforceTenant ? 'AUTH_REVOKED' : 'INVALID_INPUT',
        `refresh ${tokens?.refreshToken} failed, access ${tokens?.accessToken} rejected for ${email}`,
      );
    });
    worker = createQueueWorker('sync', leaky, {
      connection: harness.redis,
      prefix: harness.queues.prefix,
      tenants,
      logger: harness.deps.logger,
    });
    const queue = harness.queues.queue('sync');
    // The install's full sync and the incremental schedulers' first runs: each tenant's fail.
    const failedTenants = async () => new Set((await queue.getFailed()).map((job) => job.data.tenantId));
    await until(async () => (await failedTenants()).size === 2, 'a failed sync of each tenant', 15_000);
    const failed = await queue.getFailed();
    for (const job of failed) {
      expect(job.failedReason).toContain('[redacted]');
      expect(job.failedReason).toContain('[email]');
      expectNoSecret(`${job.failedReason}\n${(job.stacktrace ?? []).join('\n')}`, `the failure of ${job.id}`);
    }
    expectNoSecret(await queueHashes(), 'the queue hashes');
    expectNoSecret(harness.log.text(), 'the worker log');

    // Revoked access paused the tenant with a reason that says where to reconnect, still without secrets.
    const profile = await store.tenants.get(salesforceTenant);
    expect(profile?.status).toBe('auth_revoked');
    expect(profile?.statusReason).toContain(`${harness.baseUrl}/oauth/salesforce/install`);
    expectNoSecret(profile?.statusReason ?? '', 'the status reason');
    // Its data stays until the retention period ends.
    expect(await store.tenants.tokens(salesforceTenant)).toBeDefined();
    expect(await store.tenants.list()).toContain(salesforceTenant);
  });
});
