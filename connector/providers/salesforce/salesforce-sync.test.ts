import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncPage } from '../../../shared/crm-connector.ts';
import type { Lead } from '../../../shared/schemas/lead.ts';
import { IdentityLinker } from '../../sync/link-identities.ts';
import { decodeCursor } from './sync-streams.ts';
import { apiBase, collect, fixture, fixtureText, instanceUrl, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const now = Date.parse('2026-03-02T10:00:00Z');
const queryPath = `${apiBase}/query`;

/** Three Lead pages over nextRecordsUrl, then an empty Contact query. */
function mockLeadPages(): nock.Scope {
  return nock(instanceUrl)
    .get(queryPath)
    .query((query) => String(query.q).includes('FROM Lead'))
    .reply(200, fixture('query-leads-page-1.json'))
    .get(`${queryPath}/01gD0000002HU6KIAW-3`)
    .reply(200, fixture('query-leads-page-2.json'))
    .get(`${queryPath}/01gD0000002HU6KIAW-6`)
    .reply(200, fixture('query-leads-page-3.json'))
    .get(queryPath)
    .query((query) => String(query.q).includes('FROM Contact'))
    .reply(200, fixture('query-contacts-page-1.json'));
}

describe('Salesforce lead sync', () => {
  it('pages over nextRecordsUrl across equal SystemModstamps without losing or repeating a record', async () => {
    const scope = mockLeadPages();
    const { connector } = testConnector({}, { now: () => now });
    const pages = await collect(connector.syncLeads({ cursor: null }));
    expect(scope.isDone()).toBe(true);
    const ids = pages.flatMap((page) => page.records.map((lead) => lead.crmId));
    const rejectedIds = pages.flatMap((page) => page.rejected.map((rejected) => rejected.crmId));
    expect(ids).toHaveLength(8);
    expect(new Set([...ids, ...rejectedIds]).size).toBe(9);
    expect(rejectedIds).toEqual(['00Q5g0000000005EAA']);
    // Oldest first, as the cursor assumes.
    const stamps = pages.flatMap((page) =>
      page.records.filter((l) => l.objectType === 'Lead').map((l) => l.updatedAt),
    );
    expect([...stamps].sort()).toEqual(stamps);
  });

  it("carries each record's OwnerId, a user or a lead queue, as the lead's owner", async () => {
    mockLeadPages();
    const { connector } = testConnector({}, { now: () => now });
    const leads = (await collect(connector.syncLeads({ cursor: null }))).flatMap((page) => page.records);
    const owner = (crmId: string) => leads.find((lead) => lead.crmId === crmId)?.ownerId;
    expect(owner('00Q5g0000000001EAA')).toBe('0055g00000AbCdFAAV');
    expect(owner('00Q5g0000000003EAA')).toBe('00G5g000001QueUEAS');
    expect(owner('0035g0000000001EAA')).toBe('0055g00000AbCdGAAV');
  });

  it('reports a dirty record with its id and field and keeps the rest of its page', async () => {
    mockLeadPages();
    const { connector } = testConnector({}, { now: () => now });
    const pages = await collect(connector.syncLeads({ cursor: null }));
    const second = pages[1]!;
    expect(second.records.map((lead) => lead.crmId)).toEqual(['00Q5g0000000004EAA', '00Q5g0000000006EAA']);
    expect(second.rejected).toEqual([
      {
        object: 'Lead',
        crmId: '00Q5g0000000005EAA',
        problems: [{ field: 'email', reason: 'must be an email address such as ana@example.com' }],
      },
    ]);
  });

  it('queries with an Id tie-breaker and an overlapping window, then de-duplicates the overlap', async () => {
    mockLeadPages();
    const { connector } = testConnector({}, { now: () => now });
    const first = await collect(connector.syncLeads({ cursor: null }));
    const cursor = first.at(-1)!.nextCursor;
    const seen: string[] = [];
    // The next run re-reads the last page (inside the overlap) and must deliver nothing again.
    nock(instanceUrl)
      .get(queryPath)
      .query((query) => {
        seen.push(String(query.q));
        return String(query.q).includes('FROM Lead');
      })
      .reply(200, fixture('query-leads-page-3.json'))
      .get(queryPath)
      .query((query) => {
        seen.push(String(query.q));
        return String(query.q).includes('FROM Contact');
      })
      .reply(200, fixture('query-contacts-page-1.json'))
      .get(`${apiBase}/sobjects/Lead/deleted/`)
      .query(true)
      .reply(200, fixture('deleted-none.json'))
      .get(`${apiBase}/sobjects/Contact/deleted/`)
      .query(true)
      .reply(200, fixture('deleted-none.json'));
    const second = await collect(connector.syncLeads({ cursor }));
    expect(second.flatMap((page) => page.records)).toHaveLength(0);
    expect(seen[0]).toContain('WHERE SystemModstamp >= 2026-03-01T09:55:05Z ORDER BY SystemModstamp, Id');
  });

  it('propagates deletions from /deleted/ and moves the window to latestDateCovered', async () => {
    mockLeadPages();
    const { connector } = testConnector({}, { now: () => now - 86_400_000 });
    const cursor = (await collect(connector.syncLeads({ cursor: null }))).at(-1)!.nextCursor;
    const later = testConnector({}, { now: () => now }).connector;
    let deletedQuery: Record<string, unknown> = {};
    nock(instanceUrl)
      .get(queryPath)
      .query(true)
      .times(2)
      .reply(200, fixture('query-empty.json'))
      .get(`${apiBase}/sobjects/Lead/deleted/`)
      .query((query) => {
        deletedQuery = query;
        return true;
      })
      .reply(200, fixture('deleted-leads.json'))
      .get(`${apiBase}/sobjects/Contact/deleted/`)
      .query(true)
      .reply(200, fixture('deleted-none.json'));
    const pages = await collect(later.syncLeads({ cursor }));
    expect(pages.at(-1)!.deletedCrmIds).toEqual(['00Q5g0000000002EAA']);
    expect(deletedQuery.start).toBe('2026-03-01T10:00:00.000Z');
    expect(decodeCursor(pages.at(-1)!.nextCursor)!.deletedSince.Lead).toBe('2026-03-02T09:00:00.000Z');
  });

  it('links a Lead and a Contact whose emails differ only in case as one person', async () => {
    mockLeadPages();
    const { connector } = testConnector({}, { now: () => now });
    const linker = new IdentityLinker();
    const pages: SyncPage<Lead>[] = await collect(connector.syncLeads({ cursor: null }));
    for (const page of pages) linker.add(page.records);
    expect(linker.personKey('00Q5g0000000001EAA')).toBe(linker.personKey('0035g0000000001EAA'));
    expect(linker.peopleCount).toBe(7);
  });

  it('sizes a small first load from its first page, without a COUNT() call', async () => {
    const sent: string[] = [];
    const scope = nock(instanceUrl)
      .get(queryPath)
      .query((query) => {
        sent.push(String(query.q));
        return String(query.q).includes('FROM Lead');
      })
      .reply(200, fixture('query-leads-page-1.json'))
      .get(`${queryPath}/01gD0000002HU6KIAW-3`)
      .reply(200, fixture('query-leads-page-2.json'))
      .get(`${queryPath}/01gD0000002HU6KIAW-6`)
      .reply(200, fixture('query-leads-page-3.json'))
      .get(queryPath)
      .query((query) => {
        sent.push(String(query.q));
        return String(query.q).includes('FROM Contact');
      })
      .reply(200, fixture('query-contacts-page-1.json'));
    // totalSize 8 is under the threshold of 50: REST all the way.
    const { connector } = testConnector({}, { now: () => now, bulkThreshold: 50 });
    const pages = await collect(connector.syncLeads({ cursor: null }));
    expect(scope.isDone()).toBe(true);
    expect(sent.filter((soql) => soql.includes('COUNT()'))).toEqual([]);
    expect(pages.flatMap((page) => page.records)).toHaveLength(8);
  });

  it('loads a large object through Bulk API 2.0 and follows Sforce-Locator until "null"', async () => {
    const headers = fixture<Record<string, Record<string, string>>>('bulk-results-headers.json');
    let createdWith: Record<string, unknown> = {};
    const jobPath = `${apiBase}/jobs/query`;
    const scope = nock(instanceUrl)
      // The first REST page sizes the load (totalSize 8 above a threshold of 5): it is dropped.
      .get(queryPath)
      .query((query) => /FROM Lead ORDER BY/.test(String(query.q)))
      .reply(200, fixture('query-leads-page-1.json'))
      .post(jobPath, (body: Record<string, unknown>) => {
        createdWith = body;
        return true;
      })
      .reply(200, fixture('bulk-job-created.json'))
      .get(`${jobPath}/750R0000000zlh9IAA`)
      .reply(200, fixture('bulk-job-in-progress.json'))
      .get(`${jobPath}/750R0000000zlh9IAA`)
      .reply(200, fixture('bulk-job-complete.json'))
      .get(`${jobPath}/750R0000000zlh9IAA/results`)
      .query({ maxRecords: '2' })
      .reply(200, fixtureText('bulk-results-page-1.csv'), headers.page1)
      .get(`${jobPath}/750R0000000zlh9IAA/results`)
      .query({ maxRecords: '2', locator: 'MTAwMDA' })
      .reply(200, fixtureText('bulk-results-page-2.csv'), headers.page2)
      .get(queryPath)
      .query((query) => /FROM Contact ORDER BY/.test(String(query.q)))
      .reply(200, fixture('query-empty.json'));
    const { connector } = testConnector(
      {},
      { now: () => now, bulkThreshold: 5, bulkMaxRecords: 2, bulkPollIntervalMs: 1 },
    );
    const pages = await collect(connector.syncLeads({ cursor: null }));
    expect(scope.isDone()).toBe(true);
    expect(createdWith).toMatchObject({ operation: 'query' });
    expect(String(createdWith.query)).not.toContain('ORDER BY');
    // No COUNT() call, and nothing from the dropped REST page: only the Bulk rows.
    expect(scope.pendingMocks()).toEqual([]);
    const leads = pages.flatMap((page) => page.records);
    expect(leads.map((lead) => lead.crmId)).toEqual([
      '00Q5g0000000011EAA',
      '00Q5g0000000012EAA',
      '00Q5g0000000013EAA',
    ]);
    expect(leads[0]).toMatchObject({
      employees: 110,
      annualRevenue: null,
      consentToTracking: true,
      domain: 'acme11.com',
      ownerId: '0055g00000AbCdFAAV',
    });
    // The cursor resumes after the highest stamp, not the last row's.
    const lead = decodeCursor(pages.at(-1)!.nextCursor)!.objects.Lead!;
    expect(lead.watermark).toBe('2026-03-01T10:00:03.000Z');
    expect(lead.bulk).toBeUndefined();
  });
});
