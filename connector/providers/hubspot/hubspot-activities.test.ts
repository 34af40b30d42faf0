import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import { associationsBatchRequestSchema } from '../../../fixtures/hubspot/schemas.ts';
import { writtenFieldKeys } from '../../../shared/manifest.ts';
import type { Activity } from '../../../shared/schemas/activity.ts';
import type { Outcome } from '../../../shared/schemas/outcome.ts';
import { apiBase, unthrottledConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const page = loadHubspotFixture<{ results: unknown[] }>('search-contacts-page.json');
const stamp = { startedAt: '2026-02-05T10:00:00.000Z', completedAt: '2026-02-05T10:00:00.040Z' };

/** Contacts 101-103 from the fixture, as the only page of the search. */
function serveSearch() {
  nock(apiBase)
    .post('/crm/v3/objects/contacts/search')
    .reply(200, { total: 3, results: page.results })
    .persist();
}

/** A portal without web analytics (not Enterprise, or the scope not granted): 403 on the events API. */
function noWebAnalytics() {
  const forbidden = loadHubspotFixture<{ status: number; body: object }>('errors/403-missing-scopes.json');
  return nock(apiBase).get('/events/v3/events/').query(true).reply(forbidden.status, forbidden.body);
}

/** Page views over two pages, then form submissions, each listed for all contacts by event type. */
function serveWebEvents(queries: Record<string, string>[] = []) {
  return nock(apiBase)
    .get('/events/v3/events/')
    .query((query) => {
      queries.push(query as Record<string, string>);
      return query.eventType === 'e_visited_page' && query.after === undefined;
    })
    .reply(200, loadHubspotFixture('events-visited-page.json'))
    .get('/events/v3/events/')
    .query((query) => query.eventType === 'e_visited_page' && query.after === 'Mg%3D%3D')
    .reply(200, loadHubspotFixture('events-visited-page-last.json'))
    .get('/events/v3/events/')
    .query((query) => {
      queries.push(query as Record<string, string>);
      return query.eventType === 'e_submitted_form';
    })
    .reply(200, loadHubspotFixture('events-submitted-form.json'));
}

function noEngagementsBut(served: Record<string, () => void> = {}) {
  for (const type of ['emails', 'meetings', 'calls', 'notes', 'tasks']) {
    if (served[type]) served[type]();
    else nock(apiBase).post(`/crm/v4/associations/contacts/${type}/batch/read`).reply(noAssociations);
  }
}

/** A 207 saying none of the requested contacts has an association of that type. */
async function noAssociations(request: Request) {
  const body = associationsBatchRequestSchema.parse(await request.json());
  return [
    207,
    {
      status: 'COMPLETE',
      results: [],
      numErrors: body.inputs.length,
      errors: body.inputs.map((input) => ({
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
        context: { fromObjectId: [input.id] },
        message: `No object is associated with contact ${input.id}.`,
      })),
      ...stamp,
    },
  ];
}

describe('HubSpot activities and outcomes', () => {
  it('types page views by URL and form submissions by their page from the web analytics events API', async () => {
    serveSearch();
    const queries: Record<string, string>[] = [];
    const events = serveWebEvents(queries);
    noEngagementsBut();
    const connector = unthrottledConnector();
    const records: Activity[] = [];
    let cursor = '';
    for await (const syncPage of connector.syncActivities({ cursor: null })) {
      records.push(...syncPage.records);
      cursor = syncPage.nextCursor;
    }
    expect(events.isDone()).toBe(true);
    expect(queries.every((query) => query.objectType === 'contact' && query.limit === '100')).toBe(true);
    expect(queries[0].occurredAfter).toBeUndefined();
    const typed = records.map((activity) => [
      activity.leadId.split(':').at(-1),
      activity.type,
      activity.detail,
    ]);
    expect(typed).toEqual([
      ['101', 'pricing_page_view', '/pricing'],
      ['101', 'pricing_page_view', '/pricing'],
      ['101', 'page_view', '/blog/lead-scoring-guide'],
      ['102', 'page_view', '/'],
      ['102', 'page_view', '/pricing-faq'],
      ['101', 'webinar', 'Webinar: Lead scoring 101'],
      ['102', 'content_download', 'Download the analyst report'],
      ['103', 'demo_request', 'Request a demo'],
      ['103', 'form_submit', 'Start your free trial'],
    ]);
    // With events, the contact's page-view counter and conversion properties are not counted again.
    expect(records.some((activity) => activity.id.includes(':analytics:'))).toBe(false);
    // The event id (leviathan-0f6e1c52-…-1769940000000) shortened to 12 characters of its SHA-256.
    expect(records[0].id).toBe('hs:2431623:contact:101:events:P7FoMTxdqaep');

    // The next run lists only what occurred since the last listing, less HubSpot's processing delay.
    serveSearch();
    const later: Record<string, string>[] = [];
    nock(apiBase)
      .get('/events/v3/events/')
      .query((query) => {
        later.push(query as Record<string, string>);
        return true;
      })
      .times(2)
      .reply(200, { results: [] });
    noEngagementsBut();
    for await (const syncPage of connector.syncActivities({ cursor })) expect(syncPage.records).toEqual([]);
    expect(later).toHaveLength(2);
    expect(Date.parse(later[0].occurredAfter)).toBeGreaterThan(Date.now() - 2 * 3_600_000);
  });

  it('falls back to the analytics properties of each contact on a portal without web analytics', async () => {
    serveSearch();
    noWebAnalytics();
    const emails = nock(apiBase)
      .post('/crm/v4/associations/contacts/emails/batch/read')
      .reply(200, loadHubspotFixture('associations-contacts-emails.json'));
    for (const type of ['meetings', 'calls', 'notes', 'tasks']) {
      nock(apiBase).post(`/crm/v4/associations/contacts/${type}/batch/read`).reply(noAssociations);
    }
    nock(apiBase)
      .post('/crm/v3/objects/emails/batch/read')
      .query(true)
      .reply(200, loadHubspotFixture('batch-read-emails-200.json'));
    const connector = unthrottledConnector();
    const records: Activity[] = [];
    for await (const syncPage of connector.syncActivities({ cursor: null }))
      records.push(...syncPage.records);
    expect(emails.isDone()).toBe(true);
    const byType = (type: string) => records.filter((activity) => activity.type === type);
    expect(byType('email_click').map((activity) => activity.leadId)).toEqual(['hs:2431623:contact:101']);
    expect(byType('page_view')).toHaveLength(3);
    expect(byType('page_view')[0].detail).toBe('12 page views over 4 visits');
    expect(byType('content_download')).toHaveLength(3);
    expect(records).toHaveLength(7);
    // One refused events listing, one search, five association reads, one email batch read.
    expect(connector.api.calls).toBe(8);
  });

  it('reads closed-won stages from the pipelines and the conversion date from the lifecycle stage', async () => {
    serveSearch();
    nock(apiBase)
      .post('/crm/v4/associations/contacts/deals/batch/read')
      .reply(207, loadHubspotFixture('associations-contacts-deals-207.json'));
    const pipelines = nock(apiBase)
      .get('/crm/v3/pipelines/deals')
      .reply(200, loadHubspotFixture('pipelines-deals.json'));
    nock(apiBase)
      .post('/crm/v3/objects/deals/batch/read')
      .query(true)
      .reply(207, loadHubspotFixture('batch-read-deals-207.json'));
    const records: Outcome[] = [];
    for await (const syncPage of unthrottledConnector().syncOutcomes({ cursor: null }))
      records.push(...syncPage.records);
    expect(pipelines.isDone()).toBe(true);
    expect(records).toEqual([
      {
        tenantId: 'hs:2431623',
        leadId: 'hs:2431623:contact:103',
        kind: 'converted',
        occurredAt: '2026-02-02T08:30:00.000Z',
        amount: null,
      },
      {
        tenantId: 'hs:2431623',
        leadId: 'hs:2431623:contact:103',
        kind: 'won',
        occurredAt: '2026-02-10T00:00:00.000Z',
        amount: 12000,
      },
    ]);
  });

  it('ensures the property group and properties, counting a 409 as already present', async () => {
    const exists = loadHubspotFixture<{ status: number; body: object }>('errors/409-property-exists.json');
    nock(apiBase)
      .post('/crm/v3/properties/contacts/groups')
      .reply(201, loadHubspotFixture('property-group-create-201.json'));
    nock(apiBase).post('/crm/v3/properties/contacts').reply(exists.status, exists.body);
    nock(apiBase)
      .post('/crm/v3/properties/contacts')
      .times(writtenFieldKeys.length - 1)
      .reply(201, loadHubspotFixture('property-create-201.json'));
    const result = await unthrottledConnector().ensureFields();
    // The group and every property but the one that was there already.
    expect(result.created).toHaveLength(writtenFieldKeys.length);
    expect(result.alreadyPresent).toEqual(['leadscore_score']);
  });

  it('creates a task associated with the contact (association type 204)', async () => {
    let sent: { properties: Record<string, string>; associations: unknown[] } | undefined;
    nock(apiBase)
      .post('/crm/v3/objects/tasks')
      .reply(async (request: Request) => {
        sent = (await request.json()) as typeof sent;
        return [201, loadHubspotFixture('task-create-201.json')];
      });
    const task = await unthrottledConnector().createTask({
      crmId: '101',
      objectType: 'contact',
      subject: 'Call hot lead',
      body: 'Score 91: viewed pricing 3 times',
      dueDate: '2026-02-06T00:00:00.000Z',
    });
    expect(task.crmId).toBe('88001');
    expect(sent?.properties.hs_timestamp).toBe(String(Date.UTC(2026, 1, 6)));
    expect(sent?.associations).toEqual([
      { to: { id: '101' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
    ]);
  });

  it('describes the contact properties and the daily API usage HubSpot reported', async () => {
    nock(apiBase)
      .get('/crm/v3/properties/contacts')
      .reply(
        200,
        { results: [loadHubspotFixture('property-create-201.json')] },
        {
          'x-hubspot-ratelimit-max': '110',
          'x-hubspot-ratelimit-remaining': '109',
          'x-hubspot-ratelimit-daily': '250000',
          'x-hubspot-ratelimit-daily-remaining': '249000',
        },
      );
    const description = await unthrottledConnector().describe();
    expect(description).toEqual({
      provider: 'hubspot',
      objects: [{ name: 'contacts', fields: ['leadscore_score'] }],
      apiUsage: { used: 1000, limit: 250000 },
    });
  });
});
