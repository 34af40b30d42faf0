import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import { searchRequestSchema, searchResponseSchema } from '../../../fixtures/hubspot/schemas.ts';
import type { SyncPage } from '../../../shared/crm-connector.ts';
import type { Lead } from '../../../shared/schemas/lead.ts';
import type { HubspotConnector } from './hubspot-connector.ts';
import {
  answerSearch,
  apiBase,
  type FakeContact,
  fakeContact,
  unthrottledConnector,
} from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** Serves searches over `contacts`, records every request, and lists no archived contacts. */
function serveContacts(contacts: FakeContact[], archived: unknown = { results: [] }) {
  const requests: { after?: string; since: number; limit: number }[] = [];
  nock(apiBase)
    .post('/crm/v3/objects/contacts/search')
    .reply(async (incoming: Request) => {
      const body: unknown = await incoming.json();
      const request = searchRequestSchema.parse(body);
      requests.push({
        after: request.after,
        since: Number(request.filterGroups[0].filters[0].value),
        limit: request.limit,
      });
      expect(request.sorts).toEqual([{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }]);
      expect(request.filterGroups[0].filters[0].operator).toBe('GTE');
      const [status, response] = answerSearch(contacts, request);
      if (status === 200) searchResponseSchema.parse(response);
      return [status, response];
    })
    .persist();
  nock(apiBase).get('/crm/v3/objects/contacts').query(true).reply(200, archived).persist();
  return requests;
}

async function collect(connector: HubspotConnector, cursor: string | null): Promise<SyncPage<Lead>[]> {
  const pages: SyncPage<Lead>[] = [];
  for await (const page of connector.syncLeads({ cursor })) pages.push(page);
  return pages;
}

/** `count` contacts modified in runs of `run` sharing one millisecond, so runs straddle page ends. */
function contactsWithTies(count: number, run: number, firstId = 1): FakeContact[] {
  const start = Date.UTC(2026, 1, 1);
  return Array.from({ length: count }, (_, i) =>
    fakeContact(firstId + i, new Date(start + Math.floor(i / run) * 1000).toISOString()),
  );
}

