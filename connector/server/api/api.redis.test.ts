import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '../../../shared/schemas/common.ts';
import type { ScoreRecord } from '../../../shared/schemas/score.ts';
import { defaultSettings } from '../../../shared/schemas/settings.ts';
import { ModelsRepository } from '../../../shared/store/models.repository.ts';
import { ScoresRepository } from '../../../shared/store/scores.repository.ts';
import { makeScore } from '../../../test/store/scoring-test-support.ts';
import {
  connectTestRedis,
  makeLead,
  storeOn,
  uniqueTenantId,
} from '../../../test/store/store-test-support.ts';
import { leadIdFor } from '../../providers/hubspot/hubspot-mappers.ts';
import type { Caller } from '../auth/caller.ts';
import {
  type RecordingJobQueue,
  type RunningApi,
  seedScoredTenant,
  startApi,
  uniqueHubspotTenantId,
} from './api-test-support.ts';

/**
 * The API on real Redis over a tenant the pipeline itself filled: generated leads stored, models
 * trained (champions with their test windows), every open lead scored.
 */
const redis = connectTestRedis();
const store = storeOn(redis);
const scoresRepository = new ScoresRepository(redis);
const models = new ModelsRepository(redis);
const tenantId = uniqueTenantId() as TenantId;
const admin: Caller = { tenantId, userId: 'u-admin-1', role: 'admin', via: 'session' };
const rep: Caller = { tenantId, userId: 'u-rep-1', role: 'rep', via: 'session' };
const WEEK_MS = 7 * 86_400_000;
let api: RunningApi;
let scores: Map<string, ScoreRecord>;

beforeAll(async () => {
  const { leads } = await seedScoredTenant({ redis, store, tenantId, leads: 5_000, seed: 31 });
  scores = await scoresRepository.get(
    tenantId,
    leads.map((lead) => lead.id),
  );
  api = await startApi({ redis, store });
}, 240_000);

afterAll(async () => {
  await api?.close();
  await store.purgeTenant(tenantId);
  await redis.quit();
});

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('GET /api/v1/records/:leadId', () => {
  it('answers the stored score, its five factors with their text, other, recommendation and history', async () => {
    const scored = [...scores.values()].filter((score) => score.factors.length === 5);
    expect(scored.length).toBeGreaterThan(100);
    for (const stored of scored.slice(0, 5)) {
      const response = await api.call(rep, 'GET', `/records/${stored.leadId}`);
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body.score).toBe(stored.score);
      expect(body.tier).toBe(stored.tier);
      expect(body.probability).toBe(stored.probability);
      expect(body.baseline).toBe(stored.baseline);
      expect(body.recommendation).toBe(stored.recommendation);
      const factors = body.factors as { featureId: string; label: string; points: number; text: string }[];
      expect(factors.map(({ featureId, label, points }) => ({ featureId, label, points }))).toEqual(
        stored.factors,
      );
      for (const factor of factors) {
        const sign = factor.points > 0 ? '+' : '';
        expect(factor.text).toBe(`${sign}${factor.points} · ${factor.label}`);
      }
      const other = body.other as { points: number; text: string };
      expect(other.points).toBe(stored.otherPoints);
      expect(stored.baseline + factors.reduce((sum, factor) => sum + factor.points, 0) + other.points).toBe(
        stored.score,
      );
      const segment = defaultSettings().segments.find((one) => one.id === stored.segment);
      expect(body.segment).toEqual({
        id: stored.segment,
        name: segment?.name,
        hotThreshold: segment?.hotThreshold,
        warmThreshold: segment?.warmThreshold,
      });
      const history = await scoresRepository.history(tenantId, stored.leadId);
      expect(history.length).toBeGreaterThan(0);
      expect(body.history).toEqual(history);
      expect((body.history as { score: number }[])[0]?.score).toBe(stored.score);
      const version = await models.get(tenantId, stored.modelVersion);
      const model = body.model as { version: string; trainedAt: string; ageDays: number; source: string };
      expect(model.version).toBe(stored.modelVersion);
      expect(model.source).toBe(stored.source);
      expect(model.trainedAt).toBe(version?.meta.createdAt);
      expect((body.dataSufficiency as { mode: string }).mode).toBe('model');
      expect(body.holdout).toBe(false);
    }
  });

  it('answers 404 naming the lead for an unknown id and 400 naming the field for an impossible one', async () => {
    const unknown = await api.call(rep, 'GET', '/records/00Q000000000NOPE');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(await json(unknown))).toContain('00Q000000000NOPE');
    const bad = await api.call(rep, 'GET', `/records/${encodeURIComponent('a b*')}`);
    expect(bad.status).toBe(400);
    const body = (await json(bad)).error as { problems: { field: string }[] };
    expect(body.problems.map((problem) => problem.field)).toEqual(['path.leadId']);
  });

  it('finds the lead by its CRM id too', async () => {
    const stored = [...scores.values()][0];
    const response = await api.call(rep, 'GET', `/records?crmId=${stored?.leadId}`);
    expect(response.status).toBe(200);
    expect((await json(response)).score).toBe(stored?.score);
  });
});

