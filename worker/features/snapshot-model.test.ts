import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { featureIds } from '../../shared/features/feature-catalogue.ts';
import { type ComputedFeature, catalogueComputations } from './feature-computations.ts';
import { historyFromRecords, type InMemoryLeadHistory } from './in-memory-history.ts';
import { leakCheck } from './leak-check-auc.ts';
import { TEST, TRAIN, VALID } from './time-split.ts';
import { buildTrainingExamples, type TrainingExamples } from './training-examples.ts';

/**
 * The generator's true probability is the chance that a lead converts at all, fixed at creation. It
 * bounds a model only when each lead is measured once, near its creation (here: snapshots up to 14
 * days after creation, like the generator's own CSV at creation + 7 days). With snapshots over 180
 * days, "still open after months" and the burst of activity before a conversion are honest
 * signals the fixed probability lacks, and a model may beat it without any leak.
 */
const END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const options = { dataEndMs: END_MS, maxLeadAgeDays: 14 };
let dataset: Dataset;
let history: InMemoryLeadHistory;
let tenantId: string;
let examples: TrainingExamples;
let truth: Map<string, number>;

beforeAll(async () => {
  dataset = generateDataset({ leads: 20_000, seed: 11 });
  history = historyFromRecords(dataset);
  tenantId = dataset.leads[0].tenantId;
  truth = new Map(dataset.truth.map((record) => [record.leadId, record.probability]));
  examples = await buildTrainingExamples(history, tenantId, options);
});

const trueProbability = (leadId: string) => truth.get(leadId) ?? Number.NaN;

describe('a model trained on snapshot examples of 20,000 generated leads', () => {
  it('builds the examples and their time split as the engine takes them', () => {
    const rate = examples.numRows / (examples.featureMs / 1000);
    console.log(
      `examples ${examples.numRows} (${examples.candidates.positives} positive), split ${JSON.stringify(examples.split.counts)}, ` +
        `features at ${Math.round(rate)} examples/s`,
    );
    expect(examples.numRows).toBeGreaterThan(15_000);
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