describe('HubSpot contact sync', () => {
  it('pages three times over equal timestamps without losing or repeating a contact', async () => {
    const contacts = contactsWithTies(450, 7);
    const requests = serveContacts(contacts);
    const pages = await collect(unthrottledConnector(), null);
    const ids = pages.flatMap((page) => page.records.map((lead) => lead.crmId));
    expect(requests.map((request) => request.after)).toEqual([undefined, '200', '400']);
    expect(requests.every((request) => request.limit === 200)).toBe(true);
    expect(ids).toHaveLength(450);
    expect(new Set(ids).size).toBe(450);
    // 200 and 400 are not multiples of 7: the runs at both page ends straddle the boundary.
    expect(200 % 7).not.toBe(0);
  });

  it('resumes from a mid-sync cursor with exactly the contacts not yet returned', async () => {
    const contacts = contactsWithTies(450, 7);
    serveContacts(contacts);
    const first = await collect(unthrottledConnector(), null);
    const cursorAfterFirstPage = first[0].nextCursor;
    const seen = new Set(first[0].records.map((lead) => lead.crmId));
    const resumed = await collect(unthrottledConnector(), cursorAfterFirstPage);
    const rest = resumed.flatMap((page) => page.records.map((lead) => lead.crmId));
    expect(rest.filter((id) => seen.has(id))).toEqual([]);
    expect(new Set([...seen, ...rest]).size).toBe(450);
    expect(rest).toHaveLength(250);
  });

  it('restarts the search window before the 10,000-result cap and still returns each contact once', async () => {
    const contacts = contactsWithTies(10_450, 3);
    const requests = serveContacts(contacts);
    const pages = await collect(unthrottledConnector(), null);
    const ids = pages.flatMap((page) => page.records.map((lead) => lead.crmId));
    expect(ids).toHaveLength(10_450);
    expect(new Set(ids).size).toBe(10_450);
    expect(requests.every((request) => Number(request.after ?? 0) + request.limit <= 10_000)).toBe(true);
    const restarts = requests.filter((request, index) => index > 0 && request.after === undefined);
    expect(restarts).toHaveLength(1);
    // The new window starts at the last timestamp read: contact 10,000's (index 9,999, run 3,333).
    expect(restarts[0].since).toBe(Date.UTC(2026, 1, 1) + 3_333 * 1000);
    // 50 pages fill the first window; the second (451 contacts from that timestamp on) takes 3.
    expect(requests).toHaveLength(53);
  });

  it('reports dirty contacts with the field and reason and keeps the rest of the page', async () => {
    const contacts = [
      fakeContact(1, '2026-02-01T00:00:00.000Z'),
      fakeContact(2, '2026-02-01T00:00:01.000Z', { email: 'not-an-email', annualrevenue: 'lots' }),
      fakeContact(3, '2026-02-01T00:00:02.000Z', { numemployees: '1000+' }),
    ];
    serveContacts(contacts);
    const pages = await collect(unthrottledConnector(), null);
    expect(pages[0].records.map((lead) => lead.crmId)).toEqual(['1', '3']);
    expect(pages[0].records[1].employees).toBe(1000);
    expect(pages[0].rejected).toHaveLength(1);
    expect(pages[0].rejected[0].crmId).toBe('2');
    expect(pages[0].rejected[0].problems.map((problem) => problem.field).sort()).toEqual([
      'annualRevenue',
      'email',
    ]);
  });

  it('reads hubspot_owner_id as the owner, null for an unassigned contact', async () => {
    serveContacts([
      fakeContact(1, '2026-02-01T00:00:00.000Z', { hubspot_owner_id: '70000001' }),
      fakeContact(2, '2026-02-01T00:00:01.000Z', { hubspot_owner_id: null }),
    ]);
    const pages = await collect(unthrottledConnector(), null);
    expect(pages[0].records.map((lead) => lead.ownerId)).toEqual(['70000001', null]);
  });

  it('propagates archived contacts as deletions once, then not again', async () => {
    serveContacts([fakeContact(1, '2026-02-01T00:00:00.000Z')], loadHubspotFixture('archived-contacts.json'));
    const pages = await collect(unthrottledConnector(), null);
    const last = pages[pages.length - 1];
    expect(last.deletedCrmIds).toEqual(['105']);
    const again = await collect(unthrottledConnector(), last.nextCursor);
    expect(again.flatMap((page) => page.deletedCrmIds)).toEqual([]);
    expect(again.flatMap((page) => page.records)).toEqual([]);
  });

  it('costs one search and one archive listing when nothing changed', async () => {
    serveContacts([fakeContact(1, '2026-02-01T00:00:00.000Z')]);
    const first = await collect(unthrottledConnector(), null);
    const connector = unthrottledConnector();
    await collect(connector, first[first.length - 1].nextCursor);
    expect(connector.api.calls).toBe(2);
  });

  it('lets outcomes replay the search pages the lead sync read, with one live search for the tail', async () => {
    const requests = serveContacts(contactsWithTies(450, 7));
    const associationInputs: number[] = [];
    nock(apiBase)
      .post('/crm/v4/associations/contacts/deals/batch/read')
      .reply(async (request: Request) => {
        const body = (await request.json()) as { inputs: { id: string }[] };
        associationInputs.push(body.inputs.length);
        return [
          200,
          {
            status: 'COMPLETE',
            results: [],
            startedAt: '2026-02-05T10:00:00.000Z',
            completedAt: '2026-02-05T10:00:00.000Z',
          },
        ];
      })
      .persist();
    const connector = unthrottledConnector();
    await collect(connector, null);
    expect(requests).toHaveLength(3);
    const outcomePages = [];
    for await (const page of connector.syncOutcomes({ cursor: null })) outcomePages.push(page);
    expect(requests).toHaveLength(4);
    // 450 contacts in one association batch: groups fill to 1,000 across search pages.
    expect(associationInputs).toEqual([450]);
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(collect(unthrottledConnector(), '{"since":1}')).rejects.toMatchObject({
      code: 'CURSOR_INVALID',
    });
  });
});
