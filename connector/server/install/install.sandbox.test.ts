import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { tenantKeys } from '../../../shared/store/keys.ts';
import { tenantConnectors } from '../../../worker/sync/tenant-connector.ts';
import { installManagedPackage } from '../../sandbox/salesforce/managed-package.ts';
import { type RunningSandbox, startSandbox } from '../../sandbox/start-sandbox.ts';
import { installRouter } from './install.routes.ts';
import {
  callJson,
  type InstallHarness,
  installKeys,
  installThroughSandbox,
  startInstallHarness,
  stateOf,
  uniqueOrgId,
  uniquePortalId,
} from './install-test-support.ts';

const manifest = loadManifest();
const installer = '005000000000777AAA';
const fieldCount = manifest.salesforce.objects.Lead.length + manifest.salesforce.objects.Contact.length;
const adminQuery = `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${installer}' AND PermissionSet.Name = 'LeadScore_Admin'`;

interface Setup {
  sandbox: RunningSandbox;
  harness: InstallHarness;
}
const setups: Setup[] = [];
const tenants: TenantId[] = [];

async function setup(
  options: { managedPackage?: boolean; portalId?: number } = {},
): Promise<Setup & { orgId: string }> {
  const orgId = uniqueOrgId();
  const sandbox = await startSandbox({ salesforce: { orgId, userId: installer } });
  if (options.portalId !== undefined) {
    // The sandbox portal's id is the tenant id; a unique one keeps runs apart in the shared Redis.
    Object.assign(sandbox.hubspot.store, { portalId: options.portalId });
  }
  if (options.managedPackage === true) installManagedPackage(sandbox.salesforce.store, manifest);
  const harness = await startInstallHarness({ sandbox });
  harness.mount(installRouter(harness.deps));
  const created = { sandbox, harness };
  setups.push(created);
  return { ...created, orgId };
}

/** Every value of the tenant's hash as Redis holds it, joined: what an attacker with the dump reads. */
async function rawTenantHash(harness: InstallHarness, tenantId: TenantId): Promise<string> {
  return JSON.stringify(await harness.redis.hgetall(tenantKeys(tenantId).tenant));
}

