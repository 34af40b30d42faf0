import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../fixtures/generator/generate-dataset.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';

let sandbox: RunningSandbox;
const tenantId = 'sf:00D000000000777AAA' as TenantId;

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: { salesforce: generateDataset({ leads: 40, seed: 31, tenantId }) },
    salesforce: { queryPageSize: 5 },
  });
});

afterAll(async () => {
  await sandbox.close();
});

async function token(): Promise<string> {
  const response = await fetch(`${sandbox.baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'sandbox-authorization-code' }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

interface SubAnswer {
  body: { totalSize: number; done: boolean; nextRecordsUrl?: string; records: { Id: string }[] } & unknown;
  httpStatusCode: number;
  referenceId: string;
}

describe('the sandbox org: Composite API', () => {
  it('runs each GET query subrequest, pages long results, reports a bad query in its subresponse, and counts one call', async () => {
    const accessToken = await token();
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const soql = 'SELECT Id FROM Lead';
    const before = sandbox.calls.snapshot()['salesforce POST /composite'] ?? 0;
    const response = await fetch(`${sandbox.baseUrl}/services/data/v62.0/composite`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        allOrNone: false,
        compositeRequest: [
          {
            method: 'GET',
            url: `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
            referenceId: 'leads',
          },
          {
            method: 'GET',
            url: `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Lead WHERE')}`,
            referenceId: 'bad',
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const { compositeResponse } = (await response.json()) as { compositeResponse: SubAnswer[] };
    expect(sandbox.calls.snapshot()['salesforce POST /composite']).toBe(before + 1);
    const [leads, bad] = compositeResponse;
    expect(leads?.referenceId).toBe('leads');
    expect(leads?.httpStatusCode).toBe(200);
    const total = sandbox.salesforce.store.table('Lead').size;
    expect(leads?.body.totalSize).toBe(total);
    expect(leads?.body.done).toBe(false);
    expect(leads?.body.records).toHaveLength(5);
    // The rest through the usual query locator, all leads once.
    const ids = [...(leads?.body.records ?? []).map((record) => record.Id)];
    let next = leads?.body.nextRecordsUrl;
    while (next !== undefined) {
      const page = (await (
        await fetch(`${sandbox.baseUrl}${next}`, { headers })
      ).json()) as SubAnswer['body'];
      ids.push(...page.records.map((record) => record.Id));
      next = page.nextRecordsUrl;
    }
    expect(new Set(ids).size).toBe(total);
    expect(ids).toHaveLength(total);
    expect(bad?.referenceId).toBe('bad');
    expect(bad?.httpStatusCode).toBe(400);
    expect(Array.isArray(bad?.body)).toBe(true);
  });

  it('refuses more than 25 subrequests, or more than 5 queries, with a message saying so', async () => {
    const accessToken = await token();
    const sub = {
      method: 'GET',
      url: '/services/data/v62.0/query?q=SELECT%20Id%20FROM%20Lead',
      referenceId: 'x',
    };
    const response = await fetch(`${sandbox.baseUrl}/services/data/v62.0/composite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allOrNone: false, compositeRequest: Array.from({ length: 26 }, () => sub) }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('1 to 25 subrequests');
    const six = await fetch(`${sandbox.baseUrl}/services/data/v62.0/composite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allOrNone: false, compositeRequest: Array.from({ length: 6 }, () => sub) }),
    });
    expect(six.status).toBe(400);
    expect(JSON.stringify(await six.json())).toContain('at most 5 query subrequests');
  });
});
