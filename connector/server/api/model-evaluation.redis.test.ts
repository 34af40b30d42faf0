import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { ScoreScale } from '../../../shared/scoring/score-scale.ts';
import {
  ModelsRepository,
  type ModelVersionMeta,
  type TestWindowExample,
} from '../../../shared/store/models.repository.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../../../test/store/store-test-support.ts';
import type { Caller } from '../auth/caller.ts';
import { type RunningApi, startApi } from './api-test-support.ts';

/**
 * A hand-made version on real Redis: a score scale with three calibration plateaus (half the training
 * population at 2%, 40% at 10%, the top tenth at 40%) and a 20-example test window whose calibration
 * bins and lift deciles are worked out by hand below.
 */
const redis = connectTestRedis();
const store = storeOn(redis);
const models = new ModelsRepository(redis);
const tenantId = uniqueTenantId() as TenantId;
const otherTenantId = uniqueTenantId() as TenantId;
const rep: Caller = { tenantId, userId: 'u-rep-1', role: 'rep', via: 'session' };
const stranger: Caller = { tenantId: otherTenantId, userId: 'u-2', role: 'admin', via: 'session' };
const DAY_MS = 86_400_000;
const START_MS = Date.parse('2026-06-01T00:00:00.000Z');

const cutPoints = [
  ...Array.from({ length: 50 }, () => 0.02),
  ...Array.from({ length: 40 }, () => 0.1),
  ...Array.from({ length: 10 }, () => 0.4),
];
const scale = ScoreScale.fromJSON({ kind: 'percentile-cut-points', cutPoints });

let counter = 0;
function examples(count: number, score: number, positives: number, segment = 'smb'): TestWindowExample[] {
  return Array.from({ length: count }, (_, index) => {
    counter += 1;
    return {
      leadId: `lead-${counter}`,
      segment,
      score,
      label: index < positives ? 1 : 0,
      snapshotAtMs: START_MS + (counter % 3) * 14 * DAY_MS,
      weight: 1,
    };
  });
}

const window: TestWindowExample[] = [
  ...examples(10, 25, 1), // probability 0.02 (plateau)
  ...examples(4, 50, 0), // between the 0.02 and 0.10 plateaus: 0.06
  ...examples(4, 70, 1), // 0.10 (plateau)
  ...examples(2, 95, 1), // 0.40 (plateau)
  ...examples(3, 95, 3, 'enterprise'),
];

const version = (segment: string): Omit<ModelVersionMeta, 'id' | 'tenantId'> => ({
  segment,
  createdAt: '2026-10-01T00:00:00.000Z',
  settingsVersion: 1,
  featureNames: ['f1'],
  params: {},
  calibrator: null,
  window: {
    train: { fromMs: 0, toMs: 1 },
    valid: { fromMs: 2, toMs: 3 },
    test: { fromMs: START_MS, toMs: START_MS + 28 * DAY_MS },
  },
  metrics: {},
  scale: scale.toJSON(),
});

let api: RunningApi;
let withWindow: string;
let withoutWindow: string;
let withoutScale: string;

beforeAll(async () => {
  // The hand-made scores are the ones the scale gives those probabilities.
  expect([0.02, 0.06, 0.1, 0.4].map((probability) => scale.scoreOf(probability))).toEqual([25, 50, 70, 95]);
  withWindow = (await models.create(tenantId, version('pooled'), 'tree', { testWindow: window })).id;
  withoutWindow = (await models.create(tenantId, version('smb'), 'tree')).id;
  withoutScale = (
    await models.create(tenantId, { ...version('mid'), scale: null }, 'tree', {
      testWindow: examples(10, 40, 2, 'mid'),
    })
  ).id;
  api = await startApi({ redis, store });
});

afterAll(async () => {
  await api?.close();
  await store.purgeTenant(tenantId);
  await redis.quit();
});

interface Evaluation {
  version: string;
  segment: string;
  segmentFilter: string | null;
  window: { from: string; to: string; examples: number; positives: number };
  baseRate: number | null;
  calibration: {
    bins: {
      from: number;
      to: number;
      examples: number;
      weight: number;
      positives: number;
      predicted: number | null;
      observed: number | null;
    }[];
    error: number | null;
  } | null;
  calibrationNote: string | null;
  lift: {
    decile: number;
    examples: number;
    positives: number;
    minScore: number | null;
    maxScore: number | null;
    conversionRate: number | null;
    lift: number | null;
  }[];
}

