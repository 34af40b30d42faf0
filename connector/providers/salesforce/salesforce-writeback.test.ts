import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreWrite } from '../../../shared/crm-connector.ts';
import { collectionResultSchema } from './api-schemas.ts';
import { apiBase, collect, fixture, instanceUrl, score, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const leadId = (n: number) => `00Q5g00000${String(n).padStart(5, '0')}EAA`.padEnd(18, 'A').slice(0, 18);
const collectionsPath = `${apiBase}/composite/sobjects`;

/** nock 15 hands a reply function the fetch Request itself. */
const asBody = async (request: unknown): Promise<CollectionsBody> =>
  (await (request as Request).json()) as CollectionsBody;

interface CollectionsBody {
  allOrNone: boolean;
  records: { attributes: { type: string }; id: string; [field: string]: unknown }[];
}

describe('Salesforce score write-back', () => {
  it('retries only the 3 records that failed with UNABLE_TO_LOCK_ROW, ending with all 200 written once', async () => {
    const failing = new Set([leadId(7), leadId(88), leadId(150)]);
    const bodies: CollectionsBody[] = [];
    const writes = new Map<string, number>();
    nock(instanceUrl)
      .patch(collectionsPath)
      .times(2)
      .reply(200, async (raw: unknown) => {
        const request = await asBody(raw);
        bodies.push(request);
        const firstCall = bodies.length === 1;
        const answer = request.records.map((record) => {
          if (firstCall && failing.has(record.id)) {
            return {
              success: false,
              errors: [
                {
                  statusCode: 'UNABLE_TO_LOCK_ROW',
                  message: `unable to obtain exclusive access to this record or 1 records: ${record.id}`,
                  fields: [],
                },
              ],
            };
          }
          writes.set(record.id, (writes.get(record.id) ?? 0) + 1);
          return { id: record.id, success: true, errors: [] };
        });
        return collectionResultSchema.parse(answer);
      });
    const { connector } = testConnector({}, { writeRetries: 2 });
    const batch: ScoreWrite[] = Array.from({ length: 200 }, (_, i) => ({
      crmId: leadId(i),
      objectType: 'Lead',
      score: score(leadId(i), i % 101),
    }));
    const results = await connector.writeScores(batch);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.records).toHaveLength(200);
    expect(bodies[0]!.allOrNone).toBe(false);
    expect(bodies[1]!.records.map((record) => record.id).sort()).toEqual([...failing].sort());
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.map((result) => result.crmId)).toEqual(batch.map((write) => write.crmId));
    expect(writes.size).toBe(200);
    expect([...writes.values()].every((count) => count === 1)).toBe(true);
  });

  it('writes the manifest fields with the score, tier picklist value and signed factor points', async () => {
    let sent: CollectionsBody | undefined;
    nock(instanceUrl)
      .patch(collectionsPath, (body: CollectionsBody) => {
        sent = body;
        return true;
      })
      .reply(200, [{ id: leadId(1), success: true, errors: [] }]);
    const { connector } = testConnector();
    await connector.writeScores([{ crmId: leadId(1), objectType: 'Lead', score: score(leadId(1), 72) }]);
    expect(sent!.records[0]).toMatchObject({
      attributes: { type: 'Lead' },
      id: leadId(1),
      LeadScore_Score__c: 72,
      LeadScore_Tier__c: 'Warm',
      LeadScore_Factor_1__c: 'Viewed pricing 4 times in 30 days (+12.5)',
      LeadScore_Factor_2__c: null,
      LeadScore_Model_Version__c: 'm-2026-03-01-1',
      LeadScore_Scored_At__c: '2026-03-01T12:00:00.000Z',
      LeadScore_Probability__c: 0.2,
      // No recommendation with this score: the field is cleared rather than left stale.
      LeadScore_Recommendation__c: null,
    });
  });

  it('writes the probability rounded to the field scale and the recommendation on Lead and Contact', async () => {
    let sent: CollectionsBody | undefined;
    nock(instanceUrl)
      .patch(collectionsPath, (body: CollectionsBody) => {
        sent = body;
        return true;
      })
      .reply(200, [
        { id: leadId(1), success: true, errors: [] },
        { id: '003000000000001AAA', success: true, errors: [] },
      ]);
    const { connector } = testConnector();
    const recommended = {
      ...score(leadId(1), 72),
      probability: 0.41666,
      recommendation: 'Call this week: 1 demo request in the last 30 days',
    };
    await connector.writeScores([
      { crmId: leadId(1), objectType: 'Lead', score: recommended },
      { crmId: '003000000000001AAA', objectType: 'Contact', score: recommended },
    ]);
    for (const record of sent?.records ?? []) {
      expect(record).toMatchObject({
        LeadScore_Probability__c: 0.417,
        LeadScore_Recommendation__c: 'Call this week: 1 demo request in the last 30 days',
      });
    }
    expect(sent?.records.map((record) => record.attributes)).toEqual([{ type: 'Lead' }, { type: 'Contact' }]);
  });

  it('reports records that fail for good with their code, in input order, without retrying them', async () => {
    const ids = [leadId(1), leadId(2), leadId(3), leadId(4)];
    const scope = nock(instanceUrl)
      .patch(collectionsPath)
      .reply(200, fixture('collections-result-mixed.json'));
    const { connector } = testConnector({}, { writeRetries: 0 });
    const results = await connector.writeScores(
      ids.map((crmId) => ({ crmId, objectType: 'Lead', score: score(crmId) })),
    );
    expect(scope.isDone()).toBe(true);
    expect(results.map((result) => (result.ok ? 'ok' : result.code))).toEqual([
      'ok',
      'TEMPORARY',
      'NOT_FOUND',
      'INVALID_INPUT',
    ]);
  });

  it('splits 450 scores into Collections calls of at most 200', async () => {
    const sizes: number[] = [];
    nock(instanceUrl)
      .patch(collectionsPath)
      .times(3)
      .reply(200, async (raw: unknown) => {
        const records = (await asBody(raw)).records;
        sizes.push(records.length);
        return records.map((record) => ({ id: record.id, success: true, errors: [] }));
      });
    const { connector } = testConnector();
    const results = await connector.writeScores(
      Array.from({ length: 450 }, (_, i) => ({
        crmId: leadId(i),
        objectType: 'Lead' as const,
        score: score(leadId(i)),
      })),
    );
    expect(sizes).toEqual([200, 200, 50]);
    expect(results.filter((result) => result.ok)).toHaveLength(450);
  });
});

