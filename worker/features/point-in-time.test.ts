import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { featureCatalogue } from '../../shared/features/feature-catalogue.ts';
import type { FeatureDefinition } from '../../shared/features/feature-definition.ts';
import { computeFeatureVector } from './compute-feature-vector.ts';
import { type ComputedFeature, catalogueComputations } from './feature-computations.ts';
import { FeatureEncoder } from './feature-encoder.ts';
import { historyFromRecords, type InMemoryLeadHistory } from './in-memory-history.ts';
import { type LeadAtTime, readLeadAtTime } from './lead-at-time.ts';
import { findLeaks, sourceWithFuture } from './leak-harness.ts';
import { DAY_MS, leadSnapshots, parseSnapshotOptions } from './snapshot-schedule.ts';
import { buildTrainingExamples, type TrainingExamples } from './training-examples.ts';

const END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const options = { dataEndMs: END_MS };
const catalogue = catalogueComputations();

let dataset: Dataset;
let history: InMemoryLeadHistory;
let tenantId: string;
let examples: TrainingExamples;

beforeAll(async () => {
  dataset = generateDataset({ leads: 1500, seed: 21, conversionRate: 0.08 });
  history = historyFromRecords(dataset);
  tenantId = dataset.leads[0].tenantId;
  examples = await buildTrainingExamples(history, tenantId, options);
});

/**
 * A row as bytes: each number's eight bytes in hex, categorical codes as their category text (codes
 * are first-seen order, which moves when other leads gain rows; the category itself must not).
 */
function rowSignature(set: TrainingExamples, row: number): string {
  const width = set.featureNames.length;
  const bytes = new Uint8Array(set.values.buffer, set.values.byteOffset + row * width * 8, width * 8);
  return set.inputSchema.features
    .map((feature, index) => {
      const value = set.values[row * width + index];
      if (feature.kind === 'categorical')
        return Number.isNaN(value) ? '(missing)' : feature.categories[value];
      return Buffer.from(bytes.subarray(index * 8, index * 8 + 8)).toString('hex');
    })
    .join('|');
}

function leakyFeature(id: string, compute: ComputedFeature['compute']): ComputedFeature {
  const definition: FeatureDefinition = {
    id,
    group: 'behaviour',
    kind: 'numeric',
    unit: 'activities',
    description: 'A deliberately leaky feature for the harness test.',
    label: (value) => String(value),
  };
  return { definition, compute };
}

/** Every lead at a few of its snapshot times, with colleagues and intent: the harness's test inputs. */
async function sampleInputs(count: number): Promise<LeadAtTime[]> {
  const parsed = parseSnapshotOptions(options);
  const inputs: LeadAtTime[] = [];
  for (const lead of dataset.leads) {
    if (inputs.length >= count) break;
    const canonical = await history.lead(tenantId, lead.id);
    if (canonical === undefined) continue;
    for (const snapshot of leadSnapshots(canonical, await history.outcomes(tenantId, lead.id), parsed)) {
      const at = await readLeadAtTime(history, tenantId, lead.id, snapshot.atMs);
      if (at !== undefined) inputs.push(at);
    }
  }
  return inputs;
}

