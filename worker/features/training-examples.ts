import { featureCatalogue } from '../../shared/features/feature-catalogue.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Outcome } from '../../shared/schemas/outcome.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';
import type { TrainingData } from '../engine/boosting/train.ts';
import type { InputSchema } from '../engine/io/input-schema.ts';
import { BatchHistoryCache } from './batch-history-cache.ts';
import { computeFeatureVector } from './compute-feature-vector.ts';
import { type ComputedFeature, catalogueComputations } from './feature-computations.ts';
import { FeatureEncoder } from './feature-encoder.ts';
import {
  DAY_MS,
  leadSnapshots,
  negativeKeepRate,
  parseSnapshotOptions,
  type SnapshotOptions,
  type SnapshotOptionsInput,
  samplingDraw,
} from './snapshot-schedule.ts';
import { type SplitPart, splitByTime, type TimeSplit } from './time-split.ts';

/** The snapshot examples of a tenant as the engine takes them, with what identifies each row. */
export interface TrainingExamples {
  options: SnapshotOptions;
  /** Catalogue ids, in column order. */
  featureNames: string[];
  categorical: number[];
  /** Saved with the model: column names and the category list of every categorical feature. */
  inputSchema: InputSchema;
  /** Encodes live feature vectors exactly as the rows were encoded (vocabularies frozen). */
  encoder: FeatureEncoder;
  numRows: number;
  /** Row-major, numRows × featureNames.length; NaN is missing, categories are integer codes. */
  values: Float64Array;
  labels: Uint8Array;
  /** 1, or 1 / keep rate for sampled negatives. */
  weights: Float64Array;
  snapshotTimes: Float64Array;
  leadIds: string[];
  split: TimeSplit;
  /** Labelled snapshots before sampling, and the share of negatives kept. */
  candidates: { positives: number; negatives: number; negativeKeepRate: number };
  /** Time spent computing feature vectors (ms), for examples per second. */
  featureMs: number;
}

class GrowableRows {
  values: Float64Array;
  labels: Uint8Array;
  weights: Float64Array;
  times: Float64Array;
  leadIds: string[] = [];
  numRows = 0;

  constructor(
    private readonly width: number,
    private capacity: number,
  ) {
    this.capacity = Math.max(capacity, 16);
    this.values = new Float64Array(this.capacity * width);
    this.labels = new Uint8Array(this.capacity);
    this.weights = new Float64Array(this.capacity);
    this.times = new Float64Array(this.capacity);
  }

  /** Room for one more row; returns its offset in `values`. */
  next(): number {
    if (this.numRows === this.capacity) {
      this.capacity *= 2;
      this.values = grow(this.values, this.capacity * this.width);
      this.labels = grow(this.labels, this.capacity);
      this.weights = grow(this.weights, this.capacity);
      this.times = grow(this.times, this.capacity);
    }
    return this.numRows * this.width;
  }
}

function grow<T extends Float64Array | Uint8Array>(array: T, length: number): T {
  const larger = new (array.constructor as new (length: number) => T)(length);
  larger.set(array);
  return larger;
}

function outcomesOfBatch(
  source: LeadHistorySource,
  tenantId: string,
  batch: readonly Lead[],
): Promise<Outcome[][]> {
  return Promise.all(batch.map((lead) => source.outcomes(tenantId, lead.id)));
}

/**
 * Every labelled snapshot example of a tenant (DESIGN.md, modelling rules), streamed a batch of leads
 * at a time: pass one reads only leads and outcomes to count the candidates (and so the keep rate
 * for negatives above the cap); pass two computes the kept examples' features through a per-batch
 * cache. Nothing tenant-wide is held but the output rows.
 */
