import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { featureIds } from '../../shared/features/feature-catalogue.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { ScoreRecord } from '../../shared/schemas/score.ts';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import { segmentFor } from '../../shared/scoring/segment-rules.ts';
import { trainModelSync } from '../engine/boosting/train.ts';
import { historyFromRecords, type InMemoryLeadHistory } from '../features/in-memory-history.ts';
import { TRAIN, VALID } from '../features/time-split.ts';
import { buildTrainingExamples, examplesOfPart } from '../features/training-examples.ts';
import { calibratedProbabilities, calibrateOnValidation } from '../modelling/calibrated-model.ts';
import { POOLED, scoreTenant } from './score-tenant.ts';
import { type ScoringModel, scoringModel } from './scoring-model.ts';

const END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const settings = defaultSettings();
let history: InMemoryLeadHistory;
let tenantId: string;
let pooled: ScoringModel;
let openIds: string[];
let leadsById: Map<string, Lead>;

beforeAll(async () => {
  const dataset = generateDataset({ leads: 3_000, seed: 8 });
  history = historyFromRecords(dataset);
  tenantId = dataset.leads[0].tenantId;
  const examples = await buildTrainingExamples(history, tenantId, { dataEndMs: END_MS });
  const train = examplesOfPart(examples, TRAIN);
  const valid = examplesOfPart(examples, VALID);
  const model = trainModelSync(
    train,
    {
      num_iterations: 40,
      learning_rate: 0.1,
      num_leaves: 7,
      min_data_in_leaf: 30,
      is_unbalance: true,
      seed: 2,
    },
    { valid, inputSchema: examples.inputSchema },
  );
  const { calibrator } = calibrateOnValidation(model, {
    values: valid.matrix.values as Float64Array,
    labels: valid.labels,
    weights: valid.weights,
  });
  pooled = scoringModel({
    version: 'pooled-v1',
    segment: POOLED,
    source: 'pooled',
    model,
    calibrator,
    scale: ScoreScale.fromProbabilities(
      calibratedProbabilities(model, calibrator, train.matrix.values as Float64Array),
    ),
    catalogueIds: featureIds,
  });
  openIds = [];
  leadsById = new Map();
  for await (const batch of history.scanLeads(tenantId, 1000)) {
    for (const lead of batch) {
      leadsById.set(lead.id, lead);
      const outcomes = await history.outcomes(tenantId, lead.id);
      if (outcomes.every((outcome) => Date.parse(outcome.occurredAt) > END_MS)) openIds.push(lead.id);
    }
  }
}, 120_000);

async function run(models: Map<string, ScoringModel>, links: Map<string, string[]> = new Map()) {
  const batches: ScoreRecord[][] = [];
  const result = await scoreTenant({
    tenantId,
    history,
    identity: { linkedTo: async (_tenant, leadId) => links.get(leadId) ?? [] },
    settings,
    models,
    nowMs: END_MS,
    batchSize: 400,
    onBatch: async (records) => {
      batches.push(records);
    },
  });
  return { result, records: batches.flat(), batches };
}

describe('scoring every open lead of a tenant', () => {
  it('scores each open lead once and skips the closed ones', async () => {
    const { result, records, batches } = await run(new Map([[POOLED, pooled]]));
    expect(openIds.length).toBeGreaterThan(1_000);
    expect(result.scored).toBe(openIds.length);
    expect(result.skipped.closed).toBe(leadsById.size - openIds.length);
    expect(new Set(records.map((record) => record.leadId))).toEqual(new Set(openIds));
    expect(result.bySource).toEqual({ model: 0, pooled: openIds.length, rules: 0 });
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(400);
  });

  it("uses a segment's own champion, the pooled model for the others, and rules without any model", async () => {
    const enterprise: ScoringModel = {
      ...pooled,
      version: 'enterprise-v1',
      segment: 'enterprise',
      source: 'model',
    };
    const { records } = await run(
      new Map([
        [POOLED, pooled],
        ['enterprise', enterprise],
      ]),
    );
    for (const record of records) {
      const lead = leadsById.get(record.leadId) as Lead;
      const segment = segmentFor(settings, lead).id;
      expect(record.segment).toBe(segment);
      expect(record.modelVersion).toBe(segment === 'enterprise' ? 'enterprise-v1' : 'pooled-v1');
    }
    const rules = await run(new Map());
    expect(rules.result.bySource).toEqual({ model: 0, pooled: 0, rules: openIds.length });
    expect(rules.records.every((record) => record.modelVersion === 'rules-v1')).toBe(true);
  });

  it('scores a person known under two records once, on the record created first', async () => {
    const [first, second] = openIds;
    const firstCreated = Date.parse((leadsById.get(first) as Lead).createdAt);
    const secondCreated = Date.parse((leadsById.get(second) as Lead).createdAt);
    const owner =
      firstCreated < secondCreated || (firstCreated === secondCreated && first < second) ? first : second;
    const links = new Map([
      [first, [second]],
      [second, [first]],
    ]);
    const { result, records } = await run(new Map([[POOLED, pooled]]), links);
    expect(result.skipped.linked).toBe(1);
    expect(result.scored).toBe(openIds.length - 1);
    const scoredIds = new Set(records.map((record) => record.leadId));
    expect(scoredIds.has(owner)).toBe(true);
    expect(scoredIds.has(owner === first ? second : first)).toBe(false);
  });
});
