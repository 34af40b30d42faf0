import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../shared/manifest.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { packageSettingNames } from '../../providers/salesforce/package-settings.ts';
import { packageSettingsOf } from '../../sandbox/salesforce/apex-rest-routes.ts';
import { installManagedPackage } from '../../sandbox/salesforce/managed-package.ts';
import { type RunningSandbox, startSandbox } from '../../sandbox/start-sandbox.ts';
import { salesforceWebhooksRouter } from '../webhooks/salesforce-webhooks.ts';
import { serve } from '../webhooks/webhook-test-support.ts';
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

/** What the package's Apex reads with getOrgDefaults(): the org default in the emulated org. */
function orgDefault(context: Setup) {
  return packageSettingsOf(context.sandbox.salesforce.store, context.orgId);
}

function settingRecords(context: Setup) {
  return [...context.sandbox.salesforce.store.table(names.object).values()];
}

const setupCall = 'salesforce PUT /services/apexrest/leadscore/setup';

afterAll(async () => {
  for (const { harness, sandbox, tenantId } of setups) {
    await harness.store.purgeTenant(tenantId);
    await harness.close();
    await sandbox.close();
  }
});

describe('install on a managed-package org writes the package settings through its Apex REST resource', () => {
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
    expect(orgDefault(context)).toEqual({ webhookSecret: secret, integrationUserId: installer });
    const records = settingRecords(context);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ SetupOwnerId: context.orgId, CreatedById: installer });
    // One setup call, after LeadScore_Admin was assigned (the resource refuses anyone without it);
    // no sObject call on the protected setting.
    const calls = context.sandbox.calls.snapshot();
    expect(calls[setupCall]).toBe(1);
    expect(calls['salesforce POST /sobjects/PermissionSetAssignment']).toBe(1);
    expect(Object.keys(calls).filter((name) => name.includes(names.object))).toEqual([]);
  });

  it('a reconnect keeps the same secret and rewrites the same org default record', async () => {
    const { store } = context.harness;
    const secret = await store.tenants.webhookSecret(context.tenantId);
    const [before] = settingRecords(context);
    // Someone cleared the setting in the org: the reconnect puts the tenant's secret back.
    const org = context.sandbox.salesforce.store;
    const id = String(before?.Id);
    const record = org.table(names.object).get(id);
    org.table(names.object).set(id, { ...record, Id: id, [names.secret]: null });
    expect(orgDefault(context)?.webhookSecret).toBeNull();
    await store.tenants.setStatus(context.tenantId, 'auth_revoked', 'Salesforce revoked access');

    const again = await installThroughSandbox(context.harness, 'salesforce');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ reconnected: true, namespace: 'leadscore' });
    expect(await store.tenants.webhookSecret(context.tenantId)).toBe(secret);
    const records = settingRecords(context);
    expect(records).toHaveLength(1);
    expect(records[0]?.Id).toBe(id);
    expect(orgDefault(context)).toEqual({ webhookSecret: secret, integrationUserId: installer });
    expect(context.sandbox.calls.snapshot()[setupCall]).toBe(2);
  });

  it("the sandbox org's change webhooks, signed with the secret its package holds, are accepted (202); a wrong secret is not (401)", async () => {
    const orgSecret = String(orgDefault(context)?.webhookSecret);
    const webhooks = await serve(
      salesforceWebhooksRouter(context.harness.deps, {
        secretFor: (tenantId) => context.harness.store.tenants.webhookSecret(tenantId),
      }),
    );
    const { events, salesforce } = context.sandbox;
    const target = (secret: string) => ({
      salesforce: { url: `${webhooks.url}/webhooks/salesforce`, orgId: context.orgId, secret },
    });
    /** A person in the org creates a Lead: the package's trigger reports it. */
    const personCreatesLead = (id: string) =>
      salesforce.store.put('Lead', { Id: id, LastName: 'Settings', Company: 'Acme' });
    try {
      events.resetStats();
      events.configure(target(orgSecret));
      personCreatesLead('00Q000000000881AAA');
      events.flush();
      await events.idle();
      expect(events.stats().salesforce).toMatchObject({ queued: 1, sent: 1, failed: 0 });

      events.configure(target(`${orgSecret}x`));
      personCreatesLead('00Q000000000882AAA');
      events.flush();
      await events.idle();
      // A 4xx other than 429 is not retried: the change is given up.
      expect(events.stats().salesforce).toMatchObject({ queued: 2, sent: 1, failed: 1, posts: 2 });
    } finally {
      events.configure({ salesforce: null });
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
  it('creates no record and makes no setup call; the org has no setup resource (404 NOT_FOUND)', async () => {
    const context = await setup({ managedPackage: false });
    const result = await installThroughSandbox(context.harness, 'salesforce');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ namespace: null });
    expect(context.sandbox.salesforce.store.objects.has(names.object)).toBe(false);
    expect(context.sandbox.calls.snapshot()[setupCall]).toBeUndefined();

    const tokens = await context.harness.store.tenants.tokens(context.tenantId);
    const put = await fetch(`${context.sandbox.baseUrl}/services/apexrest/leadscore/setup`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens?.accessToken ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhookSecret: 'x'.repeat(43), integrationUserId: installer }),
    });
    expect(put.status).toBe(404);
    expect(await put.json()).toEqual([expect.objectContaining({ errorCode: 'NOT_FOUND' })]);
  });
});

describe('install on a package org whose settings cannot be written', () => {
  it('a package version without the setup resource (404): the install fails (502) saying to upgrade, and stores nothing', async () => {
    const context = await setup({ managedPackage: true });
    // The package's fields are there (describe detects it) but not the version with the setting.
    context.sandbox.salesforce.store.customObjects.delete(names.object);
    const result = await installThroughSandbox(context.harness, 'salesforce');
    expect(result.status).toBe(502);
    expect(String(result.body.message)).toContain(
      'the LeadScore package is older than this server: upgrade it, then install again',
    );
    expect(context.sandbox.calls.snapshot()[setupCall]).toBe(1);
    expect(await installKeys(context.harness.redis, [context.tenantId])).toEqual([]);
    expect(await context.harness.store.tenants.get(context.tenantId)).toBeUndefined();
  });

  it('an installing user without LeadScore_Admin (403): the install fails (502) naming the permission set, and stores nothing', async () => {
    const context = await setup({ managedPackage: true });
    // The org drops the admin's LeadScore_Admin assignment as soon as it is made (as when the
    // assignment is removed, or the set does not grant the custom permission to this user).
    const org = context.sandbox.salesforce.store;
    org.onChange((change) => {
      if (change.object === 'PermissionSetAssignment') org.table(change.object).delete(change.record.Id);
    });
    const result = await installThroughSandbox(context.harness, 'salesforce');
    expect(result.status).toBe(502);
    expect(String(result.body.message)).toContain(
      'assign the LeadScore_Admin permission set to the installing user, then install again',
    );
    expect(context.sandbox.calls.snapshot()[setupCall]).toBe(1);
    expect(org.table(names.object).size).toBe(0);
    expect(await installKeys(context.harness.redis, [context.tenantId])).toEqual([]);
    expect(await context.harness.store.tenants.get(context.tenantId)).toBeUndefined();
  });
});