export async function buildTrainingExamples(
  source: LeadHistorySource,
  tenantId: string,
  optionsInput: SnapshotOptionsInput,
  features: readonly ComputedFeature[] = catalogueComputations(featureCatalogue),
): Promise<TrainingExamples> {
  const options = parseSnapshotOptions(optionsInput);
  let positives = 0;
  let negatives = 0;
  for await (const batch of source.scanLeads(tenantId, options.batchSize)) {
    const outcomes = await outcomesOfBatch(source, tenantId, batch);
    batch.forEach((lead, index) => {
      for (const snapshot of leadSnapshots(lead, outcomes[index], options)) {
        if (snapshot.label === 1) positives += 1;
        else negatives += 1;
      }
    });
  }
  const keepRate = negativeKeepRate(positives, negatives, options.maxExamples);
  const encoder = new FeatureEncoder(features.map((feature) => feature.definition));
  const width = encoder.width;
  const rows = new GrowableRows(width, Math.ceil(positives + negatives * keepRate) + 1);
  const lastSnapshotMs = options.dataEndMs - options.horizonDays * DAY_MS;
  let featureMs = 0;

  for await (const batch of source.scanLeads(tenantId, options.batchSize)) {
    const cache = new BatchHistoryCache(source, tenantId, lastSnapshotMs, batch);
    const outcomes = await outcomesOfBatch(source, tenantId, batch);
    const kept: { lead: Lead; atMs: number; label: 0 | 1; weight: number }[] = [];
    batch.forEach((lead, index) => {
      for (const snapshot of leadSnapshots(lead, outcomes[index], options)) {
        const sampled = snapshot.label === 0 && keepRate < 1;
        if (sampled && samplingDraw(options.samplingSeed, lead.id, snapshot.atMs) >= keepRate) continue;
        kept.push({ lead, atMs: snapshot.atMs, label: snapshot.label, weight: sampled ? 1 / keepRate : 1 });
      }
    });
    // The batch's reads go out together (one round trip's worth of latency, not one per lead); rows
    // are appended in the same order as before, so the result does not depend on timing.
    const started = performance.now();
    const vectors = await Promise.all(
      kept.map((example) => computeFeatureVector(cache, tenantId, example.lead.id, example.atMs, features)),
    );
    featureMs += performance.now() - started;
    kept.forEach((example, index) => {
      const vector = vectors[index];
      if (vector === undefined) return;
      const offset = rows.next();
      encoder.encode(vector, rows.values, offset);
      rows.labels[rows.numRows] = example.label;
      rows.weights[rows.numRows] = example.weight;
      rows.times[rows.numRows] = example.atMs;
      rows.leadIds.push(example.lead.id);
      rows.numRows += 1;
    });
  }
  encoder.freeze();
  const numRows = rows.numRows;
  const snapshotTimes = rows.times.slice(0, numRows);
  return {
    options,
    featureNames: encoder.definitions.map((feature) => feature.id),
    categorical: encoder.categoricalIndices(),
    inputSchema: encoder.inputSchema(options.label),
    encoder,
    numRows,
    values: rows.values.slice(0, numRows * width),
    labels: rows.labels.slice(0, numRows),
    weights: rows.weights.slice(0, numRows),
    snapshotTimes,
    leadIds: rows.leadIds,
    split: splitByTime(snapshotTimes, options.horizonDays * DAY_MS, options.validShare, options.testShare),
    candidates: { positives, negatives, negativeKeepRate: keepRate },
    featureMs,
  };
}

/** The rows of one part of the split, as the trainer takes them (plus their weights, times and ids). */
export function examplesOfPart(
  examples: TrainingExamples,
  part: SplitPart,
  keep: (row: number) => boolean = () => true,
): TrainingData & { weights: Float64Array; snapshotTimes: Float64Array; leadIds: string[] } {
  const width = examples.featureNames.length;
  const rowsInPart: number[] = [];
  for (let row = 0; row < examples.numRows; row += 1)
    if (examples.split.parts[row] === part && keep(row)) rowsInPart.push(row);
  const values = new Float64Array(rowsInPart.length * width);
  const labels = new Uint8Array(rowsInPart.length);
  const weights = new Float64Array(rowsInPart.length);
  const snapshotTimes = new Float64Array(rowsInPart.length);
  const leadIds: string[] = [];
  rowsInPart.forEach((row, index) => {
    values.set(examples.values.subarray(row * width, (row + 1) * width), index * width);
    labels[index] = examples.labels[row];
    weights[index] = examples.weights[row];
    snapshotTimes[index] = examples.snapshotTimes[row];
    leadIds.push(examples.leadIds[row]);
  });
  return {
    matrix: { numRows: rowsInPart.length, numFeatures: width, values },
    labels,
    featureNames: examples.featureNames,
    categorical: examples.categorical,
    weights,
    snapshotTimes,
    leadIds,
  };
}
