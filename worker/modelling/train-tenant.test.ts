import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { parseCalibrator } from '../engine/calibration/calibrator.ts';
import { parseLightGbmModel } from '../engine/io/parse-lightgbm-model.ts';
import { predictProbability } from '../engine/predict/predict.ts';
import { historyFromRecords } from '../features/in-memory-history.ts';
import { TEST, TRAIN } from '../features/time-split.ts';
import { buildTrainingExamples, type TrainingExamples } from '../features/training-examples.ts';
import { calibratedProbabilities } from './calibrated-model.ts';
import { expectedCalibrationError } from './model-metrics.ts';
import { POOLED_SEGMENT, type TenantTrainingResult, trainTenantModels } from './train-tenant.ts';

/**
 * 20,000 generated leads at a 5% conversion rate, snapshots every 14 days over each lead's first 180
 * days (the defaults): enough converting leads for an SMB (< 200 employees) and an enterprise model
 * of their own, while partner-sourced leads form a segment too small for one.
 */
const END_MS = Date.parse('2026-10-31T23:59:59.999Z');
let examples: TrainingExamples;
let segmentOfLead: (leadId: string) => string;
let result: TenantTrainingResult;
let trainingsInFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  const dataset = generateDataset({ leads: 20_000, seed: 11, conversionRate: 0.05 });
  const leads = new Map(dataset.leads.map((lead) => [lead.id, lead]));
  segmentOfLead = (leadId) => {
    const lead = leads.get(leadId);
    if (lead?.leadSource === 'Partner') return 'partner';
    return typeof lead?.employees === 'number' && lead.employees < 200 ? 'smb' : 'enterprise';
  };
  examples = await buildTrainingExamples(historyFromRecords(dataset), dataset.leads[0].tenantId, {
    dataEndMs: END_MS,
  });
  const { trainInWorker } = await import('../engine/runtime/train-in-worker.ts');
  result = await trainTenantModels({
    examples,
    segments: ['smb', 'enterprise', 'partner'],
    segmentOfLead,
    thresholds: { on: 'probability', thresholds: [0.02, 0.1] },
    train: async (task) => {
      trainingsInFlight += 1;
      mostInFlight = Math.max(mostInFlight, trainingsInFlight);
      try {
        return await trainInWorker(task);
      } finally {
        trainingsInFlight -= 1;
      }
    },
  });
}, 120_000);