async function evaluation(path: string, caller: Caller = rep): Promise<{ status: number; body: unknown }> {
  const response = await api.call(caller, 'GET', path);
  return { status: response.status, body: await response.json() };
}

describe('GET /api/v1/models/:segment/champions', () => {
  it('lists the champion and the earlier champions a rollback would restore, newest first', async () => {
    const smb = async () => {
      const one = await models.create(tenantId, version('smb'), 'tree');
      return one.id;
    };
    const [first, second, third] = [await smb(), await smb(), await smb()];
    for (const id of [first, second, third]) await models.promote(tenantId, 'smb', id);
    const answer = await evaluation('/models/smb/champions');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ segment: 'smb', champion: third, earlier: [second, first] });
    await models.rollback(tenantId, 'smb');
    expect((await evaluation('/models/smb/champions')).body).toEqual({
      segment: 'smb',
      champion: second,
      earlier: [first],
    });
    expect((await evaluation('/models/pooled/champions')).body).toEqual({
      segment: 'pooled',
      champion: null,
      earlier: [],
    });
  });

  it("answers 404 for a segment the caller's settings do not have", async () => {
    const unknown = await evaluation('/models/b-small/champions');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('segment \\"b-small\\" is not in this tenant');
    // Another tenant sees its own (empty) history, never this one's.
    expect((await evaluation('/models/smb/champions', stranger)).body).toEqual({
      segment: 'smb',
      champion: null,
      earlier: [],
    });
  });
});

