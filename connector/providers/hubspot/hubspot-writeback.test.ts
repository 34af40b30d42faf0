import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import { batchObjectsResponseSchema, batchUpdateRequestSchema } from '../../../fixtures/hubspot/schemas.ts';
import type { ScoreWrite } from '../../../shared/crm-connector.ts';
import { apiBase, testScore, unthrottledConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const stamp = { startedAt: '2026-02-05T10:00:00.000Z', completedAt: '2026-02-05T10:00:00.200Z' };

function writes(count: number): ScoreWrite[] {
  return Array.from({ length: count }, (_, i) => ({
    crmId: String(1000 + i),
    objectType: 'contact',
    score: testScore(`hs:2431623:contact:${1000 + i}`, i % 101),
  }));
}

/**
 * A batch-update endpoint that fails the ids in `failOnce` on their first attempt with `category`,
 * answers 400 for any batch holding an id in `invalid`, and counts successful writes per id.
 */
function serveBatchUpdate(options: {
  failOnce?: string[];
  failAlways?: string[];
  invalid?: string[];
  category: string;
}) {
  const failOnce = new Set(options.failOnce ?? []);
  const written = new Map<string, number>();
  const batches: string[][] = [];
  nock(apiBase)
    .post('/crm/v3/objects/contacts/batch/update')
    .reply(async (request: Request) => {
      const body = batchUpdateRequestSchema.parse(await request.json());
      const ids = body.inputs.map((input) => input.id);
      batches.push(ids);
      if (ids.some((id) => options.invalid?.includes(id))) {
        const fixture = loadHubspotFixture<{ body: object }>('errors/400-validation-error.json');
        return [400, fixture.body];
      }
      const failed = ids.filter((id) => failOnce.delete(id) || options.failAlways?.includes(id));
      const results = ids
        .filter((id) => !failed.includes(id))
        .map((id) => {
          written.set(id, (written.get(id) ?? 0) + 1);
          return {
            id,
            properties: body.inputs.find((input) => input.id === id)?.properties ?? {},
            ...timestamps,
          };
        });
      const response =
        failed.length === 0
          ? { status: 'COMPLETE', results, ...stamp }
          : {
              status: 'COMPLETE',
              results,
              numErrors: 1,
              errors: [
                {
                  status: 'error',
                  category: options.category,
                  message: 'could not update',
                  context: { ids: failed },
                },
              ],
              ...stamp,
            };
      batchObjectsResponseSchema.parse(response);
      return [failed.length === 0 ? 200 : 207, response];
    })
    .persist();
  return { written, batches };
}

const timestamps = {
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-02-05T10:00:00.000Z',
  archived: false,
};

describe('HubSpot score write-back', () => {
  it('retries only the 3 records a 207 failed, and writes all 200 exactly once', async () => {
    const failing = ['1007', '1042', '1163'];
    const { written, batches } = serveBatchUpdate({ failOnce: failing, category: 'INTERNAL_ERROR' });
    const results = await unthrottledConnector().writeScores(writes(200));
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 3]);
    expect(batches[2].sort()).toEqual(failing);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(written.size).toBe(200);
    expect([...written.values()].every((count) => count === 1)).toBe(true);
  });

  it('reports records HubSpot cannot find without retrying them', async () => {
    const { batches } = serveBatchUpdate({ failAlways: ['1003'], category: 'OBJECT_NOT_FOUND' });
    const results = await unthrottledConnector().writeScores(writes(5));
    expect(batches).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([
      {
        crmId: '1003',
        ok: false,
        code: 'NOT_FOUND',
        message: 'could not update',
      },
    ]);
  });

  it('isolates the one record that makes HubSpot refuse a whole batch and writes the others', async () => {
    const { written } = serveBatchUpdate({ invalid: ['1013'], category: 'VALIDATION_ERROR' });
    const results = await unthrottledConnector().writeScores(writes(100));
    const failed = results.filter((result) => !result.ok);
    expect(failed.map((result) => [result.crmId, result.ok ? '' : result.code])).toEqual([
      ['1013', 'INVALID_INPUT'],
    ]);
    expect(written.size).toBe(99);
    expect([...written.values()].every((count) => count === 1)).toBe(true);
  });

  it('writes the manifest properties with epoch-millisecond dates and signed factor points', async () => {
    let sent: Record<string, string> = {};
    nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(async (request: Request) => {
        const body = batchUpdateRequestSchema.parse(await request.json());
        sent = body.inputs[0].properties;
        return [
          200,
          { status: 'COMPLETE', results: [{ id: '1000', properties: {}, ...timestamps }], ...stamp },
        ];
      });
    await unthrottledConnector().writeScores(writes(1));
    expect(sent).toEqual({
      leadscore_score: '0',
      leadscore_tier: 'hot',
      leadscore_factor_1: 'Viewed pricing 3 times (+12.3)',
      leadscore_factor_2: '',
      leadscore_factor_3: '',
      leadscore_factor_4: '',
      leadscore_factor_5: '',
      leadscore_model_version: 'm-2026-02-01',
      leadscore_scored_at: String(Date.UTC(2026, 1, 5, 10)),
      leadscore_probability: '0.4',
      // No recommendation with this score: the property is cleared rather than left stale.
      leadscore_recommendation: '',
    });
  });

  it('writes the probability rounded to three decimals and the recommendation line', async () => {
    let sent: Record<string, string> = {};
    nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(async (request: Request) => {
        const body = batchUpdateRequestSchema.parse(await request.json());
        sent = body.inputs[0].properties;
        return [
          200,
          { status: 'COMPLETE', results: [{ id: '1000', properties: {}, ...timestamps }], ...stamp },
        ];
      });
    const [write] = writes(1);
    if (write === undefined) throw new Error('no write');
    write.score = {
      ...write.score,
      probability: 0.416666,
      recommendation: 'Send pricing follow-up: 3 pricing-page views in the last 30 days',
    };
    await unthrottledConnector().writeScores([write]);
    expect(sent.leadscore_probability).toBe('0.417');
    expect(sent.leadscore_recommendation).toBe(
      'Send pricing follow-up: 3 pricing-page views in the last 30 days',
    );
  });

  it('answers an invalid score without sending it', async () => {
    const { batches } = serveBatchUpdate({ category: 'VALIDATION_ERROR' });
    const bad = writes(1);
    bad[0].score = { ...bad[0].score, score: 140 };
    const results = await unthrottledConnector().writeScores(bad);
    expect(batches).toHaveLength(0);
    expect(results[0]).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });
});
