import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../shared/manifest.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';
import { isProtectedPackageSetting, packageSettingObject, packageSettingsOf } from './apex-rest-routes.ts';
import { installManagedPackage } from './managed-package.ts';

const orgId = '00D000000000731AAA';
const userId = '005000000000731AAA';
const secret = 'Zk3v9_Qw-7pLx2Rt0bNc5yHs8dJm4aFe1uGo6iKq3Wz';
const setting = packageSettingObject('leadscore');
const open: RunningSandbox[] = [];

async function orgWith(options: { managedPackage: boolean }) {
  const sandbox = await startSandbox({ salesforce: { orgId, userId } });
  open.push(sandbox);
  if (options.managedPackage) installManagedPackage(sandbox.salesforce.store, loadManifest());
  const response = await fetch(`${sandbox.baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'sandbox-authorization-code' }),
  });
  const token = ((await response.json()) as { access_token: string }).access_token;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const setup = (body: unknown) =>
    call('/services/apexrest/leadscore/setup', {
      method: 'PUT',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** Assigns the package's LeadScore_Admin to the token's user through the REST API, as the install does. */
  const assignAdmin = async () => {
    const set = [...sandbox.salesforce.store.table('PermissionSet').values()].find(
      (row) => row.Name === 'LeadScore_Admin' && row.NamespacePrefix === 'leadscore',
    );
    const answer = await call('/services/data/v62.0/sobjects/PermissionSetAssignment', {
      method: 'POST',
      body: JSON.stringify({ AssigneeId: userId, PermissionSetId: set?.Id }),
    });
    expect(answer.status).toBe(201);
  };
  return { sandbox, call, setup, assignAdmin };
}

afterAll(async () => {
  for (const sandbox of open) await sandbox.close();
});

describe('the sandbox org: the package setup resource (PUT /services/apexrest/leadscore/setup)', () => {
  let org: Awaited<ReturnType<typeof orgWith>>;
  beforeAll(async () => {
    org = await orgWith({ managedPackage: true });
  });

  it('refuses a user without LeadScore_Admin with the resource 403 body and writes nothing', async () => {
    const answer = await org.setup({ webhookSecret: secret, integrationUserId: userId });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: 'assign the LeadScore Admin permission set to the user who connects LeadScore',
      },
    });
    expect(org.sandbox.salesforce.store.table(setting).size).toBe(0);
    expect(packageSettingsOf(org.sandbox.salesforce.store, orgId)).toBeNull();
  });

  it('once LeadScore_Admin is assigned, creates the org default, then updates the same record', async () => {
    await org.assignAdmin();
    const first = await org.setup({ webhookSecret: secret, integrationUserId: userId });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, created: true });
    const store = org.sandbox.salesforce.store;
    const [record] = [...store.table(setting).values()];
    expect(record).toMatchObject({ SetupOwnerId: orgId, CreatedById: userId });
    expect(record?.Id).toMatch(/^a0L[A-Za-z0-9]{15}$/);

    const second = await org.setup({ webhookSecret: `${secret}x`, integrationUserId: '005000000000732AAA' });
    expect(await second.json()).toEqual({ ok: true, created: false });
    expect(store.table(setting).size).toBe(1);
    expect(store.table(setting).get(String(record?.Id))).toMatchObject({
      leadscore__WebhookSecret__c: `${secret}x`,
      leadscore__IntegrationUserId__c: '005000000000732AAA',
    });
    expect(packageSettingsOf(store, orgId)).toEqual({
      webhookSecret: `${secret}x`,
      integrationUserId: '005000000000732AAA',
    });
  });

  it('names the bad field (400) and keeps the stored values', async () => {
    const short = await org.setup({ webhookSecret: 'short', integrationUserId: userId });
    expect(short.status).toBe(400);
    expect(await short.json()).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message: 'webhookSecret must be 16-100 base64 or base64url characters',
      },
    });
    const user = await org.setup({ webhookSecret: secret, integrationUserId: '00Q000000000001AAA' });
    expect(user.status).toBe(400);
    expect(JSON.stringify(await user.json())).toContain('integrationUserId must be a Salesforce user id');
    const notJson = await org.setup('not json');
    expect(notJson.status).toBe(400);
    expect(JSON.stringify(await notJson.json())).toContain('send JSON');
    expect(packageSettingsOf(org.sandbox.salesforce.store, orgId)?.webhookSecret).toBe(`${secret}x`);
  });

  it('needs a session (401), allows only PUT (405) and maps no other path (404)', async () => {
    const anonymous = await fetch(`${org.sandbox.baseUrl}/services/apexrest/leadscore/setup`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhookSecret: secret, integrationUserId: userId }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual([expect.objectContaining({ errorCode: 'INVALID_SESSION_ID' })]);
    const get = await org.call('/services/apexrest/leadscore/setup');
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual([
      { errorCode: 'METHOD_NOT_ALLOWED', message: "HTTP Method 'GET' not allowed. Allowed are PUT" },
    ]);
    const other = await org.call('/services/apexrest/leadscore/other', { method: 'PUT', body: '{}' });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual([
      { errorCode: 'NOT_FOUND', message: 'Could not find a match for URL' },
    ]);
  });
});

describe('the sandbox org without the package, or with a version older than the setting', () => {
  it('has no setup resource: 404 NOT_FOUND as the platform answers', async () => {
    const bare = await orgWith({ managedPackage: false });
    const answer = await bare.setup({ webhookSecret: secret, integrationUserId: userId });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual([
      { errorCode: 'NOT_FOUND', message: 'Could not find a match for URL' },
    ]);

    const older = await orgWith({ managedPackage: true });
    older.sandbox.salesforce.store.customObjects.delete(setting);
    await older.assignAdmin();
    const refused = await older.setup({ webhookSecret: secret, integrationUserId: userId });
    expect(refused.status).toBe(404);
    expect(older.sandbox.salesforce.store.table(setting).size).toBe(0);
  });

  it('knows which settings are protected: the namespaced package setting, not an org-made one', () => {
    expect(isProtectedPackageSetting('leadscore__LeadScore_Settings__c')).toBe(true);
    expect(isProtectedPackageSetting('LeadScore_Settings__c')).toBe(false);
    expect(isProtectedPackageSetting('Org_Settings__c')).toBe(false);
  });
});
