import { afterAll, describe, expect, it } from 'vitest';
import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { ModelsRepository } from '../../shared/store/models.repository.ts';
import { connectTestRedis, scanNode, uniqueTenantId } from '../../test/store/store-test-support.ts';
import type { Calibrator } from '../engine/calibration/calibrator.ts';
import { buildModel, buildTree } from '../engine/io/model-builder.ts';
import { calibratedProbabilities } from './calibrated-model.ts';
import { type TestWindowSource, testWindowOf } from './test-window.ts';

/**
 * A one-split model (feature 0 ≤ 0.5 gives raw score −2, above it raw score 1) with an isotonic
 * calibrator on the raw score from 0.01 at −2 to 0.31 at 1, so the calibrated probability of a row is
 * 0.01 or 0.31, and a Platt calibrator whose output at raw −2 and 1 is worked out below.
 */
const model = buildModel(
  [buildTree({ feature: 0, threshold: 0.5, left: { value: -2, count: 3 }, right: { value: 1, count: 2 } })],
  1,
);
const isotonic: Calibrator = { kind: 'isotonic', input: 'raw_score', x: [-2, 1], y: [0.01, 0.31] };
const platt: Calibrator = { kind: 'platt', input: 'raw_score', slope: 0.5, intercept: -1 };
const scale = ScoreScale.fromJSON({
  kind: 'percentile-cut-points',
  cutPoints: Array.from({ length: 100 }, (_, index) => (index < 60 ? 0.01 : 0.31)),
});
const DAY_MS = 86_400_000;

function trained(calibrator: Calibrator): TestWindowSource {
  return {
    model,
    calibrator,
    test: {
      leadIds: ['00Q1', '00Q2', '00Q3', '00Q1', '00Q4'],
      labels: Float64Array.from([0, 1, 0, 1, 0]),
      snapshotTimes: Float64Array.from([0, 0, 14, 14, 14].map((day) => Date.UTC(2026, 5, 1) + day * DAY_MS)),
      weights: Float64Array.from([1, 1, 2, 1, 2]),
      values: Float64Array.from([0.1, 0.9, 0.2, 0.7, Number.NaN]),
    },
  };
}

const redis = connectTestRedis();
const tenantId = uniqueTenantId();

afterAll(async () => {
  const keys = await scanNode(redis, tenantKeys(tenantId).pattern);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('the test window a trained model keeps', () => {
  it("carries each example's calibrated probability, the one the model gives, and the score it maps to", () => {
    const source = trained(isotonic);
    const window = testWindowOf(source, scale.toJSON(), (leadId) => (leadId === '00Q4' ? 'mid' : 'smb'));
    // The missing value of the last row goes left (LightGBM's default for a numerical split).
    expect(window?.map((example) => example.probability)).toEqual([0.01, 0.31, 0.01, 0.31, 0.01]);
    expect(window?.map((example) => example.probability)).toEqual([
      ...calibratedProbabilities(model, isotonic, source.test.values),
    ]);
    expect(window?.map((example) => example.score)).toEqual(
      [0.01, 0.31, 0.01, 0.31, 0.01].map((probability) => scale.scoreOf(probability)),
    );
    expect(window?.[4]).toEqual({
      leadId: '00Q4',
      segment: 'mid',
      score: scale.scoreOf(0.01),
      label: 0,
      snapshotAtMs: Date.UTC(2026, 5, 15),
      weight: 2,
      probability: 0.01,
    });
    const sigmoid = (raw: number) => 1 / (1 + Math.exp(-(0.5 * raw - 1)));
    const plattWindow = testWindowOf(trained(platt), scale.toJSON(), () => 'smb');
    for (const [row, raw] of [-2, 1, -2, 1, -2].entries())
      expect(plattWindow?.[row]?.probability).toBeCloseTo(sigmoid(raw), 12);
  });

  it('is saved with the version and read back with those probabilities at float32 precision', async () => {
    const window = testWindowOf(trained(isotonic), scale.toJSON(), () => 'smb') ?? [];
    const models = new ModelsRepository(redis);
    const saved = await models.create(
      tenantId,
      {
        segment: 'smb',
        createdAt: '2026-07-01T00:00:00.000Z',
        settingsVersion: 1,
        featureNames: ['f0'],
        params: {},
        calibrator: isotonic,
        window: {
          train: { fromMs: 0, toMs: 1 },
          valid: { fromMs: 2, toMs: 3 },
          test: { fromMs: 4, toMs: 5 },
        },
        metrics: {},
        scale: scale.toJSON(),
      },
      'tree',
      { testWindow: window },
    );
    const read = await models.testWindow(tenantId, saved.id);
    expect(read?.map((example) => example.probability)).toEqual(
      window.map((example) => Math.fround(example.probability ?? Number.NaN)),
    );
    expect(read?.map(({ probability: _read, ...rest }) => rest)).toEqual(
      window.map(({ probability: _kept, ...rest }) => rest),
    );
  });

  it('is not kept without a score scale, as before', () => {
    expect(testWindowOf(trained(isotonic), null, () => 'smb')).toBeUndefined();
    expect(testWindowOf(trained(isotonic), { kind: 'other' }, () => 'smb')).toBeUndefined();
  });
});