async function sandboxQuery(sandbox: RunningSandbox, accessToken: string, soql: string) {
  const response = await fetch(`${sandbox.baseUrl}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return (await response.json()) as { totalSize: number; records: { Id: string }[] };
}

afterAll(async () => {
  for (const { harness } of setups) {
    for (const tenantId of tenants) await harness.store.purgeTenant(tenantId);
  }
  for (const { harness, sandbox } of setups) {
    await harness.close();
    await sandbox.close();
  }
});

describe('install through the sandbox CRM, Salesforce without the managed package', () => {
  let context: Setup & { orgId: string };
  let tenantId: TenantId;
  let result: Awaited<ReturnType<typeof installThroughSandbox>>;

  beforeAll(async () => {
    context = await setup();
    tenantId = `sf:${context.orgId}` as TenantId;
    tenants.push(tenantId);
    result = await installThroughSandbox(context.harness, 'salesforce');
  });

  it('creates the tenant with its tokens sealed: the raw hash holds no token', async () => {
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ installed: true, tenantId, reconnected: false, namespace: null });
    const { state } = context.sandbox.salesforce;
    const issued = [...state.refreshTokens, ...state.accessTokens];
    expect(issued.length).toBeGreaterThanOrEqual(2);
    const raw = await rawTenantHash(context.harness, tenantId);
    for (const token of issued) expect(raw).not.toContain(token);
    const tokens = await context.harness.store.tenants.tokens(tenantId);
    expect(state.refreshTokens.has(tokens?.refreshToken ?? '')).toBe(true);
    const profile = await context.harness.store.tenants.get(tenantId);
    expect(profile).toMatchObject({
      provider: 'salesforce',
      status: 'active',
      integrationUserId: installer,
      namespace: null,
      instanceUrl: context.sandbox.baseUrl,
    });
  });

  it('creates the fields and the two permission sets, and assigns LeadScore_Admin to the installing admin', async () => {
    const org = context.sandbox.salesforce.store;
    expect(result.body.fieldsCreated).toBe(fieldCount);
    expect([...org.customFields].filter((name) => /^(Lead|Contact)\.LeadScore_/.test(name))).toHaveLength(
      fieldCount,
    );
    expect(org.permissionSets.has('LeadScore_Fields')).toBe(false);
    expect(org.permissionSets.get('LeadScore_User')).toHaveLength(fieldCount);
    expect(org.editablePermissions.get('LeadScore_User')).toEqual([]);
    expect(org.editablePermissions.get('LeadScore_Admin')).toHaveLength(fieldCount);
    const tokens = await context.harness.store.tenants.tokens(tenantId);
    const assigned = await sandboxQuery(context.sandbox, tokens?.accessToken ?? '', adminQuery);
    expect(assigned.totalSize).toBe(1);
  });

  it('enqueues the first full sync and upserts the sync, training and retention schedulers', async () => {
    const job = await context.harness.queues.queue('sync').getJob(String(result.body.firstSync));
    expect(job?.data).toEqual({ tenantId, mode: 'full', reason: 'install' });
    const slug = tenantId.replace(':', '-');
    const keysOf = async (queue: 'sync' | 'train' | 'maintenance') =>
      (await context.harness.queues.queue(queue).getJobSchedulers(0, -1))
        .map((scheduler) => scheduler.key)
        .sort();
    expect(await keysOf('sync')).toEqual([`incremental-sync.${slug}`, `nightly-reconcile.${slug}`]);
    expect(await keysOf('train')).toEqual([`weekly-train.${slug}`]);
    expect(await keysOf('maintenance')).toEqual([`daily-retention.${slug}`]);
  });

  it('stores a sealed webhook secret of 32 random bytes', async () => {
    const secret = await context.harness.store.tenants.webhookSecret(tenantId);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = await context.harness.redis.hget(tenantKeys(tenantId).tenant, 'webhookSecret');
    expect(Object.keys(JSON.parse(raw ?? '{}')).sort()).toEqual(['data', 'iv', 'keyId', 'tag']);
    expect(raw).not.toContain(secret);
  });

  it('refuses the replayed callback with 400 and stores nothing', async () => {
    const before = await installKeys(context.harness.redis, [tenantId]);
    const hashBefore = await rawTenantHash(context.harness, tenantId);
    const replay = await callJson(result.callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({
      error: 'invalid_state',
      message: 'this state was already used: start the install again',
    });
    expect(await installKeys(context.harness.redis, [tenantId])).toEqual(before);
    expect(await rawTenantHash(context.harness, tenantId)).toBe(hashBefore);
  });

  it('reconnects a revoked tenant on reinstall: new tokens, active again, same webhook secret, data kept', async () => {
    const { store } = context.harness;
    const secret = await store.tenants.webhookSecret(tenantId);
    const oldTokens = await store.tenants.tokens(tenantId);
    await store.tenants.setStatus(tenantId, 'auth_revoked', 'Salesforce revoked access');
    const again = await installThroughSandbox(context.harness, 'salesforce');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ reconnected: true, tenantId, fieldsCreated: 0 });
    expect((await store.tenants.get(tenantId))?.status).toBe('active');
    expect((await store.tenants.tokens(tenantId))?.refreshToken).not.toBe(oldTokens?.refreshToken);
    expect(await store.tenants.webhookSecret(tenantId)).toBe(secret);
    expect(await store.tenants.list()).toContain(tenantId);
  });
});

describe('install through the sandbox CRM, Salesforce with the managed package', () => {
  it('detects the namespace, creates nothing, assigns the package LeadScore_Admin, and writes namespaced fields', async () => {
    const context = await setup({ managedPackage: true });
    const tenantId = `sf:${context.orgId}` as TenantId;
    tenants.push(tenantId);
    const org = context.sandbox.salesforce.store;
    const fieldsBefore = org.customFields.size;
    const result = await installThroughSandbox(context.harness, 'salesforce');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ tenantId, namespace: 'leadscore', fieldsCreated: 0 });
    expect(org.customFields.size).toBe(fieldsBefore);
    expect(org.permissionSets.size).toBe(0);
    expect((await context.harness.store.tenants.get(tenantId))?.namespace).toBe('leadscore');
    const tokens = await context.harness.store.tenants.tokens(tenantId);
    expect((await sandboxQuery(context.sandbox, tokens?.accessToken ?? '', adminQuery)).totalSize).toBe(1);

    // The worker's connector of this tenant writes the package's fields.
    const leadId = '00Q9Z0000000999AAA';
    org.put('Lead', { Id: leadId, LastName: 'Rivera', Company: 'Acme' });
    const connectorFor = tenantConnectors({
      store: context.harness.store,
      clients: {
        salesforce: {
          clientId: 'sandbox-client',
          clientSecret: 'sandbox-client-secret-value',
          redirectUri: `${context.harness.baseUrl}/oauth/salesforce/callback`,
        },
      },
      manifest,
      logger: createLogger({ level: 'silent' }),
      sandbox: { baseUrl: context.sandbox.baseUrl, host: context.sandbox.host },
    });
    const connector = await connectorFor(tenantId);
    const calls = context.sandbox.calls.total('salesforce POST /soap/metadata');
    expect((await connector.ensureFields()).alreadyPresent).toContain('Lead.leadscore__LeadScore_Score__c');
    expect(context.sandbox.calls.total('salesforce POST /soap/metadata')).toBe(calls);
    const [written] = await connector.writeScores([
      {
        crmId: leadId,
        objectType: 'Lead',
        score: {
          leadId,
          modelVersion: 'smb-v1',
          score: 42,
          probability: 0.3,
          tier: 'warm',
          segment: 'smb',
          factors: [],
          scoredAt: '2026-12-01T10:00:00.000Z',
        },
      },
    ]);
    expect(written).toEqual({ crmId: leadId, ok: true });
    expect(org.get(leadId)?.leadscore__LeadScore_Score__c).toBe(42);
    expect(org.get(leadId)?.LeadScore_Score__c).toBeUndefined();
  });
});

describe('install through the sandbox CRM, HubSpot', () => {
  it('creates hs:<portalId> with sealed tokens and the properties, schedules the first sync, refuses a replay', async () => {
    const portalId = uniquePortalId();
    const context = await setup({ portalId });
    const tenantId = `hs:${portalId}` as TenantId;
    tenants.push(tenantId);
    const before = await installKeys(context.harness.redis, [tenantId]);
    expect(before).toEqual([]);
    const result = await installThroughSandbox(context.harness, 'hubspot');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ installed: true, tenantId, provider: 'hubspot', reconnected: false });

    const { state, store: portal } = context.sandbox.hubspot;
    const raw = await rawTenantHash(context.harness, tenantId);
    const issued = [...state.refreshTokens, ...state.accessTokens.keys()];
    expect(issued.length).toBeGreaterThanOrEqual(2);
    for (const token of issued) expect(raw).not.toContain(token);
    for (const property of manifest.hubspot.properties)
      expect(portal.properties.has(property.name)).toBe(true);
    // The properties and their group.
    expect(result.body.fieldsCreated).toBe(manifest.hubspot.properties.length + 1);
    expect(portal.groups.has(manifest.hubspot.propertyGroup.name)).toBe(true);
    expect(await context.harness.store.tenants.webhookSecret(tenantId)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const job = await context.harness.queues.queue('sync').getJob(String(result.body.firstSync));
    expect(job?.data).toEqual({ tenantId, mode: 'full', reason: 'install' });
    const schedulers = await context.harness.queues.queue('sync').getJobSchedulers(0, -1);
    expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual([
      `incremental-sync.hs-${portalId}`,
      `nightly-reconcile.hs-${portalId}`,
    ]);

    const issuedState = [stateOf(result.callbackUrl)];
    const keys = await installKeys(context.harness.redis, [tenantId], issuedState);
    const replay = await callJson(result.callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_state');
    expect(await installKeys(context.harness.redis, [tenantId], issuedState)).toEqual(keys);
  });
});
