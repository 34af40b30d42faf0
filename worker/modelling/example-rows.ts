import type { TrainingData } from '../engine/boosting/train.ts';
import type { SplitPart } from '../features/time-split.ts';
import type { TrainingExamples } from '../features/training-examples.ts';

/** Some rows of the training examples, as the trainer and the metrics take them. */
export interface ExampleRows extends TrainingData {
  weights: Float64Array;
  snapshotTimes: Float64Array;
  leadIds: string[];
  /** Row-major values, numRows × featureNames.length (the same array as matrix.values). */
  values: Float64Array;
  featureNames: string[];
}

/** The rows of one part of the split whose row index passes `keep` (all of the part without it). */
export function rowsOf(
  examples: TrainingExamples,
  part: SplitPart,
  keep: (row: number) => boolean = () => true,
): ExampleRows {
  const width = examples.featureNames.length;
  const selected: number[] = [];
  for (let row = 0; row < examples.numRows; row += 1) {
    if (examples.split.parts[row] === part && keep(row)) selected.push(row);
  }
  const values = new Float64Array(selected.length * width);
  const labels = new Uint8Array(selected.length);
  const weights = new Float64Array(selected.length);
  const snapshotTimes = new Float64Array(selected.length);
  const leadIds: string[] = [];
  selected.forEach((row, index) => {
    values.set(examples.values.subarray(row * width, (row + 1) * width), index * width);
    labels[index] = examples.labels[row];
    weights[index] = examples.weights[row];
    snapshotTimes[index] = examples.snapshotTimes[row];
    leadIds.push(examples.leadIds[row]);
  });
  return {
    matrix: { numRows: selected.length, numFeatures: width, values },
    values,
    labels,
    featureNames: examples.featureNames,
    categorical: examples.categorical,
    weights,
    snapshotTimes,
    leadIds,
  };
}

/** Distinct leads among the rows, and distinct leads with at least one positive row. */
export function distinctLeadCounts(rows: Pick<ExampleRows, 'leadIds' | 'labels'>): {
  leads: number;
  conversions: number;
} {
  const leads = new Set<string>();
  const converting = new Set<string>();
  rows.leadIds.forEach((leadId, index) => {
    leads.add(leadId);
    if (rows.labels[index] > 0) converting.add(leadId);
  });
  return { leads: leads.size, conversions: converting.size };
}

/** Earliest and latest snapshot time of the rows (epoch ms); null bounds when there is no row. */
export function timeRange(times: ArrayLike<number>): { fromMs: number | null; toMs: number | null } {
  if (times.length === 0) return { fromMs: null, toMs: null };
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < times.length; i += 1) {
    fromMs = Math.min(fromMs, times[i]);
    toMs = Math.max(toMs, times[i]);
  }
  return { fromMs, toMs };
}