describe('Salesforce API limits', () => {
  it('maps 403 REQUEST_LIMIT_EXCEEDED to RATE_LIMITED with a wait until the next UTC day', async () => {
    nock(instanceUrl)
      .get(`${apiBase}/query`)
      .query(true)
      .reply(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    const { connector } = testConnector();
    const error = await collect(connector.syncLeads({ cursor: null })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', context: { vendorCode: 'REQUEST_LIMIT_EXCEEDED' } });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(86_400_000);
  });

  it('reports a rate-limited write per record with the wait instead of losing the batch', async () => {
    nock(instanceUrl)
      .patch(collectionsPath)
      .reply(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    const { connector } = testConnector();
    const results = await connector.writeScores([
      { crmId: leadId(1), objectType: 'Lead', score: score(leadId(1)) },
    ]);
    expect(results[0]).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(results[0]!.ok === false && results[0]!.retryAfterMs! > 0).toBe(true);
  });

  it('pauses the sync once usage passes the configured share of the daily limit', async () => {
    const limits = fixture<Record<string, Record<string, string>>>('limit-headers.json');
    const scope = nock(instanceUrl)
      .get(`${apiBase}/query`)
      .query(true)
      .reply(200, fixture('query-leads-page-1.json'), limits.over);
    const { connector } = testConnector(
      {},
      { maxApiUsageShare: 0.8, now: () => Date.parse('2026-03-01T23:00:00Z') },
    );
    const pages = connector.syncLeads({ cursor: null })[Symbol.asyncIterator]();
    expect((await pages.next()).value?.records).toHaveLength(3);
    await expect(pages.next()).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3_600_000 });
    expect(scope.isDone()).toBe(true);
    expect(connector.client.usage.latest).toEqual({ used: 4100, limit: 5000 });
  });

  it('keeps syncing while usage stays under the share', async () => {
    const limits = fixture<Record<string, Record<string, string>>>('limit-headers.json');
    nock(instanceUrl)
      .get(`${apiBase}/query`)
      .query(true)
      .reply(200, fixture('query-empty.json'), limits.under)
      .get(`${apiBase}/query`)
      .query(true)
      .reply(200, fixture('query-empty.json'), limits.under);
    const { connector } = testConnector();
    const pages = await collect(connector.syncLeads({ cursor: null }));
    expect(pages.at(-1)!.deletedCrmIds).toEqual([]);
    expect(connector.client.usage.latest).toEqual({ used: 18, limit: 5000 });
  });
});