describe('point-in-time features', () => {
  it('finds no catalogue feature that changes when records at or after s are added', async () => {
    const inputs = await sampleInputs(600);
    expect(inputs.length).toBeGreaterThanOrEqual(600);
    // The sample must exercise the account and intent features, or the check proves little.
    expect(inputs.some((at) => at.colleagues.length >= 3)).toBe(true);
    expect(inputs.some((at) => at.intent.length > 0)).toBe(true);
    const leaks = inputs.flatMap((at) => findLeaks(catalogue, at).map((leak) => leak.featureId));
    expect([...new Set(leaks)]).toEqual([]);
  });

  it('catches features that read at s, after s, or the lead record as it is today', async () => {
    const inputs = await sampleInputs(50);
    const leaky = [
      leakyFeature('activities_on_record', (at) => at.activities.length),
      leakyFeature(
        'activities_up_to_s',
        (at) => at.activities.filter((activity) => activity.atMs <= at.asOfMs).length,
      ),
      leakyFeature('days_since_record_update', (at) => (at.asOfMs - Date.parse(at.lead.updatedAt)) / DAY_MS),
      leakyFeature('is_converted_status', (at) => (at.lead.status === 'Closed - Converted' ? 1 : 0)),
      leakyFeature('colleagues_on_record', (at) => at.colleagues.length),
      leakyFeature('owner', (at) => at.lead.ownerId),
    ];
    const caught = new Set(
      inputs.flatMap((at) => findLeaks([...catalogue, ...leaky], at)).map((l) => l.featureId),
    );
    expect([...caught].sort()).toEqual([
      'activities_on_record',
      'activities_up_to_s',
      'colleagues_on_record',
      'days_since_record_update',
      'is_converted_status',
      'owner',
    ]);
  });

  it('computes the same vectors when the store returns the future too (the guard in readLeadAtTime)', async () => {
    const careless = sourceWithFuture(history, END_MS);
    let compared = 0;
    for (let row = 0; row < examples.numRows; row += 97) {
      const leadId = examples.leadIds[row];
      const at = examples.snapshotTimes[row];
      const honest = await computeFeatureVector(history, tenantId, leadId, at);
      expect(await computeFeatureVector(careless, tenantId, leadId, at)).toEqual(honest);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(50);
    const leaky = [
      leakyFeature('days_since_record_update', (at) => (at.asOfMs - Date.parse(at.lead.updatedAt)) / DAY_MS),
    ];
    const leadId = examples.leadIds[0];
    const at = examples.snapshotTimes[0];
    expect(await computeFeatureVector(careless, tenantId, leadId, at, leaky)).not.toEqual(
      await computeFeatureVector(history, tenantId, leadId, at, leaky),
    );
  });

  it('gives a lead byte-identical rows at each of its snapshots when its outcomes are removed', async () => {
    const withOutcomes = new Set(dataset.outcomes.map((outcome) => outcome.leadId));
    expect(withOutcomes.size).toBeGreaterThan(200);
    const withoutOutcomes = historyFromRecords({ ...dataset, outcomes: [] });
    const open = await buildTrainingExamples(withoutOutcomes, tenantId, options);
    const rowOf = new Map<string, number>();
    for (let row = 0; row < open.numRows; row += 1)
      rowOf.set(`${open.leadIds[row]}@${open.snapshotTimes[row]}`, row);
    let compared = 0;
    for (let row = 0; row < examples.numRows; row += 1) {
      if (!withOutcomes.has(examples.leadIds[row])) continue;
      const twin = rowOf.get(`${examples.leadIds[row]}@${examples.snapshotTimes[row]}`);
      expect(twin).toBeDefined();
      expect(rowSignature(open, twin!)).toBe(rowSignature(examples, row));
      compared += 1;
    }
    expect(compared).toBeGreaterThan(300);
    // Staying open, the leads gain the snapshots they no longer close before.
    expect(open.numRows).toBeGreaterThan(examples.numRows);
  });

  it('gives the same rows whatever the batch size of the scan', async () => {
    const small = await buildTrainingExamples(history, tenantId, { ...options, batchSize: 7 });
    expect(small.leadIds).toEqual(examples.leadIds);
    expect(Buffer.from(small.values.buffer).equals(Buffer.from(examples.values.buffer))).toBe(true);
  });

  it('computes live at "now" exactly what the snapshot path put in the training rows', async () => {
    const width = examples.featureNames.length;
    // Live scoring encodes with the categories saved in the model's input schema.
    const scoringEncoder = FeatureEncoder.fromInputSchema(featureCatalogue, examples.inputSchema);
    let compared = 0;
    for (let row = 5; row < examples.numRows; row += 41) {
      const live = await computeFeatureVector(
        history,
        tenantId,
        examples.leadIds[row],
        examples.snapshotTimes[row],
      );
      expect(live).toBeDefined();
      const encoded = scoringEncoder.encodeRow(live!);
      expect(Buffer.from(encoded.buffer)).toEqual(
        Buffer.from(examples.values.buffer, examples.values.byteOffset + row * width * 8, width * 8),
      );
      compared += 1;
    }
    expect(compared).toBeGreaterThan(100);
  });
});
