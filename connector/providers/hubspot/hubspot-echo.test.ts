import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { searchRequestSchema } from '../../../fixtures/hubspot/schemas.ts';
import type { SyncPage } from '../../../shared/crm-connector.ts';
import type { Lead } from '../../../shared/schemas/lead.ts';
import { changedContactFilterGroups } from './contact-stream.ts';
import type { HubspotConnector } from './hubspot-connector.ts';
import { apiBase, type FakeContact, fakeContact, unthrottledConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const scoredAt = 'leadscore_scored_at';
type Filter = { propertyName: string; operator: string; value?: string };
type Groups = { filters: Filter[] }[];

function matches(contact: FakeContact, filter: Filter): boolean {
  const raw = contact.properties[filter.propertyName];
  if (filter.operator === 'NOT_HAS_PROPERTY') return raw === null || raw === undefined || raw === '';
  if (raw === null || raw === undefined) return false;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (filter.operator === 'GTE') return value >= Number(filter.value);
  if (filter.operator === 'LT') return value < Number(filter.value);
  throw new Error(`unexpected operator ${filter.operator}`);
}

/** Serves searches as HubSpot does (filterGroups ORed, filters ANDed, 10,000 cap) and keeps each body. */
function serveContacts(contacts: FakeContact[]): Groups[] {
  const bodies: Groups[] = [];
  const modified = (contact: FakeContact) => Date.parse(contact.properties.lastmodifieddate ?? '');
  nock(apiBase)
    .post('/crm/v3/objects/contacts/search')
    .reply(async (incoming: Request) => {
      const request = searchRequestSchema.parse(await incoming.json());
      bodies.push(request.filterGroups);
      const matching = contacts
        .filter((contact) =>
          request.filterGroups.some((group) => group.filters.every((filter) => matches(contact, filter))),
        )
        .sort((a, b) => modified(a) - modified(b) || Number(a.id) - Number(b.id));
      const offset = Number(request.after ?? '0');
      if (offset + request.limit > 10_000) return [400, { status: 'error', category: 'VALIDATION_ERROR' }];
      const next = offset + request.limit < matching.length ? String(offset + request.limit) : undefined;
      return [
        200,
        {
          total: matching.length,
          results: matching.slice(offset, offset + request.limit),
          ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
        },
      ];
    })
    .persist();
  nock(apiBase).get('/crm/v3/objects/contacts').query(true).reply(200, { results: [] }).persist();
  return bodies;
}

async function collect(connector: HubspotConnector, cursor: string | null): Promise<SyncPage<Lead>[]> {
  const pages: SyncPage<Lead>[] = [];
  for await (const page of connector.syncLeads({ cursor })) pages.push(page);
  return pages;
}

const at = (second: number) => new Date(Date.UTC(2026, 1, 1) + second * 1000).toISOString();
const ms = (second: number) => String(Date.parse(at(second)));

function incremental(windowStart: string): Groups {
  return [
    {
      filters: [
        { propertyName: 'lastmodifieddate', operator: 'GTE', value: windowStart },
        { propertyName: scoredAt, operator: 'LT', value: windowStart },
      ],
    },
    {
      filters: [
        { propertyName: 'lastmodifieddate', operator: 'GTE', value: windowStart },
        { propertyName: scoredAt, operator: 'NOT_HAS_PROPERTY' },
      ],
    },
  ];
}

describe('HubSpot echo suppression', () => {
  it('reads every contact on a full load, then leaves out contacts whose latest change is our score', async () => {
    const contacts = [fakeContact(1, at(10)), fakeContact(2, at(20)), fakeContact(3, at(30))];
    const bodies = serveContacts(contacts);
    const connector = unthrottledConnector();
    const full = await collect(connector, null);
    expect(bodies).toEqual([
      [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }],
    ]);
    // Our write to 1 (scored at 100, written at 101); a person's edit to 2, scored long ago; 4 is new.
    contacts[0] = fakeContact(1, at(101), { [scoredAt]: ms(100) });
    contacts[1] = fakeContact(2, at(102), { [scoredAt]: ms(5), jobtitle: 'VP Sales' });
    contacts.push(fakeContact(4, at(103)));
    bodies.length = 0;
    const next = await collect(connector, full.at(-1)!.nextCursor);
    expect(bodies).toEqual([incremental(ms(30))]);
    expect(next.flatMap((page) => page.records.map((lead) => lead.crmId))).toEqual(['2', '4']);
  });

  it('moves the echo condition with the window when it restarts before the 10,000 cap', async () => {
    // 10,050 changes by people after the last sync, one per second, none scored yet.
    const contacts = Array.from({ length: 10_050 }, (_, i) => fakeContact(i + 1, at(1_000 + i)));
    const bodies = serveContacts(contacts);
    const connector = unthrottledConnector();
    const cursor = JSON.stringify({
      v: 1,
      contacts: { since: Date.parse(at(500)), boundaryIds: [] },
      deletedSince: 0,
    });
    const pages = await collect(connector, cursor);
    const ids = pages.flatMap((page) => page.records.map((lead) => lead.crmId));
    expect(ids).toHaveLength(10_050);
    expect(new Set(ids).size).toBe(10_050);
    expect(bodies).toHaveLength(51);
    expect(bodies[0]).toEqual(incremental(ms(500)));
    // The new window starts at the last contact read (the 10,000th) and keeps both groups.
    expect(bodies[50]).toEqual(incremental(ms(1_000 + 9_999)));
  });

  it('resumes an interrupted full load without the echo condition and ends it on its last page', async () => {
    const contacts = Array.from({ length: 450 }, (_, i) =>
      fakeContact(i + 1, at(i), { [scoredAt]: ms(10_000) }),
    );
    const bodies = serveContacts(contacts);
    const connector = unthrottledConnector();
    const stream = connector.syncLeads({ cursor: null })[Symbol.asyncIterator]();
    const first = (await stream.next()).value as SyncPage<Lead>;
    await stream.return?.(undefined);
    const resumed = await collect(unthrottledConnector(), first.nextCursor);
    expect(bodies.slice(1).every((groups) => groups.length === 1)).toBe(true);
    const delivered = [...first.records, ...resumed.flatMap((page) => page.records)].map(
      (lead) => lead.crmId,
    );
    expect(new Set(delivered).size).toBe(450);
    bodies.length = 0;
    await collect(unthrottledConnector(), resumed.at(-1)!.nextCursor);
    expect(bodies).toEqual([incremental(ms(449))]);
  });

  it("keeps the incremental search within HubSpot's filter limits", () => {
    const groups = changedContactFilterGroups(1_770_000_000_000, scoredAt);
    expect(groups.length).toBeLessThanOrEqual(5);
    expect(groups.reduce((sum, group) => sum + group.filters.length, 0)).toBeLessThanOrEqual(18);
    expect(changedContactFilterGroups(0, null)).toHaveLength(1);
  });
});
