import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { snapshotTruth } from '../../fixtures/generator/snapshot-truth.ts';
import { featureIds } from '../../shared/features/feature-catalogue.ts';
import { type ComputedFeature, catalogueComputations } from './feature-computations.ts';
import { historyFromRecords, type InMemoryLeadHistory } from './in-memory-history.ts';
import { leakCheck } from './leak-check-auc.ts';
import { TEST, TRAIN, VALID } from './time-split.ts';
import { buildTrainingExamples, type TrainingExamples } from './training-examples.ts';

/**
 * The yardstick is the generator's true probability of each example's own label: the chance that
 * the lead, still open at the snapshot, converts within the horizon (snapshot-truth.ts). A lead's
 * lifetime probability is not one: a lead still open after months rarely converts, and a model that
 * sees the lead's age beats the lifetime figure without any leak.
 */
const END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const options = { dataEndMs: END_MS };
let dataset: Dataset;
let history: InMemoryLeadHistory;
let tenantId: string;
let examples: TrainingExamples;
let trueProbability: (leadId: string, snapshotMs: number) => number;

beforeAll(async () => {
  dataset = generateDataset({ leads: 20_000, seed: 11 });
  history = historyFromRecords(dataset);
  tenantId = dataset.leads[0].tenantId;
  trueProbability = snapshotTruth(dataset.truth, 90);
  examples = await buildTrainingExamples(history, tenantId, options);
});

describe('a model trained on snapshot examples of 20,000 generated leads', () => {
  it('builds the examples and their time split as the engine takes them', () => {
    const rate = examples.numRows / (examples.featureMs / 1000);
    console.log(
      `examples ${examples.numRows} (${examples.candidates.positives} positive), split ${JSON.stringify(examples.split.counts)}, ` +
        `features at ${Math.round(rate)} examples/s`,
    );
    expect(examples.numRows).toBeGreaterThan(150_000);
    expect(examples.featureNames).toEqual(featureIds);
    expect(examples.values).toHaveLength(examples.numRows * featureIds.length);
    expect(examples.split.counts.test).toBeGreaterThan(2000);
    // Gap of H: every training label ends before validation starts, every validation label before test.
    const horizonMs = 90 * 86_400_000;
    examples.snapshotTimes.forEach((at, row) => {
      const part = examples.split.parts[row];
      if (part === TRAIN) expect(at + horizonMs).toBeLessThanOrEqual(examples.split.validStartMs);
      if (part === VALID) expect(at + horizonMs).toBeLessThanOrEqual(examples.split.testStartMs);
      if (part === TEST) expect(at).toBeGreaterThanOrEqual(examples.split.testStartMs);
    });
  });

  it('has true probabilities that match the labels: in every tenth of them the label rate is their mean', () => {
    const order = Array.from({ length: examples.numRows }, (_, row) => row);
    const truthOf = Float64Array.from(order, (row) =>
      trueProbability(examples.leadIds[row], examples.snapshotTimes[row]),
    );
    order.sort((left, right) => truthOf[left] - truthOf[right]);
    let weightedGap = 0;
    for (let bin = 0; bin < 10; bin += 1) {
      const rows = order.slice(
        Math.floor((bin * order.length) / 10),
        Math.floor(((bin + 1) * order.length) / 10),
      );
      let truthSum = 0;
      let labelSum = 0;
      for (const row of rows) {
        truthSum += truthOf[row];
        labelSum += examples.labels[row];
      }
      const gap = Math.abs(truthSum - labelSum) / rows.length;
      weightedGap += (gap * rows.length) / order.length;
      expect(
        gap,
        `tenth ${bin + 1}: truth ${truthSum / rows.length}, labels ${labelSum / rows.length}`,
      ).toBeLessThan(0.03);
    }
    console.log(`true probabilities against labels: calibration error ${weightedGap.toFixed(4)}`);
    expect(weightedGap).toBeLessThan(0.01);
  });

  it('reaches a test AUC between 0.8 × and 1 × the AUC of the true probabilities on the same examples', () => {
    const { leakCheckAuc: modelAuc, oracleAuc, trees } = leakCheck(examples, trueProbability);
    console.log(`leakCheckAuc ${modelAuc.toFixed(4)} oracleAuc ${oracleAuc.toFixed(4)} (${trees} trees)`);
    expect(oracleAuc).toBeGreaterThan(0.85);
    expect(modelAuc).toBeLessThanOrEqual(oracleAuc);
    expect(modelAuc).toBeGreaterThanOrEqual(0.8 * oracleAuc);
  });

  it('beats the true probabilities once a feature reads the lead record as it is today', async () => {
    const statusNow: ComputedFeature = {
      definition: {
        id: 'status_now',
        group: 'fit',
        kind: 'categorical',
        unit: 'category',
        categories: 'tenant',
        description: 'The CRM status today: set by the outcome itself, so a leak.',
        label: (value) => String(value),
      },
      compute: (at) => at.lead.status,
    };
    const leaky = await buildTrainingExamples(history, tenantId, options, [
      ...catalogueComputations(),
      statusNow,
    ]);
    const { leakCheckAuc: modelAuc, oracleAuc } = leakCheck(leaky, trueProbability);
    console.log(`with the status leak: model ${modelAuc.toFixed(4)} oracle ${oracleAuc.toFixed(4)}`);
    expect(modelAuc).toBeGreaterThan(oracleAuc);
  });
});
