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
 * Hand-made versions on real Redis: a score scale with three calibration plateaus (half the training
 * population at 2%, 40% at 10%, the top tenth at 40%), a 23-example test window saved without
 * probabilities (as windows were before they were kept), and a 40-example window saved with them.
 * Their calibration bins and lift deciles are worked out by hand below.
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

/**
 * A window that kept its probabilities: 40 examples give 4 target bins; ties stay together, each group
 * in the bin of its middle rank (⌊4 · middle / 40⌋): 0.01 ×8 (middle rank 4, bin 0), 0.02 ×6 (11, bin
 * 1), 0.03 ×12 (20, bin 2), 0.05 ×4 (28, bin 2), 0.08 ×6 (33, bin 3), 0.2 ×4 (38, bin 3).
 */
const storedGroups: [probability: number, count: number, positives: number][] = [
  [0.01, 8, 0],
  [0.02, 6, 0],
  [0.03, 12, 1],
  [0.05, 4, 0],
  [0.08, 6, 1],
  [0.2, 4, 2],
];
const storedWindow: TestWindowExample[] = storedGroups.flatMap(([probability, count, positives]) =>
  examples(count, scale.scoreOf(probability), positives, 'mid').map((example) => ({
    ...example,
    probability,
  })),
);

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
let withProbabilities: string;
let withProbabilitiesNoScale: string;

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
  withProbabilities = (await models.create(tenantId, version('mid'), 'tree', { testWindow: storedWindow }))
    .id;
  withProbabilitiesNoScale = (
    await models.create(tenantId, { ...version('mid'), scale: null }, 'tree', { testWindow: storedWindow })
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
      predicted: number;
      observed: number;
    }[];
    error: number | null;
    probabilities: 'stored' | 'score-scale';
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
  it('bins a window that kept its probabilities into equal-count bins, never splitting tied predictions', async () => {
    for (const id of [withProbabilities, withProbabilitiesNoScale]) {
      const { status, body } = await evaluation(`/models/${id}/evaluation`);
      expect(status).toBe(200);
      const answer = body as Evaluation;
      expect(answer.calibrationNote).toBeNull();
      expect(answer.calibration?.probabilities).toBe('stored');
      const bins = answer.calibration?.bins ?? [];
      expect(bins.map((bin) => [bin.examples, bin.weight, bin.positives])).toEqual([
        [8, 8, 0],
        [6, 6, 0],
        [16, 16, 1],
        [10, 10, 3],
      ]);
      // float32 storage: exact to about 7 significant digits.
      const expected = [
        { from: 0.01, to: 0.01, predicted: 0.01, observed: 0 },
        { from: 0.02, to: 0.02, predicted: 0.02, observed: 0 },
        { from: 0.03, to: 0.05, predicted: (12 * 0.03 + 4 * 0.05) / 16, observed: 1 / 16 },
        { from: 0.08, to: 0.2, predicted: (6 * 0.08 + 4 * 0.2) / 10, observed: 0.3 },
      ];
      for (const [index, bin] of expected.entries()) {
        for (const field of ['from', 'to', 'predicted', 'observed'] as const)
          expect(bins[index]?.[field]).toBeCloseTo(bin[field], 7);
      }
      // 8/40·0.01 + 6/40·0.02 + 16/40·|0.035 − 0.0625| + 10/40·|0.128 − 0.3|
      expect(answer.calibration?.error).toBeCloseTo(0.002 + 0.003 + 0.011 + 0.043, 7);
    }
  });

  it('reads an old window without probabilities back through the score scale, in equal-count bins', async () => {
    const { status, body } = await evaluation(`/models/${withWindow}/evaluation?segment=smb`);
    expect(status).toBe(200);
    const answer = body as Evaluation;
    expect(answer.calibration?.probabilities).toBe('score-scale');
    // 20 examples give 2 target bins: 0.02 ×10 (middle rank 5, bin 0), then 0.06 ×4 (12), 0.10 ×4 (16)
    // and 0.40 ×2 (19), all in bin 1.
    const bins = answer.calibration?.bins ?? [];
    expect(bins.map((bin) => [bin.examples, bin.positives])).toEqual([
      [10, 1],
      [10, 2],
    ]);
    expect(bins[0]).toMatchObject({ from: 0.02, to: 0.02 });
    expect(bins[0]?.predicted).toBeCloseTo(0.02, 12);
    expect(bins[0]?.observed).toBeCloseTo(0.1, 12);
    expect(bins[1]?.from).toBeCloseTo(0.06, 12);
    expect(bins[1]?.to).toBeCloseTo(0.4, 12);
    expect(bins[1]?.predicted).toBeCloseTo((4 * 0.06 + 4 * 0.1 + 2 * 0.4) / 10, 12);
    expect(bins[1]?.observed).toBeCloseTo(0.2, 12);
    // ½·|0.02 − 0.1| + ½·|0.144 − 0.2|
    expect(answer.calibration?.error).toBeCloseTo(0.04 + 0.028, 12);
  });

  it("splits one segment's examples into score deciles", async () => {
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
    // 23 examples, 2 target bins: the ten at 0.02 (middle rank 5), then the rest (middle ranks 12 to 20.5).
    expect(answer.calibration?.bins.map((bin) => [bin.examples, bin.positives])).toEqual([
      [10, 1],
      [13, 5],
    ]);
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
    expect(answer.calibrationNote).toContain(
      'kept no probabilities with its test window and has no score scale to read them from',
    );
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
