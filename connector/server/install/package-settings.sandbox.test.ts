import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../shared/manifest.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { packageSettingNames } from '../../providers/salesforce/package-settings.ts';
import { installManagedPackage } from '../../sandbox/salesforce/managed-package.ts';
import { type RunningSandbox, startSandbox } from '../../sandbox/start-sandbox.ts';
import { salesforceWebhooksRouter } from '../webhooks/salesforce-webhooks.ts';
import { postSalesforce, serve } from '../webhooks/webhook-test-support.ts';
import { installRouter } from './install.routes.ts';
import {
  type InstallHarness,
  installKeys,
  installThroughSandbox,
  startInstallHarness,
  uniqueOrgId,
} from './install-test-support.ts';

const manifest = loadManifest();
const installer = '005000000000888AAA';
const names = packageSettingNames('leadscore');

interface Setup {
  sandbox: RunningSandbox;
  harness: InstallHarness;
  orgId: string;
  tenantId: TenantId;
}
const setups: Setup[] = [];

async function setup(options: { managedPackage: boolean }): Promise<Setup> {
  const orgId = uniqueOrgId();
  const sandbox = await startSandbox({ salesforce: { orgId, userId: installer } });
  if (options.managedPackage) installManagedPackage(sandbox.salesforce.store, manifest);
  const harness = await startInstallHarness({ sandbox });
  harness.mount(installRouter(harness.deps));
  const created = { sandbox, harness, orgId, tenantId: `sf:${orgId}` as TenantId };
  setups.push(created);
  return created;
}

/** SOQL through the sandbox's REST API with the tenant's token: what getOrgDefaults() would see. */
async function orgDefault(context: Setup) {
  const tokens = await context.harness.store.tenants.tokens(context.tenantId);
  const soql = `SELECT Id, SetupOwnerId, ${names.secret}, ${names.integrationUser} FROM ${names.object} WHERE SetupOwnerId = '${context.orgId}'`;
  const response = await fetch(
    `${context.sandbox.baseUrl}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
    { headers: { authorization: `Bearer ${tokens?.accessToken ?? ''}` } },
  );
  return { status: response.status, body: (await response.json()) as unknown };
}

function recordsOf(body: unknown): Record<string, unknown>[] {
  return (body as { records: Record<string, unknown>[] }).records;
}

afterAll(async () => {
  for (const { harness, sandbox, tenantId } of setups) {
    await harness.store.purgeTenant(tenantId);
    await harness.close();
    await sandbox.close();
  }
});

describe('install on a managed-package org writes the package settings', () => {
  let context: Setup;

  beforeAll(async () => {
    context = await setup({ managedPackage: true });
    const result = await installThroughSandbox(context.harness, 'salesforce');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ namespace: 'leadscore', reconnected: false });
  });

  it('the org default of leadscore__LeadScore_Settings__c holds the tenant secret and the integration user', async () => {
    const secret = await context.harness.store.tenants.webhookSecret(context.tenantId);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const answer = await orgDefault(context);
    expect(answer.status).toBe(200);
    const records = recordsOf(answer.body);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      SetupOwnerId: context.orgId,
      [names.secret]: secret,
      [names.integrationUser]: installer,
    });
    expect(context.sandbox.salesforce.store.table(names.object).size).toBe(1);
  });

  it('a reconnect keeps the same secret and rewrites the same org default record', async () => {
    const { store } = context.harness;
    const secret = await store.tenants.webhookSecret(context.tenantId);
    const [before] = recordsOf((await orgDefault(context)).body);
    // Someone cleared the setting in the org: the reconnect puts the tenant's secret back.
    const org = context.sandbox.salesforce.store;
    const id = String(before?.Id);
    const record = org.table(names.object).get(id);
    org.table(names.object).set(id, { ...record, Id: id, [names.secret]: null });
    await store.tenants.setStatus(context.tenantId, 'auth_revoked', 'Salesforce revoked access');

    const again = await installThroughSandbox(context.harness, 'salesforce');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ reconnected: true, namespace: 'leadscore' });
    expect(await store.tenants.webhookSecret(context.tenantId)).toBe(secret);
    const records = recordsOf((await orgDefault(context)).body);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ Id: id, [names.secret]: secret, [names.integrationUser]: installer });
  });

  it('a change signed with the secret read back from the org is accepted by /webhooks/salesforce (202), a wrong one is not (401)', async () => {
    const [setting] = recordsOf((await orgDefault(context)).body);
    const orgSecret = String(setting?.[names.secret]);
    const webhooks = await serve(
      salesforceWebhooksRouter(context.harness.deps, {
        secretFor: (tenantId) => context.harness.store.tenants.webhookSecret(tenantId),
      }),
    );
    try {
      const body = (batchId: string) =>
        JSON.stringify({
          batchId,
          changes: [
            {
              sobject: 'Lead',
              recordId: '00Q000000000881AAA',
              leadId: '00Q000000000881AAA',
              change: 'update',
            },
          ],
        });
      const accepted = await postSalesforce(webhooks.url, body('settings-accepted-000001'), {
        secret: orgSecret,
        orgId: context.orgId,
      });
      expect(accepted.status).toBe(202);
      const refused = await postSalesforce(webhooks.url, body('settings-refused-0000001'), {
        secret: `${orgSecret}x`,
        orgId: context.orgId,
      });
      expect(refused.status).toBe(401);
    } finally {
      await webhooks.close();
    }
  });

  it('no log line carries the secret', async () => {
    const secret = await context.harness.store.tenants.webhookSecret(context.tenantId);
    const logs = context.harness.log.text();
    expect(logs).toContain('tenant reconnected');
    expect(secret).toBeDefined();
    expect(logs).not.toContain(String(secret));
  });
});

describe('install on an OAuth-only org writes no package settings', () => {
  it('creates no record, and the org refuses the custom setting (INVALID_TYPE, NOT_FOUND)', async () => {
    const context = await setup({ managedPackage: false });
    const result = await installThroughSandbox(context.harness, 'salesforce');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ namespace: null });
    expect(context.sandbox.salesforce.store.objects.has(names.object)).toBe(false);
    const query = await orgDefault(context);
    expect(query.status).toBe(400);
    expect(query.body).toEqual([expect.objectContaining({ errorCode: 'INVALID_TYPE' })]);

    const tokens = await context.harness.store.tenants.tokens(context.tenantId);
    const insert = await fetch(`${context.sandbox.baseUrl}/services/data/v62.0/sobjects/${names.object}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens?.accessToken ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ SetupOwnerId: context.orgId, [names.secret]: 'x'.repeat(43) }),
    });
    expect(insert.status).toBe(404);
    expect(await insert.json()).toEqual([expect.objectContaining({ errorCode: 'NOT_FOUND' })]);
  });
});

describe('install on a package org whose settings cannot be written', () => {
  it('fails the install (502) and stores nothing', async () => {
    const context = await setup({ managedPackage: true });
    // The package's fields are there (describe detects it) but not its custom setting.
    context.sandbox.salesforce.store.customObjects.delete(names.object);
    const result = await installThroughSandbox(context.harness, 'salesforce');
    expect(result.status).toBe(502);
    expect(String(result.body.message)).toContain(
      `the org has the LeadScore package without its ${names.object} custom setting: upgrade the package`,
    );
    expect(await installKeys(context.harness.redis, [context.tenantId])).toEqual([]);
    expect(await context.harness.store.tenants.get(context.tenantId)).toBeUndefined();
  });
});