describe('GET /api/v1/records?crmId= on a HubSpot tenant', () => {
  it("maps the card's contact id to the lead id the sync gives the contact", async () => {
    const hubspot = uniqueHubspotTenantId();
    const leadId = leadIdFor(hubspot, '7071');
    const stored = await store.leads.upsertMany(hubspot, [
      makeLead(hubspot, leadId, {
        crmId: '7071',
        objectType: 'contact',
        email: 'c7071@acme.com',
        accountKey: null,
      }),
    ]);
    expect(stored.written).toBe(1);
    await scoresRepository.put(hubspot, [makeScore(leadId, { score: 30 })]);
    try {
      const caller: Caller = { tenantId: hubspot, userId: '55', role: 'rep', via: 'hubspot-fetch' };
      // The card signs its URL with the portal id in it: a parameter the route does not read.
      const response = await api.call(caller, 'GET', `/records?crmId=7071&portalId=${hubspot.slice(3)}`);
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body).toMatchObject({ leadId, crmId: '7071', score: 30, tier: 'cold' });
      expect((body.other as { text: string }).text).toBe('-16 · Other factors');
      // The contact id alone is not a lead id of the store.
      expect((await api.call(caller, 'GET', '/records/7071')).status).toBe(404);
    } finally {
      await store.purgeTenant(hubspot);
    }
  });
});

describe('settings', () => {
  const changed = () => {
    const settings = defaultSettings();
    return {
      ...settings,
      segments: settings.segments.map((segment) =>
        segment.id === 'smb' ? { ...segment, hotThreshold: 70, warmThreshold: 40 } : segment,
      ),
    };
  };

  it('reads the defaults as version 0 for any user', async () => {
    const response = await api.call(rep, 'GET', '/settings');
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.version).toBe(0);
    expect(body.settings).toEqual(defaultSettings());
  });

  it('refuses a change from a rep with 403 and stores nothing', async () => {
    const response = await api.call(rep, 'PUT', '/settings', { expectedVersion: 0, settings: changed() });
    expect(response.status).toBe(403);
    expect((await json(await api.call(rep, 'GET', '/settings'))).version).toBe(0);
  });

  it('names every bad field and how to fix it', async () => {
    const settings = defaultSettings();
    const bad = {
      ...settings,
      horizonDays: 3,
      segments: settings.segments.map((segment) =>
        segment.id === 'enterprise' ? { ...segment, hotThreshold: 150 } : segment,
      ),
    };
    const response = await api.call(admin, 'PUT', '/settings', { expectedVersion: 0, settings: bad });
    expect(response.status).toBe(400);
    const { problems, message } = (await json(response)).error as {
      problems: { field: string; message: string }[];
      message: string;
    };
    expect(problems.map((problem) => problem.field).sort()).toEqual([
      'settings.horizonDays',
      'settings.segments[enterprise].hotThreshold',
    ]);
    expect(message).toContain('between 0 and 100');
    expect(message).toContain('between 7 and 730 days');
    const missing = await api.call(admin, 'PUT', '/settings', { settings: changed() });
    expect(missing.status).toBe(400);
    expect(((await json(missing)).error as { problems: { field: string }[] }).problems[0]?.field).toBe(
      'body.expectedVersion',
    );
  });

  it('saves an admin change, audits who, when and the diff, rescores, and refuses a stale version with 409', async () => {
    const response = await api.call(admin, 'PUT', '/settings', { expectedVersion: 0, settings: changed() });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.version).toBe(1);
    expect(body.rescoringQueued).toBe(true);
    const expectedChanges = [
      { path: 'segments.smb.hotThreshold', from: 80, to: 70 },
      { path: 'segments.smb.warmThreshold', from: 50, to: 40 },
    ];
    expect(body.changes).toEqual(expectedChanges);
    const audit = await json(await api.call(rep, 'GET', '/settings/audit'));
    const entries = audit.entries as { userId: string; version: number; at: string; changes: unknown }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      userId: 'u-admin-1',
      version: 1,
      previousVersion: 0,
      changes: expectedChanges,
    });
    expect(Date.parse(entries[0]?.at ?? '')).toBe(api.deps.now());
    const jobs = (api.queues as RecordingJobQueue).jobs.filter((job) => job.queue === 'score');
    expect(jobs.map((job) => job.payload)).toEqual([{ tenantId, leadIds: [], after: 'settings-v1' }]);

    const stale = await api.call(admin, 'PUT', '/settings', {
      expectedVersion: 0,
      settings: defaultSettings(),
    });
    expect(stale.status).toBe(409);
    expect(((await json(stale)).error as { message: string }).message).toContain('now version 1');
    expect((await json(await api.call(rep, 'GET', '/settings'))).version).toBe(1);
    const record = await json(
      await api.call(rep, 'GET', `/records/${[...scores.values()].find((s) => s.segment === 'smb')?.leadId}`),
    );
    expect((record.segment as { hotThreshold: number }).hotThreshold).toBe(70);
  });
});

