import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../shared/manifest.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';
import { installManagedPackage } from './managed-package.ts';

const orgId = '00D000000000654AAA';
/** A custom setting the org's admin made: visible to the API, unlike the package's protected one. */
const setting = 'Org_Settings__c';
const protectedSetting = 'leadscore__LeadScore_Settings__c';
let sandbox: RunningSandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox({ salesforce: { orgId } });
  installManagedPackage(sandbox.salesforce.store, loadManifest());
  sandbox.salesforce.store.customObjects.add(setting);
  sandbox.salesforce.store.customFields.add(`${setting}.WebhookSecret__c`);
  const response = await fetch(`${sandbox.baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'sandbox-authorization-code' }),
  });
  token = ((await response.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await sandbox.close();
});

function api(path: string, init: RequestInit = {}) {
  return fetch(`${sandbox.baseUrl}/services/data/v62.0${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
}

describe('the sandbox org: custom settings through the sObject API', () => {
  it('inserts one org default, refuses a second and unknown fields, updates it and finds it by SOQL', async () => {
    const created = await api(`/sobjects/${setting}`, {
      method: 'POST',
      body: JSON.stringify({ SetupOwnerId: orgId, WebhookSecret__c: 'first-secret' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(id).toMatch(/^a0L[A-Za-z0-9]{15}$/);

    const duplicate = await api(`/sobjects/${setting}`, {
      method: 'POST',
      body: JSON.stringify({ SetupOwnerId: orgId }),
    });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toEqual([expect.objectContaining({ errorCode: 'DUPLICATE_VALUE' })]);

    const unknown = await api(`/sobjects/${setting}/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ leadscore__WebhookSecret__c: 'prefixed' }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD' })]);

    const updated = await api(`/sobjects/${setting}/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ WebhookSecret__c: 'second-secret' }),
    });
    expect(updated.status).toBe(204);
    const soql = `SELECT Id, WebhookSecret__c FROM ${setting} WHERE SetupOwnerId = '${orgId}'`;
    const found = (await (await api(`/query?q=${encodeURIComponent(soql)}`)).json()) as {
      records: Record<string, unknown>[];
    };
    expect(found.records).toEqual([expect.objectContaining({ Id: id, WebhookSecret__c: 'second-secret' })]);
  });

  it('answers a custom object the org lacks with NOT_FOUND and leaves standard objects to their routes', async () => {
    const missing = await api('/sobjects/Other_Setting__c', {
      method: 'POST',
      body: JSON.stringify({ SetupOwnerId: orgId }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([expect.objectContaining({ errorCode: 'NOT_FOUND' })]);
    const task = await api('/sobjects/Task', {
      method: 'POST',
      body: JSON.stringify({ WhoId: '00Q000000000000AAA' }),
    });
    expect(await task.json()).toEqual([
      expect.objectContaining({ errorCode: 'INVALID_CROSS_REFERENCE_KEY' }),
    ]);
  });

  it("refuses the package's protected setting as a subscriber org does: no insert, update or read", async () => {
    const store = sandbox.salesforce.store;
    const before = store.table(protectedSetting).size;
    const insert = await api(`/sobjects/${protectedSetting}`, {
      method: 'POST',
      body: JSON.stringify({ SetupOwnerId: orgId, leadscore__WebhookSecret__c: 'x'.repeat(43) }),
    });
    expect(insert.status).toBe(404);
    expect(await insert.json()).toEqual([
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
    expect(store.table(protectedSetting).size).toBe(before);

    const id = 'a0L000000000777AAA';
    store.put(protectedSetting, { Id: id, SetupOwnerId: orgId, leadscore__WebhookSecret__c: 'kept' });
    const update = await api(`/sobjects/${protectedSetting}/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ leadscore__WebhookSecret__c: 'changed' }),
    });
    expect(update.status).toBe(404);
    const read = await api(`/sobjects/${protectedSetting}/${id}`);
    expect(read.status).toBe(404);
    expect(store.table(protectedSetting).get(id)?.leadscore__WebhookSecret__c).toBe('kept');
  });
});
