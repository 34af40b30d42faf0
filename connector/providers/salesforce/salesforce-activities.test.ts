import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Activity } from '../../../shared/schemas/activity.ts';
import { campaignResponseType } from './map-salesforce-records.ts';
import { apiBase, collect, fixture, instanceUrl, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const queryPath = `${apiBase}/query`;

function serveActivities(sent: string[]) {
  const answer = (object: string, name: string) =>
    nock(instanceUrl)
      .get(queryPath)
      .query((query) => {
        const soql = String(query.q);
        if (!soql.includes(`FROM ${object} `)) return false;
        sent.push(soql);
        return true;
      })
      .reply(200, fixture(name));
  answer('Task', 'query-tasks.json');
  answer('Event', 'query-empty.json');
  answer('CampaignMember', 'query-campaign-members.json');
}

async function syncedActivities(): Promise<{ byId: Map<string, Activity>; sent: string[] }> {
  const sent: string[] = [];
  serveActivities(sent);
  const { connector } = testConnector({}, { now: () => Date.parse('2026-03-02T10:00:00Z') });
  const pages = await collect(connector.syncActivities({ cursor: null }));
  const records = pages.flatMap((page) => page.records);
  return { byId: new Map(records.map((activity) => [activity.id, activity])), sent };
}

describe('Salesforce activity types', () => {
  it('types Tasks from their subtype and subject: opens, clicks, page visits, calls, tasks', async () => {
    const { byId } = await syncedActivities();
    const typeOf = (id: string) => byId.get(id)?.type;
    expect(typeOf('00T5g00000Ab001EAA')).toBe('email_open');
    expect(typeOf('00T5g00000Ab002EAA')).toBe('email_click');
    expect(byId.get('00T5g00000Ab003EAA')).toMatchObject({ type: 'pricing_page_view', detail: '/pricing' });
    expect(byId.get('00T5g00000Ab004EAA')).toMatchObject({ type: 'page_view', detail: '/docs' });
    expect(byId.get('00T5g00000Ab005EAA')).toMatchObject({
      type: 'call',
      detail: 'left voicemail',
      occurredAt: '2026-02-10T00:00:00.000Z',
    });
    // A sales email someone logged, and a to-do: touches, not engagement by the lead.
    expect(typeOf('00T5g00000Ab006EAA')).toBe('task');
    expect(typeOf('00T5g00000Ab007EAA')).toBe('task');
  });

  it("types campaign responses from their Campaign's Type and reads the member's lead or contact", async () => {
    const { byId, sent } = await syncedActivities();
    expect(sent.find((soql) => soql.includes('FROM CampaignMember'))).toContain('Campaign.Type');
    const responses = [...byId.values()].filter((activity) => activity.id.startsWith('00v'));
    expect(responses.map((activity) => [activity.leadId, activity.type])).toEqual([
      ['00Q5g0000000001EAA', 'webinar'],
      ['00Q5g0000000001EAA', 'content_download'],
      ['00Q5g0000000002EAA', 'demo_request'],
      ['00Q5g0000000002EAA', 'form_submit'],
      ['0035g0000000001EAA', 'form_submit'],
      ['0035g0000000001EAA', 'campaign_response'],
    ]);
    expect(responses[0]).toMatchObject({
      detail: 'Webinar: Lead scoring 101 (2026-02-12)',
      occurredAt: '2026-02-12T00:00:00.000Z',
    });
  });

  it.each([
    ['Webinar', 'webinar'],
    ['Content Syndication', 'content_download'],
    ['Demo Request', 'demo_request'],
    ['Trade Show', 'form_submit'],
    ['Conference', 'form_submit'],
    ['Direct Mail', 'campaign_response'],
    [null, 'campaign_response'],
  ] as const)('reads Campaign Type %s as %s', (campaignType, expected) => {
    expect(campaignResponseType(campaignType)).toBe(expected);
  });
});