describe('concurrent settings changes', () => {
  it('saves one of two admins editing the same version and answers the other 409', async () => {
    const current = await json(await api.call(rep, 'GET', '/settings'));
    const version = current.version as number;
    const edit = (horizonDays: number) => ({
      expectedVersion: version,
      settings: { ...(current.settings as object), horizonDays },
    });
    const [one, two] = await Promise.all([
      api.call(admin, 'PUT', '/settings', edit(60)),
      api.call({ ...admin, userId: 'u-admin-2' }, 'PUT', '/settings', edit(120)),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 409]);
    const after = await json(await api.call(rep, 'GET', '/settings'));
    expect(after.version).toBe(version + 1);
    const entries = (await json(await api.call(rep, 'GET', '/settings/audit'))).entries as {
      version: number;
    }[];
    expect(entries.filter((entry) => entry.version === version + 1)).toHaveLength(1);
    // Only the horizon changed: tiers stay, no scoring pass is asked for.
    expect((await json(one.status === 200 ? one : two)).rescoringQueued).toBe(false);
  });
});

describe('POST /api/v1/settings/preview', () => {
  it('gives precision, recall and distinct leads per week equal to those recomputed from the stored test window', async () => {
    const candidates = [
      { segmentId: 'smb', hotThreshold: 75, warmThreshold: 45 },
      { segmentId: 'enterprise', hotThreshold: 85, warmThreshold: 60 },
    ];
    const response = await api.call(rep, 'POST', '/settings/preview', { segments: candidates });
    expect(response.status).toBe(200);
    const body = (await json(response)).segments as {
      segmentId: string;
      modelVersion: string;
      window: { weeks: number; examples: number };
      hot: { leadsPerWeek: number; precision: number; recall: number };
      warm: { leadsPerWeek: number; precision: number; recall: number };
    }[];
    expect(body).toHaveLength(2);
    for (const [index, candidate] of candidates.entries()) {
      const answer = body[index];
      const champion =
        (await models.champion(tenantId, candidate.segmentId)) ?? (await models.champion(tenantId, 'pooled'));
      expect(answer?.modelVersion).toBe(champion);
      const window = ((await models.testWindow(tenantId, champion ?? '')) ?? []).filter(
        (example) => example.segment === candidate.segmentId,
      );
      expect(window.length).toBeGreaterThan(200);
      expect(answer?.window.examples).toBe(window.length);
      // Unsampled data: every example weighs 1, so plain counts are the weighted ones.
      expect(window.every((example) => example.weight === 1)).toBe(true);
      const times = [...new Set(window.map((example) => example.snapshotAtMs))].sort((a, b) => a - b);
      expect(times.length).toBeGreaterThan(1);
      // The snapshot grid is 14 days: the window spans its first to last time plus one interval.
      const weeks = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / WEEK_MS + 2;
      expect(answer?.window.weeks).toBeCloseTo(weeks, 9);
      for (const [name, threshold] of [
        ['hot', candidate.hotThreshold],
        ['warm', candidate.warmThreshold],
      ] as const) {
        let above = 0;
        let truePositives = 0;
        let positives = 0;
        const leads = new Set<string>();
        for (const example of window) {
          if (example.label === 1) positives += 1;
          if (example.score < threshold) continue;
          above += 1;
          leads.add(example.leadId);
          if (example.label === 1) truePositives += 1;
        }
        expect(above).toBeGreaterThan(0);
        expect(truePositives).toBeGreaterThan(0);
        const outcome = answer?.[name];
        expect(outcome?.precision).toBeCloseTo(truePositives / above, 12);
        expect(outcome?.recall).toBeCloseTo(truePositives / positives, 12);
        expect(outcome?.leadsPerWeek).toBeCloseTo(leads.size / weeks, 9);
      }
    }
    // A higher threshold keeps fewer leads and recalls less.
    expect(body[0]?.hot.leadsPerWeek).toBeLessThan(body[0]?.warm.leadsPerWeek ?? 0);
    expect(body[0]?.hot.recall).toBeLessThan(body[0]?.warm.recall ?? 0);
  });

  it('refuses a warm threshold above the hot one, and an unknown segment', async () => {
    const bad = await api.call(rep, 'POST', '/settings/preview', {
      segments: [{ segmentId: 'smb', hotThreshold: 50, warmThreshold: 60 }],
    });
    expect(bad.status).toBe(400);
    expect(((await json(bad)).error as { problems: { field: string }[] }).problems[0]?.field).toBe(
      'body.segments.0.warmThreshold',
    );
    const unknown = await api.call(rep, 'POST', '/settings/preview', {
      segments: [{ segmentId: 'nowhere', hotThreshold: 60, warmThreshold: 50 }],
    });
    expect(unknown.status).toBe(404);
  });
});