describe('GET /api/v1/models/:version/evaluation', () => {
  it("bins one segment's examples by predicted probability and splits them into score deciles", async () => {
    const { status, body } = await evaluation(`/models/${withWindow}/evaluation?segment=smb`);
    expect(status).toBe(200);
    const answer = body as Evaluation;
    expect(answer.version).toBe(withWindow);
    expect(answer.segment).toBe('pooled');
    expect(answer.segmentFilter).toBe('smb');
    expect(answer.window.examples).toBe(20);
    expect(answer.window.positives).toBe(3);
    expect(answer.window.from).toBe('2026-06-01T00:00:00.000Z');
    expect(answer.window.to).toBe('2026-06-29T00:00:00.000Z');
    expect(answer.baseRate).toBeCloseTo(0.15, 12);
    const bins = answer.calibration?.bins ?? [];
    expect(bins).toHaveLength(10);
    // [0, 0.1): ten at 0.02 and four at 0.06, one conversion.
    expect(bins[0]).toMatchObject({ from: 0, to: 0.1, examples: 14, weight: 14, positives: 1 });
    expect(bins[0]?.predicted).toBeCloseTo(0.44 / 14, 12);
    expect(bins[0]?.observed).toBeCloseTo(1 / 14, 12);
    // [0.1, 0.2): four at 0.10, one conversion.
    expect(bins[1]).toMatchObject({ examples: 4, positives: 1 });
    expect(bins[1]?.predicted).toBeCloseTo(0.1, 12);
    expect(bins[1]?.observed).toBeCloseTo(0.25, 12);
    // [0.4, 0.5): two at 0.40, one conversion.
    expect(bins[4]).toMatchObject({ examples: 2, positives: 1 });
    expect(bins[4]?.predicted).toBeCloseTo(0.4, 12);
    expect(bins[4]?.observed).toBeCloseTo(0.5, 12);
    for (const empty of [2, 3, 5, 6, 7, 8, 9]) {
      expect(bins[empty]).toMatchObject({ examples: 0, predicted: null, observed: null });
    }
    // 14/20·|0.44/14 − 1/14| + 4/20·|0.10 − 0.25| + 2/20·|0.40 − 0.50|
    expect(answer.calibration?.error).toBeCloseTo(0.028 + 0.03 + 0.01, 12);
    expect(answer.calibrationNote).toBeNull();

    // Two examples per decile: the two at 95; the four at 70 (one conversion) share deciles 2-3; the
    // four at 50 fill 4-5; the ten at 25 (one conversion) share deciles 6-10.
    const lift = answer.lift;
    expect(lift.map((decile) => decile.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const decile of lift) expect(decile.examples).toBeCloseTo(2, 12);
    const rates = [0.5, 0.25, 0.25, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.1];
    for (const [index, rate] of rates.entries()) {
      expect(lift[index]?.conversionRate).toBeCloseTo(rate, 12);
      expect(lift[index]?.lift).toBeCloseTo(rate / 0.15, 12);
    }
    expect(lift[1]?.positives).toBeCloseTo(0.5, 12);
    expect(lift.map((decile) => [decile.maxScore, decile.minScore])).toEqual([
      [95, 95],
      [70, 70],
      [70, 70],
      [50, 50],
      [50, 50],
      [25, 25],
      [25, 25],
      [25, 25],
      [25, 25],
      [25, 25],
    ]);
  });

  it('reads the whole window without a segment', async () => {
    const { status, body } = await evaluation(`/models/${withWindow}/evaluation`);
    expect(status).toBe(200);
    const answer = body as Evaluation;
    expect(answer.segmentFilter).toBeNull();
    expect(answer.window).toMatchObject({ examples: 23, positives: 6 });
    expect(answer.baseRate).toBeCloseTo(6 / 23, 12);
    expect(answer.calibration?.bins[4]).toMatchObject({ examples: 5, positives: 4 });
    // 2.3 examples per decile: the five at 95 (four conversions) fill deciles 1 and 2 and 0.4 of decile
    // 3, each share carrying 4/5 of a conversion per example; the four at 70 take the rest of decile 3.
    expect(answer.lift[0]?.examples).toBeCloseTo(2.3, 12);
    expect(answer.lift[0]?.positives).toBeCloseTo((2.3 * 4) / 5, 12);
    expect(answer.lift[0]?.conversionRate).toBeCloseTo(0.8, 12);
    expect(answer.lift[1]?.positives).toBeCloseTo((2.3 * 4) / 5, 12);
    expect(answer.lift[2]?.minScore).toBe(70);
    expect(answer.lift[2]?.maxScore).toBe(95);
  });

  it('answers 404 naming the problem for an unknown version, a version without a window, or another tenant', async () => {
    const unknown = await evaluation('/models/smb-v999/evaluation');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain(
      'model version \\"smb-v999\\" does not exist in this tenant',
    );
    const noWindow = await evaluation(`/models/${withoutWindow}/evaluation`);
    expect(noWindow.status).toBe(404);
    expect(JSON.stringify(noWindow.body)).toContain('trained before test windows were kept: retrain');
    const stranger404 = await evaluation(`/models/${withWindow}/evaluation`, stranger);
    expect(stranger404.status).toBe(404);
    const noSegment = await evaluation(`/models/${withWindow}/evaluation?segment=mid`);
    expect(noSegment.status).toBe(404);
    expect(JSON.stringify(noSegment.body)).toContain('holds no example of segment \\"mid\\"');
  });

  it('refuses a malformed version id with 400', async () => {
    const bad = await evaluation('/models/Not%20A%20Version/evaluation');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('must be a model version id such as smb-v3');
  });

  it('gives the lift but explains the missing calibration plot when the version has no score scale', async () => {
    const { status, body } = await evaluation(`/models/${withoutScale}/evaluation`);
    expect(status).toBe(200);
    const answer = body as Evaluation;
    expect(answer.calibration).toBeNull();
    expect(answer.calibrationNote).toContain('has no score scale');
    expect(answer.lift[0]?.conversionRate).toBeCloseTo(0.2, 12);
  });

  it('is in the OpenAPI document with its schemas', async () => {
    const response = await api.call(rep, 'GET', '/openapi.json');
    const document = (await response.json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(JSON.stringify(document.paths['/models/{segment}/champions'])).toContain(
      '#/components/schemas/SegmentChampions',
    );
  });

  it('is described with the evaluation schemas', async () => {
    const response = await api.call(rep, 'GET', '/openapi.json');
    const document = (await response.json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    const path = JSON.stringify(document.paths['/models/{version}/evaluation']);
    expect(path).toContain('#/components/schemas/ModelEvaluation');
    expect(path).toContain('"404"');
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['ModelEvaluation', 'CalibrationBin', 'LiftDecile']),
    );
  });
});
