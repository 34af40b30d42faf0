import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../shared/manifest.ts';
import { sandboxHubspotTokens } from '../connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';
import { installManagedPackage } from './managed-package.ts';
import { ensurePermissionSetRecord } from './permission-routes.ts';

const userId = '005000000000321AAA';
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ salesforce: { userId } });
});

afterAll(async () => {
  await sandbox.close();
});

async function tokens(): Promise<{ access_token: string; refresh_token: string }> {
  const response = await fetch(`${sandbox.baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'sandbox-authorization-code' }),
  });
  return (await response.json()) as { access_token: string; refresh_token: string };
}

function api(accessToken: string, path: string, init: RequestInit = {}) {
  return fetch(`${sandbox.baseUrl}/services/data/v62.0${path}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
  });
}

const roleQuery = (id: string) =>
  `/query?q=${encodeURIComponent(`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${id}' AND PermissionSet.Name = 'LeadScore_Admin'`)}`;

describe('the sandbox org: permission sets, assignments and revocation', () => {
  it('inserts a PermissionSetAssignment once and answers the role query by permission-set name', async () => {
    const { access_token: token } = await tokens();
    const admin = ensurePermissionSetRecord(sandbox.salesforce.store, 'LeadScore_Admin');
    const before = (await (await api(token, roleQuery(userId))).json()) as { totalSize: number };
    expect(before.totalSize).toBe(0);
    const body = JSON.stringify({ AssigneeId: userId, PermissionSetId: admin });
    const created = await api(token, '/sobjects/PermissionSetAssignment', { method: 'POST', body });
    expect(created.status).toBe(201);
    const again = await api(token, '/sobjects/PermissionSetAssignment', { method: 'POST', body });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { errorCode: string }[])[0]?.errorCode).toBe('DUPLICATE_VALUE');
    const after = (await (await api(token, roleQuery(userId))).json()) as { totalSize: number };
    expect(after.totalSize).toBe(1);
    const other = (await (await api(token, roleQuery('005000000000999AAA'))).json()) as { totalSize: number };
    expect(other.totalSize).toBe(0);
    const missing = await api(token, '/sobjects/PermissionSetAssignment', {
      method: 'POST',
      body: JSON.stringify({ AssigneeId: userId, PermissionSetId: '0PS000000000000AAA' }),
    });
    expect(missing.status).toBe(400);
  });

  it('revokes a refresh token with its access tokens, as Salesforce: refresh then fails with invalid_grant', async () => {
    const { access_token: access, refresh_token: refresh } = await tokens();
    expect((await api(access, '/limits')).status).toBe(200);
    const revoke = (token: string) =>
      fetch(`${sandbox.baseUrl}/services/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
    expect((await revoke(refresh)).status).toBe(200);
    expect((await revoke(refresh)).status).toBe(400);
    const call = await api(access, '/limits');
    expect(call.status).toBe(401);
    expect(((await call.json()) as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_SESSION_ID');
    const refreshed = await fetch(`${sandbox.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh }),
    });
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });
  });

  it('deletes a HubSpot refresh token, which then no longer refreshes (BAD_REFRESH_TOKEN)', async () => {
    const { refreshToken } = await sandboxHubspotTokens(sandbox);
    const url = `${sandbox.baseUrl}/oauth/v1/refresh-tokens/${refreshToken}`;
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(404);
    const refreshed = await fetch(`${sandbox.baseUrl}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { status: string }).status).toBe('BAD_REFRESH_TOKEN');
  });

  it('simulates a managed-package org: namespaced fields in describe and the package permission sets', async () => {
    const manifest = loadManifest();
    installManagedPackage(sandbox.salesforce.store, manifest);
    const { access_token: token } = await tokens();
    const describe = (await (await api(token, '/sobjects/Lead/describe')).json()) as {
      fields: { name: string }[];
    };
    const names = describe.fields.map((field) => field.name);
    expect(names).toContain('leadscore__LeadScore_Score__c');
    expect(names.filter((name) => name.startsWith('leadscore__'))).toHaveLength(
      manifest.salesforce.objects.Lead.length,
    );
    const sets = (await (
      await api(
        token,
        `/query?q=${encodeURIComponent("SELECT Id, Name FROM PermissionSet WHERE NamespacePrefix = 'leadscore'")}`,
      )
    ).json()) as { totalSize: number };
    expect(sets.totalSize).toBe(2);
  });
});
