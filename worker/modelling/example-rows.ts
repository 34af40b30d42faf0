import type { TrainingData } from '../engine/boosting/train.ts';
import type { SplitPart } from '../features/time-split.ts';
import { examplesOfPart, type TrainingExamples } from '../features/training-examples.ts';

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
  const rows = examplesOfPart(examples, part, keep);
  return { ...rows, values: rows.matrix.values as Float64Array, featureNames: examples.featureNames };
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