describe('training a tenant per segment on 20,000 generated leads', () => {
  it('trains SMB and enterprise models of their own and serves the small partner segment with the pooled model', () => {
    if (result.kind !== 'models') throw new Error(`expected models, got ${result.reason}`);
    expect(result.models.map((model) => model.segment)).toEqual(['smb', 'enterprise', POOLED_SEGMENT]);
    const partner = result.segments.find((entry) => entry.segment === 'partner');
    expect(partner?.servedBy).toBe('pooled');
    expect(partner?.leads).toBeLessThan(1_000);
    for (const entry of result.segments.filter((item) => item.segment !== 'partner')) {
      expect(entry.servedBy).toBe('segment');
      expect(entry.leads).toBeGreaterThanOrEqual(1_000);
      expect(entry.conversions).toBeGreaterThanOrEqual(50);
    }
    expect(mostInFlight).toBe(2);
    const pooled = result.models.find((model) => model.segment === POOLED_SEGMENT);
    const partnerMetrics = pooled?.servedSegments?.partner;
    console.log(`pooled model on the partner segment: ${JSON.stringify(partnerMetrics)}`);
    expect(Object.keys(pooled?.servedSegments ?? {})).toEqual(['partner']);
    expect(partnerMetrics?.rows).toBe(
      examples.leadIds.filter(
        (leadId, row) => examples.split.parts[row] === TEST && segmentOfLead(leadId) === 'partner',
      ).length,
    );
    expect(partnerMetrics?.rocAuc).toBeGreaterThan(0.8);
  });

  it('reaches a test AUC above 0.8 and a calibration error of at most 0.03 for every model', () => {
    if (result.kind !== 'models') throw new Error('expected models');
    for (const trained of result.models) {
      const { metrics, counts } = trained;
      console.log(
        `${trained.segment}: trees ${trained.model.trees.length}, ${trained.calibrator.kind} on ${counts.validPositives} ` +
          `validation positives; test ${metrics.rows} rows: ${JSON.stringify(metrics)}`,
      );
      expect(metrics.rocAuc).toBeGreaterThan(0.8);
      expect(metrics.ece).toBeLessThanOrEqual(0.03);
      expect(metrics.prAuc).toBeGreaterThan(metrics.positives / metrics.rows);
      expect(metrics.liftTopDecile).toBeGreaterThan(2);
      expect(metrics.atThresholds.map((entry) => entry.threshold)).toEqual([0.02, 0.1]);
      const [low, high] = metrics.atThresholds;
      expect(high.recall).toBeLessThan(low.recall ?? 0);
      expect(trained.model.trees.length).toBeLessThan(300);
    }
  });

  it('needs the calibration: the class-weighted raw probabilities over-state conversion', () => {
    if (result.kind !== 'models') throw new Error('expected models');
    const pooled = result.models.find((model) => model.segment === POOLED_SEGMENT);
    if (pooled === undefined) throw new Error('expected the pooled model');
    const raw = predictProbability(pooled.model, pooled.test.values);
    const rawEce = expectedCalibrationError(pooled.test.labels, raw, pooled.test.weights);
    console.log(`pooled ECE before calibration ${rawEce.toFixed(4)}, after ${pooled.metrics.ece}`);
    expect(rawEce).toBeGreaterThan(0.05);
    expect(pooled.metrics.ece ?? 1).toBeLessThan(rawEce / 10);
  });

  it('calibrates with isotonic regression from 200 validation positives on and with Platt scaling below', () => {
    if (result.kind !== 'models') throw new Error('expected models');
    for (const trained of result.models) {
      expect(trained.calibrator.kind).toBe(trained.counts.validPositives >= 200 ? 'isotonic' : 'platt');
    }
    const pooled = result.models.find((model) => model.segment === POOLED_SEGMENT);
    expect(pooled?.calibrator.kind).toBe('isotonic');
    expect(result.models.find((model) => model.segment === 'smb')?.calibrator.kind).toBe('platt');
  });

  it('keeps each window in time order and the model text and calibrator as they predict', () => {
    if (result.kind !== 'models') throw new Error('expected models');
    const trained = result.models[0];
    const { train, valid, test } = trained.window;
    expect(train.toMs ?? 0).toBeLessThan(valid.fromMs ?? 0);
    expect(valid.toMs ?? 0).toBeLessThan(test.fromMs ?? 0);
    const reloaded = parseLightGbmModel(trained.modelText);
    const calibrator = parseCalibrator(JSON.stringify(trained.calibrator));
    expect(calibratedProbabilities(reloaded, calibrator, trained.test.values)).toEqual(
      calibratedProbabilities(trained.model, trained.calibrator, trained.test.values),
    );
  });

  it('answers rules with the counts of a tenant below 1,000 leads or 50 conversions', async () => {
    const keep = new Set(examples.leadIds.slice(0, 1_500));
    const small: TrainingExamples = { ...examples };
    const rows = examples.leadIds
      .map((leadId, row) => (keep.has(leadId) ? row : -1))
      .filter((row) => row >= 0);
    const width = examples.featureNames.length;
    small.numRows = rows.length;
    small.leadIds = rows.map((row) => examples.leadIds[row]);
    small.labels = Uint8Array.from(rows, (row) => examples.labels[row]);
    small.weights = Float64Array.from(rows, (row) => examples.weights[row]);
    small.snapshotTimes = Float64Array.from(rows, (row) => examples.snapshotTimes[row]);
    small.values = new Float64Array(rows.length * width);
    for (const [index, row] of rows.entries()) {
      small.values.set(examples.values.subarray(row * width, (row + 1) * width), index * width);
    }
    small.split = { ...examples.split, parts: Uint8Array.from(rows, (row) => examples.split.parts[row]) };
    const tiny = await trainTenantModels({ examples: small, segments: ['smb'], segmentOfLead });
    if (tiny.kind !== 'rules') throw new Error('expected rules');
    expect(tiny.leads).toBeLessThan(1_000);
    expect(tiny.leads).toBe(
      new Set(rows.filter((row) => examples.split.parts[row] === TRAIN).map((row) => examples.leadIds[row]))
        .size,
    );
    expect(tiny.reason).toMatch(
      /^\d+ of 1,000 labelled leads, \d+ of 50 converting leads in the training window$/,
    );
  });
});
