import '../support/promise-with-resolvers.ts';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installRouter } from '../../connector/server/install/install.routes.ts';
import {
  callJson,
  type InstallHarness,
  installKeys,
  redirectOf,
  startInstallHarness,
  uniqueOrgId,
} from '../../connector/server/install/install-test-support.ts';
import { loadManifest } from '../../shared/manifest.ts';
import type { TenantId } from '../../shared/schemas/common.ts';

/**
 * Scenario 16: Salesforce's token response names the org's instance, and the access token is sent
 * there. An instance outside Salesforce's domains (a look-alike, a cloud metadata address) or one
 * that redirects to an internal address is refused through the install callback before the token
 * goes anywhere: the bad host gets no request and nothing is stored. A real My Domain passes.
 */

const login = 'https://login.salesforce.com';
const userId = '005000000000016AAA';
const manifest = loadManifest();
let harness: InstallHarness;
const tenants: TenantId[] = [];

beforeAll(async () => {
  harness = await startInstallHarness();
  harness.mount(installRouter(harness.deps));
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(async () => {
  nock.enableNetConnect();
  for (const tenantId of tenants) await harness.store.purgeTenant(tenantId);
  await harness.close();
});

function tokenResponse(orgId: string, instanceUrl: string) {
  return {
    access_token: `${orgId}!scenario16-access-token`,
    refresh_token: 'scenario16-refresh-token',
    instance_url: instanceUrl,
    id: `${login}/id/${orgId}/${userId}`,
    token_type: 'Bearer',
    issued_at: String(Date.now()),
    signature: 'c2lnbmF0dXJl',
    scope: 'api refresh_token',
  };
}

/** The callback URL of an install started now, as Salesforce would send the admin back with a code. */
async function callbackUrl(): Promise<string> {
  const authorize = new URL(await redirectOf(`${harness.baseUrl}/oauth/salesforce/install`));
  expect(authorize.origin).toBe(login);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${harness.baseUrl}/oauth/salesforce/callback`);
  expect(authorize.searchParams.get('scope')).toBe(manifest.salesforce.oauthScopes.join(' '));
  const state = authorize.searchParams.get('state') ?? '';
  return `${harness.baseUrl}/oauth/salesforce/callback?code=scenario16-code&state=${encodeURIComponent(state)}`;
}

/** Any request at all to this origin, recorded (the test asserts there was none). */
function trap(origin: string): nock.Scope {
  return nock(origin).persist().get(/.*/).reply(200, {}).post(/.*/).reply(200, {}).patch(/.*/).reply(200, {});
}

async function expectRefusedInstance(instanceUrl: string, traps: string[]): Promise<void> {
  const orgId = uniqueOrgId();
  const tenantId = `sf:${orgId}` as TenantId;
  tenants.push(tenantId);
  const url = await callbackUrl();
  const token = nock(login).post('/services/oauth2/token').reply(200, tokenResponse(orgId, instanceUrl));
  const scopes = traps.map(trap);
  const answer = await callJson(url);
  expect(answer.status).toBe(502);
  expect(answer.body.error).toBe('install_failed');
  expect(String(answer.body.message)).toContain('Refusing Salesforce URL');
  expect(token.isDone()).toBe(true);
  for (const scope of scopes) expect(scope.isDone()).toBe(false);
  expect(await installKeys(harness.redis, [tenantId])).toEqual([]);
  expect(harness.log.text()).not.toContain('scenario16-access-token');
}

describe('scenario 16: an instance_url outside Salesforce is refused before any token leaves', () => {
  it.each([
    ['a host outside Salesforce', 'https://evil.example', ['https://evil.example']],
    [
      'the cloud metadata address',
      'https://169.254.169.254',
      ['https://169.254.169.254', 'http://169.254.169.254'],
    ],
    ['plain http to the metadata address', 'http://169.254.169.254', ['http://169.254.169.254']],
    [
      'a look-alike ending in another domain',
      'https://x.my.salesforce.com.evil.example',
      ['https://x.my.salesforce.com.evil.example'],
    ],
  ])('refuses %s', async (_label, instanceUrl, traps) => {
    await expectRefusedInstance(instanceUrl, traps);
  });

  it('refuses an instance that redirects to an internal address, without following it', async () => {
    const orgId = uniqueOrgId();
    const tenantId = `sf:${orgId}` as TenantId;
    tenants.push(tenantId);
    const url = await callbackUrl();
    nock(login)
      .post('/services/oauth2/token')
      .reply(200, tokenResponse(orgId, 'https://acme.my.salesforce.com'));
    const acme = nock('https://acme.my.salesforce.com')
      .get(/\/sobjects\/Lead\/describe$/)
      .reply(302, '', { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
    const internal = trap('http://169.254.169.254');
    const answer = await callJson(url);
    expect(answer.status).toBe(502);
    expect(String(answer.body.message)).toContain('Refusing Salesforce URL "http://169.254.169.254');
    expect(acme.isDone()).toBe(true);
    expect(internal.isDone()).toBe(false);
    expect(await installKeys(harness.redis, [tenantId])).toEqual([]);
  });

  it('accepts a real My Domain instance and stores the tenant with it', async () => {
    const orgId = uniqueOrgId();
    const tenantId = `sf:${orgId}` as TenantId;
    tenants.push(tenantId);
    const url = await callbackUrl();
    nock(login)
      .post('/services/oauth2/token')
      .reply(200, tokenResponse(orgId, 'https://acme.my.salesforce.com'));
    const describeBody = (name: string) => ({
      name,
      keyPrefix: name === 'Lead' ? '00Q' : '003',
      label: name,
      queryable: true,
      updateable: true,
      fields: ['Id', ...manifest.salesforce.objects.Lead.map((field) => `leadscore__${field.apiName}`)].map(
        (field) => ({
          name: field,
          label: field,
          type: 'string',
          custom: true,
          nillable: true,
          updateable: true,
        }),
      ),
    });
    const acme = nock('https://acme.my.salesforce.com')
      .get(/\/sobjects\/Lead\/describe$/)
      .reply(200, describeBody('Lead'))
      .get(/\/sobjects\/Contact\/describe$/)
      .reply(200, describeBody('Contact'))
      .get(/\/query\?q=.*FROM%20PermissionSet%20/)
      .reply(200, {
        totalSize: 1,
        done: true,
        records: [{ attributes: { type: 'PermissionSet' }, Id: '0PS000000000016AAA' }],
      })
      .get(/\/query\?q=.*FROM%20PermissionSetAssignment%20/)
      .reply(200, { totalSize: 0, done: true, records: [] })
      .post(/\/sobjects\/PermissionSetAssignment$/)
      .reply(201, { id: '0Pa000000000016AAA', success: true, errors: [] })
      // The package's setup resource stores the tenant's webhook secret in its protected setting.
      .put('/services/apexrest/leadscore/setup')
      .reply(200, { ok: true, created: true });
    const answer = await callJson(url);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ tenantId, namespace: 'leadscore' });
    expect(acme.isDone()).toBe(true);
    expect((await harness.store.tenants.get(tenantId))?.instanceUrl).toBe('https://acme.my.salesforce.com');
  });
});