describe('models and sync', () => {
  it('lists versions with metrics and the champion of each segment', async () => {
    const body = await json(await api.call(rep, 'GET', '/models'));
    const versions = body.versions as {
      id: string;
      champion: boolean;
      metrics: { rocAuc: number; testRows: number };
    }[];
    const stored = await models.list(tenantId);
    expect(versions.map((version) => version.id)).toEqual(stored.map((meta) => meta.id));
    for (const version of versions) {
      expect(version.metrics.rocAuc).toBeGreaterThan(0.6);
      expect(version.metrics.testRows).toBeGreaterThan(0);
    }
    const champions = body.champions as Record<string, string>;
    for (const [segment, id] of Object.entries(champions))
      expect(await models.champion(tenantId, segment)).toBe(id);
  });

  it('queues a manual training for an admin only, and refuses a rollback without an earlier champion', async () => {
    expect((await api.call(rep, 'POST', '/models/retrain')).status).toBe(403);
    const response = await api.call(admin, 'POST', '/models/retrain');
    expect(response.status).toBe(200);
    const jobs = (api.queues as RecordingJobQueue).jobs.filter((job) => job.queue === 'train');
    expect(jobs.map((job) => job.payload)).toEqual([{ tenantId, reason: 'manual' }]);
    const champions = (await json(await api.call(rep, 'GET', '/models'))).champions as Record<string, string>;
    const segment = Object.keys(champions)[0] ?? '';
    expect((await api.call(admin, 'POST', `/models/${segment}/rollback`)).status).toBe(409);
    expect((await api.call(admin, 'POST', '/models/nowhere/rollback')).status).toBe(404);
  });

  it('counts leads, activities, outcomes and scores as stored', async () => {
    const body = await json(await api.call(rep, 'GET', '/sync'));
    const counts = body.counts as { leads: number; scores: number; activities: number; outcomes: number };
    expect(counts.leads).toBe(await store.leads.count(tenantId));
    expect(counts.scores).toBe(scores.size);
    expect(counts.activities).toBeGreaterThan(counts.leads);
    expect(counts.outcomes).toBeGreaterThan(0);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route, with every schema reference resolving', async () => {
    const document = await json(await api.call(null, 'GET', '/openapi.json'));
    expect(document.openapi).toBe('3.1.0');
    const paths = document.paths as Record<string, Record<string, unknown>>;
    const { apiRoutes } = await import('./api-router.ts');
    const routes = apiRoutes(api.deps);
    // 14 operations on 13 paths: /settings is read and changed.
    expect(routes.length).toBe(14);
    expect(Object.keys(paths)).toHaveLength(13);
    for (const route of routes) expect(paths[route.path]?.[route.method]).toBeDefined();
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    const references = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(references.length).toBeGreaterThan(20);
    for (const reference of references) {
      const name = reference.replace(/^"\$ref":"#\/components\/schemas\//, '').replace(/"$/, '');
      expect(schemas[name], reference).toBeDefined();
    }
    expect(JSON.stringify(paths['/settings/preview'])).toContain('#/components/schemas/ThresholdPreview');
    for (const [path, operations] of Object.entries(paths)) {
      const declared = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(operations) as {
        parameters?: { name: string; in: string; required?: boolean }[];
        responses: Record<string, unknown>;
      }[]) {
        const inPath = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
        expect(inPath.map((parameter) => parameter.name)).toEqual(declared);
        expect(inPath.every((parameter) => parameter.required === true)).toBe(true);
        expect(Object.keys(operation.responses)).toContain('200');
        expect(Object.keys(operation.responses)).toContain('400');
      }
    }
  });
});

