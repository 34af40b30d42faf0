import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceAuth } from './salesforce-auth.ts';
import {
  apiBase,
  collect,
  fixture,
  instanceUrl,
  loginUrl,
  manifest,
  testConnector,
  testContext,
} from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const now = Date.parse('2026-03-02T10:00:00Z');
/** The user of token-response.json's identity URL. */
const integrationUser = '0055g00000AbCdEAAV';
const echoCondition = `LastModifiedById != '${integrationUser}'`;

/** Answers every query with an empty page and keeps the SOQL sent, by FROM object and filter. */
function recordQueries(): string[] {
  const sent: string[] = [];
  nock(instanceUrl)
    .persist()
    .get(`${apiBase}/query`)
    .query((query) => {
      sent.push(String(query.q));
      return true;
    })
    .reply(200, fixture('query-empty.json'));
  return sent;
}

async function fullThenIncremental(userId: string | undefined) {
  const sent = recordQueries();
  const base = testContext();
  const { connector } = testConnector({ tokens: { ...base.tokens, userId } }, { now: () => now });
  const full = {
    leads: (await collect(connector.syncLeads({ cursor: null }))).at(-1)!.nextCursor,
    outcomes: (await collect(connector.syncOutcomes({ cursor: null }))).at(-1)!.nextCursor,
    activities: (await collect(connector.syncActivities({ cursor: null }))).at(-1)!.nextCursor,
  };
  const fullQueries = sent.splice(0);
  await collect(connector.syncLeads({ cursor: full.leads }));
  await collect(connector.syncOutcomes({ cursor: full.outcomes }));
  await collect(connector.syncActivities({ cursor: full.activities }));
  return { fullQueries, incrementalQueries: sent };
}

const fromOf = (soql: string) => /FROM (\w+) ?(WHERE (IsConverted = true)?)?/.exec(soql)?.[0] ?? soql;

describe('Salesforce echo suppression', () => {
  it('skips records last changed by the integration user in incremental Lead, Contact and conversion queries', async () => {
    const { incrementalQueries } = await fullThenIncremental(integrationUser);
    const withEcho = incrementalQueries.filter((soql) => soql.includes(echoCondition)).map(fromOf);
    expect(withEcho).toEqual([
      'FROM Lead WHERE ',
      'FROM Contact WHERE ',
      'FROM Lead WHERE IsConverted = true',
    ]);
    // Activities and opportunity changes are not touched by our writes: no condition there.
    expect(incrementalQueries).toHaveLength(7);
    expect(incrementalQueries.filter((soql) => /FROM (Task|Event|CampaignMember)/.test(soql))).toHaveLength(
      3,
    );
    for (const soql of incrementalQueries.filter((q) => /FROM (Task|Event|CampaignMember)/.test(q)))
      expect(soql).not.toContain('LastModifiedById');
    expect(incrementalQueries[0]).toMatch(
      new RegExp(`WHERE SystemModstamp >= \\S+ AND ${echoCondition} ORDER BY SystemModstamp, Id$`),
    );
  });

  it('never filters a full load, so a full reconcile sees our own writes too', async () => {
    const { fullQueries } = await fullThenIncremental(integrationUser);
    expect(fullQueries.length).toBeGreaterThanOrEqual(5);
    for (const soql of fullQueries) expect(soql).not.toContain('LastModifiedById');
  });

  it('resumes an interrupted first load without the echo condition, then filters once it is complete', async () => {
    const sent: string[] = [];
    const keep = (query: Record<string, unknown>) => {
      sent.push(String(query.q));
      return true;
    };
    nock(instanceUrl)
      .get(`${apiBase}/query`)
      .query(keep)
      .reply(200, fixture('query-leads-page-1.json'))
      .get(`${apiBase}/query`)
      .query(keep)
      .reply(200, fixture('query-leads-page-3.json'))
      .get(`${apiBase}/query`)
      .query(keep)
      .times(3)
      .reply(200, fixture('query-empty.json'));
    const base = testContext();
    const connect = () =>
      testConnector({ tokens: { ...base.tokens, userId: integrationUser } }, { now: () => now }).connector;
    // The first page of a full load, then the process stops.
    const stream = connect().syncLeads({ cursor: null })[Symbol.asyncIterator]();
    const first = (await stream.next()).value as { nextCursor: string };
    await stream.return?.(undefined);
    const resumed = await collect(connect().syncLeads({ cursor: first.nextCursor }));
    await collect(connect().syncLeads({ cursor: resumed.at(-1)!.nextCursor }));
    expect(sent.map((soql) => [fromOf(soql), soql.includes(echoCondition)])).toEqual([
      ['FROM Lead ', false],
      ['FROM Lead WHERE ', false],
      ['FROM Contact ', false],
      ['FROM Lead WHERE ', true],
      ['FROM Contact WHERE ', true],
    ]);
  });

  it('sends no echo condition while the integration user is unknown', async () => {
    const { incrementalQueries } = await fullThenIncremental(undefined);
    expect(incrementalQueries).toHaveLength(7);
    for (const soql of incrementalQueries) expect(soql).not.toContain('LastModifiedById');
  });

  it('takes the integration user from the identity URL of the code exchange and of each refresh', async () => {
    nock(loginUrl).post('/services/oauth2/token').reply(200, fixture('token-response.json'));
    const state = 'state-0123456789abcdef';
    const org = await new SalesforceAuth({
      clientId: 'client-id',
      clientSecret: 'client-secret',
      redirectUri: 'https://app.leadscore.test/oauth/salesforce/callback',
      apiVersion: manifest.salesforce.apiVersion,
    }).exchangeCode({ code: 'the-code', state, expectedState: state });
    expect(org.userId).toBe(integrationUser);
    expect(org.tokens.userId).toBe(integrationUser);

    // Tokens stored before the user id was kept learn it at the next refresh.
    const { connector, context } = testConnector();
    expect(connector.auth.userId).toBeNull();
    nock(instanceUrl)
      .get(`${apiBase}/limits`)
      .reply(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
      .get(`${apiBase}/limits`)
      .reply(200, { DailyApiRequests: { Max: 5000, Remaining: 4990 } });
    nock(loginUrl).post('/services/oauth2/token').reply(200, fixture('refresh-token-response.json'));
    await connector.client.request({ method: 'GET', url: `${apiBase}/limits` }, 'read limits');
    expect(context.stored.at(-1)?.userId).toBe(integrationUser);
    expect(connector.auth.userId).toBe(integrationUser);
  });

  it('refuses to put anything but a User id into SOQL', async () => {
    const { incrementalQueries } = await fullThenIncremental("005' OR Name != '");
    for (const soql of incrementalQueries) expect(soql).not.toContain('LastModifiedById');
  });
});
