import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiBase, fixture, instanceUrl, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const leads = ['00Q5g0000000001EAA', '00Q5g0000000002EAA'];
const contacts = ['0035g0000000001EAA'];

interface CompositeBody {
  allOrNone: boolean;
  compositeRequest: { method: string; url: string; referenceId: string }[];
}

/**
 * Answers each Composite API call like Salesforce: every GET query subrequest gets its object's
 * fixture page, in a compositeResponse entry under its referenceId. Records the SOQL and the calls.
 */
function serve(sent: string[], calls: CompositeBody[] = []) {
  const answers: Record<string, string> = {
    Task: 'query-tasks.json',
    Event: 'query-empty.json',
    CampaignMember: 'query-campaign-members.json',
  };
  // The body matcher sees the parsed request body; the reply answers the request it matched.
  let request: CompositeBody = { allOrNone: false, compositeRequest: [] };
  nock(instanceUrl)
    .post(`${apiBase}/composite`, (body: CompositeBody) => {
      request = body;
      return true;
    })
    .reply(200, () => {
      calls.push(request);
      return {
        compositeResponse: request.compositeRequest.map((sub) => {
          const soql = new URL(sub.url, instanceUrl).searchParams.get('q') ?? '';
          sent.push(soql);
          const object = /FROM (\w+)/.exec(soql)?.[1] ?? '';
          return {
            body: fixture(answers[object] ?? 'query-empty.json'),
            httpHeaders: {},
            httpStatusCode: 200,
            referenceId: sub.referenceId,
          };
        }),
      };
    })
    .persist();
}

describe('Salesforce activities of given leads', () => {
  it('asks once per object with WhoId IN (...) and LastModifiedDate >= since, campaign members by LeadId and ContactId', async () => {
    const sent: string[] = [];
    const calls: CompositeBody[] = [];
    serve(sent, calls);
    const { connector } = testConnector();
    const result = await connector.activitiesForLeads([...leads, ...contacts], '2026-03-01T10:00:00.250Z');
    expect(sent).toHaveLength(4);
    // All four queries ride one Composite API call.
    expect(calls).toHaveLength(1);
    expect(calls[0]?.allOrNone).toBe(false);
    expect(calls[0]?.compositeRequest.map((sub) => sub.method)).toEqual(['GET', 'GET', 'GET', 'GET']);
    const idList = "'00Q5g0000000001EAA', '00Q5g0000000002EAA', '0035g0000000001EAA'";
    expect(sent[0]).toMatch(
      new RegExp(
        `^SELECT .+ FROM Task WHERE WhoId IN \\(${idList}\\) AND LastModifiedDate >= 2026-03-01T10:00:00Z$`,
      ),
    );
    expect(sent[1]).toContain(
      `FROM Event WHERE WhoId IN (${idList}) AND LastModifiedDate >= 2026-03-01T10:00:00Z`,
    );
    expect(sent[2]).toContain(
      "FROM CampaignMember WHERE LeadId IN ('00Q5g0000000001EAA', '00Q5g0000000002EAA') AND HasResponded = true AND LastModifiedDate >= 2026-03-01T10:00:00Z",
    );
    expect(sent[3]).toContain(
      "FROM CampaignMember WHERE ContactId IN ('0035g0000000001EAA') AND HasResponded = true",
    );
    // The fixtures' 7 Tasks, and the 6 campaign responses once per campaign-member query.
    const ids = result.records.map((activity) => activity.id);
    expect(ids.filter((id) => id.startsWith('00T'))).toHaveLength(7);
    expect(new Set(ids.filter((id) => id.startsWith('00v'))).size).toBe(6);
    expect(result.records.find((activity) => activity.id === '00T5g00000Ab005EAA')).toMatchObject({
      leadId: '00Q5g0000000002EAA',
      type: 'call',
    });
  });

  it('splits long id lists into queries of 200 ids, under the REST query URI limit', async () => {
    const sent: string[] = [];
    const calls: CompositeBody[] = [];
    serve(sent, calls);
    const { connector } = testConnector();
    const many = Array.from({ length: 450 }, (_, index) => `00Q5g${String(index).padStart(10, '0')}EAA`);
    await connector.activitiesForLeads(many, '2026-03-01T10:00:00Z');
    const tasks = sent.filter((soql) => soql.includes('FROM Task'));
    expect(tasks.map((soql) => soql.match(/'00Q/g)?.length)).toEqual([200, 200, 50]);
    expect(sent).toHaveLength(3 * 2 + 3);
    // Salesforce allows 5 queries per composite call: 9 queries take two.
    expect(calls.map((call) => call.compositeRequest.length)).toEqual([5, 4]);
    for (const soql of sent) expect(encodeURIComponent(soql).length).toBeLessThan(16_000);
  });

  it('reads only the objects that hold the kinds the changes named, and nothing for lead fields alone', async () => {
    const sent: string[] = [];
    serve(sent);
    const { connector } = testConnector();
    await connector.activitiesForLeads([...leads, ...contacts], '2026-03-01T10:00:00Z', {
      kinds: ['meeting'],
    });
    expect(sent.map((soql) => /FROM (\w+)/.exec(soql)?.[1])).toEqual(['Event']);
    await connector.activitiesForLeads([...leads, ...contacts], '2026-03-01T10:00:00Z', {
      kinds: ['campaign'],
    });
    expect(sent.slice(1).map((soql) => /FROM (\w+)/.exec(soql)?.[1])).toEqual([
      'CampaignMember',
      'CampaignMember',
    ]);
    const none = await connector.activitiesForLeads(leads, '2026-03-01T10:00:00Z', { kinds: [] });
    expect(none).toEqual({ records: [], rejected: [] });
    expect(sent).toHaveLength(3);
  });

  it('refuses an id that is not a Salesforce id, before any call', async () => {
    const { connector } = testConnector();
    await expect(connector.activitiesForLeads(["00Q' OR Id != '"], '2026-03-01T10:00:00Z')).rejects.toThrow(
      `"00Q' OR Id != '" is not a Salesforce record id`,
    );
  });
});
