import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import { associationsBatchRequestSchema } from '../../../fixtures/hubspot/schemas.ts';
import { resetWebAnalyticsProbes } from './hubspot-activities-for-leads.ts';
import { apiBase, unthrottledConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  resetWebAnalyticsProbes();
});

/** The portal's answer to the web analytics probe: 403 below Enterprise, one event above. */
function serveWebAnalytics(available: boolean) {
  const forbidden = loadHubspotFixture<{ status: number; body: object }>('errors/403-missing-scopes.json');
  return nock(apiBase)
    .get('/events/v3/events/')
    .query((query) => query.limit === '1' && query.eventType === 'e_visited_page')
    .reply(available ? 200 : forbidden.status, available ? { results: [] } : forbidden.body);
}

const page = loadHubspotFixture<{ results: { id: string }[] }>('search-contacts-page.json');
const stamp = { startedAt: '2026-02-05T10:00:00.000Z', completedAt: '2026-02-05T10:00:00.040Z' };

/** The v3 batch read of contacts, answering the requested ids from the fixture's contacts. */
function serveContactReads(asked: string[][]) {
  return nock(apiBase)
    .post('/crm/v3/objects/contacts/batch/read')
    .query(true)
    .reply(async (request: Request) => {
      const ids = ((await request.json()) as { inputs: { id: string }[] }).inputs.map((input) => input.id);
      asked.push(ids);
      const results = page.results.filter((contact) => ids.includes(contact.id));
      return [200, { status: 'COMPLETE', results, ...stamp }];
    })
    .persist();
}

/** A 207 saying none of the requested contacts has an association of that type. */
async function noAssociations(request: Request) {
  const inputs = associationsBatchRequestSchema.parse(await request.json()).inputs;
  const errors = inputs.map((input) => ({
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    context: { fromObjectId: [input.id] },
    message: `No object is associated with contact ${input.id}.`,
  }));
  return [207, { status: 'COMPLETE', results: [], numErrors: inputs.length, errors, ...stamp }];
}

/** Emails associated with contact 101 (one email, opened and clicked); no other engagement anywhere. */
function serveEngagements(askedFor: string[][]) {
  nock(apiBase)
    .post('/crm/v4/associations/contacts/emails/batch/read')
    .reply(async (request: Request) => {
      askedFor.push(
        associationsBatchRequestSchema.parse(await request.json()).inputs.map((input) => input.id),
      );
      return [200, loadHubspotFixture('associations-contacts-emails.json')];
    });
  nock(apiBase)
    .post('/crm/v3/objects/emails/batch/read')
    .query(true)
    .reply(200, loadHubspotFixture('batch-read-emails-200.json'));
  for (const type of ['meetings', 'calls', 'notes', 'tasks']) {
    nock(apiBase).post(`/crm/v4/associations/contacts/${type}/batch/read`).reply(noAssociations);
  }
}

describe('HubSpot activities of given contacts', () => {
  it('reads the contacts, one association batch per engagement type and the engagements changed since', async () => {
    const contactReads: string[][] = [];
    const associationReads: string[][] = [];
    serveContactReads(contactReads);
    serveEngagements(associationReads);
    serveWebAnalytics(false);
    const connector = unthrottledConnector();
    const result = await connector.activitiesForLeads(['101', '102', '999'], '2026-02-01T00:00:00.000Z');
    expect(contactReads).toEqual([['101', '102', '999']]);
    // Contact 999 is unknown to HubSpot: its associations are not asked for.
    expect(associationReads).toEqual([['101', '102']]);
    const click = result.records.filter((activity) => activity.type === 'email_click');
    expect(click.map((activity) => activity.leadId)).toEqual(['hs:2431623:contact:101']);
    // Behaviour properties (page views, conversions) map as the sync maps them without web events.
    expect(result.records.some((activity) => activity.id.includes(':analytics:'))).toBe(true);
    expect(connector.api.calls).toBe(1 + 1 + 5 + 1);
    // The portal's answer is kept: the next rescore asks no more.
    serveContactReads([]);
    serveEngagements([]);
    const callsBefore = connector.api.calls;
    await connector.activitiesForLeads(['101'], '2026-02-01T00:00:00.000Z');
    expect(connector.api.calls - callsBefore).toBe(1 + 5 + 1);
    expect(nock.pendingMocks().filter((mock) => !mock.includes('contacts/batch/read'))).toEqual([]);
  });

  it('leaves out the analytics counters where the portal has web analytics events (the sync stores each visit)', async () => {
    serveContactReads([]);
    serveEngagements([]);
    serveWebAnalytics(true);
    const result = await unthrottledConnector().activitiesForLeads(['101'], '2026-02-01T00:00:00.000Z');
    expect(result.records.filter((activity) => activity.id.includes(':analytics:'))).toEqual([]);
    expect(result.records.map((activity) => activity.type)).toEqual(['email_click']);
  });

  it('reads only the engagement types that hold the kinds the changes named, nothing for lead fields alone', async () => {
    serveContactReads([]);
    serveEngagements([]);
    const connector = unthrottledConnector();
    const result = await connector.activitiesForLeads(['101'], '2026-02-01T00:00:00.000Z', {
      kinds: ['email'],
    });
    expect(result.records.map((activity) => activity.type)).toEqual(['email_click']);
    // The contacts, their email associations, the emails: no probe, no other type.
    expect([...connector.api.callsByOperation.keys()]).toEqual([
      'batch read contacts',
      'read contact→emails associations',
      'batch read emails',
    ]);
    const none = await connector.activitiesForLeads(['101'], '2026-02-01T00:00:00.000Z', { kinds: [] });
    expect(none).toEqual({ records: [], rejected: [] });
    expect(connector.api.calls).toBe(3);
  });

  it('leaves out engagements not changed since the time asked', async () => {
    serveContactReads([]);
    serveEngagements([]);
    serveWebAnalytics(false);
    const connector = unthrottledConnector();
    const result = await connector.activitiesForLeads(['101'], '2026-02-02T00:00:00.000Z');
    expect(result.records.filter((activity) => activity.id.includes(':emails:'))).toEqual([]);
  });

  it('reuses the contacts fetchLeads just read for the same ids: one contact read, not two', async () => {
    const contactReads: string[][] = [];
    serveContactReads(contactReads);
    serveEngagements([]);
    serveWebAnalytics(false);
    const connector = unthrottledConnector();
    const leads = await connector.fetchLeads(['102', '101']);
    expect(leads.records.map((lead) => lead.crmId).sort()).toEqual(['101', '102']);
    await connector.activitiesForLeads(['101', '102'], '2026-02-01T00:00:00.000Z');
    expect(contactReads).toHaveLength(1);
  });
});