describe('malformed input on every route', () => {
  it('never answers 500 or shows a stack, whatever the ids, queries and bodies', async () => {
    const { apiRoutes } = await import('./api-router.ts');
    const ids = ['%00', '..', 'x'.repeat(600), '%7B%7D', 'a%20b', '-1', 'hs:1:contact:1', '%F0%9F%8D%B0'];
    const bodies: unknown[] = [
      '[]',
      'null',
      '"text"',
      '{"segments":"x"}',
      '{"segments":[{"segmentId":"smb","hotThreshold":"80","warmThreshold":null}]}',
      '{"expectedVersion":-1,"settings":[]}',
      '{"expectedVersion":1e309,"settings":{"segments":[{}]}}',
      `${'['.repeat(500)}${']'.repeat(500)}`,
      '{"__proto__":{"admin":true}}',
    ];
    let calls = 0;
    for (const route of apiRoutes(api.deps)) {
      for (const [index, id] of ids.entries()) {
        const path = route.path.replace(/\{[A-Za-z]+\}/g, id);
        const query = `?leadId=${id}&crmId=${id}`;
        const body =
          route.method === 'get' || route.method === 'delete' ? undefined : bodies[index % bodies.length];
        const response = await api.call(admin, route.method.toUpperCase(), `${path}${query}`, body);
        calls += 1;
        const text = await response.text();
        expect(response.status, `${route.method} ${path}`).not.toBe(500);
        expect(text).not.toMatch(/\.ts:\d+|node_modules/);
        expect(() => JSON.parse(text)).not.toThrow();
      }
    }
    expect(calls).toBe(14 * ids.length);
  });
});

describe('bad requests', () => {
  it('answers an unknown API path with a JSON 404 pointing at the document', async () => {
    const response = await api.call(rep, 'GET', '/nowhere');
    expect(response.status).toBe(404);
    expect(((await json(response)).error as { message: string }).message).toContain('/api/v1/openapi.json');
  });

  it('answers 413 for a body over 100 kB and 400 for malformed JSON, without a stack', async () => {
    const large = await api.call(admin, 'PUT', '/settings', JSON.stringify({ pad: 'x'.repeat(200_000) }));
    expect(large.status).toBe(413);
    const malformed = await api.call(admin, 'PUT', '/settings', '{"expectedVersion": 0,');
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect(text).toContain('not valid JSON');
  });
});
