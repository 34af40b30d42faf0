import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { featureIds, featureLabel } from '../../shared/features/feature-catalogue.ts';
import { scoreRecordSchema } from '../../shared/schemas/score.ts';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { FACTOR_TEXT_MAX, factorText } from '../../shared/scoring/factor-text.ts';
import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import { segmentFor } from '../../shared/scoring/segment-rules.ts';
import { trainModelSync } from '../engine/boosting/train.ts';
import { predictRaw } from '../engine/predict/predict.ts';
import { computeFeatureVector } from '../features/compute-feature-vector.ts';
import { historyFromRecords } from '../features/in-memory-history.ts';
import { TEST, TRAIN, VALID } from '../features/time-split.ts';
import { buildTrainingExamples, examplesOfPart } from '../features/training-examples.ts';
import { calibratedProbabilities, calibrateOnValidation } from '../modelling/calibrated-model.ts';
import { type ExplainedRow, explainRowsWithModel, type LeadRow, scoreRowByRules } from './score-rows.ts';
import { type ScoringModel, scoreOfRaw, scoringModel } from './scoring-model.ts';

const END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const settings = defaultSettings();
let model: ScoringModel;
let rows: LeadRow[];
let explained: ExplainedRow[];

beforeAll(async () => {
  const dataset = generateDataset({ leads: 8_000, seed: 5 });
  const history = historyFromRecords(dataset);
  const tenantId = dataset.leads[0].tenantId;
  const examples = await buildTrainingExamples(history, tenantId, { dataEndMs: END_MS });
  const train = examplesOfPart(examples, TRAIN);
  const valid = examplesOfPart(examples, VALID);
  const engineModel = trainModelSync(
    train,
    {
      num_iterations: 120,
      learning_rate: 0.05,
      num_leaves: 15,
      min_data_in_leaf: 40,
      is_unbalance: true,
      seed: 3,
    },
    { valid, inputSchema: examples.inputSchema },
  );
  const { calibrator } = calibrateOnValidation(engineModel, {
    values: valid.matrix.values as Float64Array,
    labels: valid.labels,
    weights: valid.weights,
  });
  const population = calibratedProbabilities(engineModel, calibrator, train.matrix.values as Float64Array);
  model = scoringModel({
    version: 'smb-v1',
    segment: 'pooled',
    source: 'pooled',
    model: engineModel,
    calibrator,
    scale: ScoreScale.fromProbabilities(population, train.weights).toJSON(),
    catalogueIds: featureIds,
  });
  expect(examplesOfPart(examples, TEST).labels.length).toBeGreaterThan(0);
  rows = [];
  for (const lead of dataset.leads.slice(0, 1_400)) {
    if (rows.length === 1_000) break;
    const values = await computeFeatureVector(history, tenantId, lead.id, END_MS);
    const stored = await history.lead(tenantId, lead.id);
    if (values === undefined || stored === undefined) continue;
    rows.push({ leadId: lead.id, segment: segmentFor(settings, stored), values });
  }
  explained = explainRowsWithModel(model, rows, featureIds, new Date(END_MS).toISOString());
}, 120_000);

describe('scores of 1,000 leads with their five factors', () => {
  it('scores 1,000 leads, each a valid record whose baseline and points add up to its score exactly', () => {
    expect(explained).toHaveLength(1_000);
    const scores = new Set<number>();
    for (const { record, points } of explained) {
      expect(scoreRecordSchema.safeParse(record).success, JSON.stringify(record)).toBe(true);
      const shown = record.factors.reduce((sum, factor) => sum + factor.points, 0);
      expect(record.baseline + shown + record.otherPoints).toBe(record.score);
      expect(record.baseline + points.reduce((sum, point) => sum + point.points, 0)).toBe(record.score);
      scores.add(record.score);
    }
    // A real spread of scores, not a constant.
    expect(scores.size).toBeGreaterThan(40);
  });

  it('shows the five largest |points| and every other point in "other"', () => {
    for (const { record, points } of explained) {
      const magnitudes = points
        .filter((point) => point.phi !== 0)
        .map((point) => Math.abs(point.points))
        .sort((one, two) => two - one);
      expect(record.factors.map((factor) => Math.abs(factor.points))).toEqual(magnitudes.slice(0, 5));
      const topIds = new Set(record.factors.map((factor) => factor.featureId));
      const rest = points.filter((point) => !topIds.has(point.featureId));
      expect(rest.reduce((sum, point) => sum + point.points, 0)).toBe(record.otherPoints);
    }
  });

  it("names the lead's own value in every factor text, within the CRM field's 255 characters", () => {
    explained.forEach(({ record }, index) => {
      const row = rows[index];
      for (const factor of record.factors) {
        const value = row.values[featureIds.indexOf(factor.featureId)] ?? null;
        expect(factor.label).toBe(featureLabel(factor.featureId, value));
        const text = factorText(factor.points, factor.label);
        expect(text.length).toBeLessThanOrEqual(FACTOR_TEXT_MAX);
        expect(text.startsWith(`${factor.points > 0 ? '+' : ''}${factor.points} · `)).toBe(true);
      }
    });
  });

  it('is the score of the model prediction itself: the explained raw score is the predicted one', () => {
    const width = model.featureIds.length;
    const matrix = new Float64Array(rows.length * width);
    rows.forEach((row, index) => {
      model.encoder.encode(
        model.catalogueIndex.map((at) => row.values[at] ?? null),
        matrix,
        index * width,
      );
    });
    const raw = predictRaw(model.model, matrix);
    explained.forEach(({ record, raw: explainedRaw }, index) => {
      expect(explainedRaw).toBeCloseTo(raw[index], 9);
      expect(record.score).toBe(scoreOfRaw(model, raw[index]));
    });
  });

  it('scores by the transparent rules in the same record format when there is no model', () => {
    for (const row of rows.slice(0, 200)) {
      const record = scoreRowByRules(row, featureIds, new Date(END_MS).toISOString());
      expect(scoreRecordSchema.safeParse(record).success).toBe(true);
      expect(record.source).toBe('rules');
      expect(record.modelVersion).toBe('rules-v1');
    }
  });
});
