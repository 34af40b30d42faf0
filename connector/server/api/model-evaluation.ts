import { ScoreScale } from '../../../shared/scoring/score-scale.ts';
import type { TestWindowExample } from '../../../shared/store/models.repository.ts';

/** Equal-count bins of the calibration plot, at most. */
export const CALIBRATION_PLOT_BINS = 10;
/** A window gets fewer bins so that each holds at least this many examples (one bin below that). */
export const MIN_EXAMPLES_PER_CALIBRATION_BIN = 10;
export const LIFT_DECILES = 10;

const MAX_SCORE = 100;

/**
 * The calibrated probability each 0-100 score of a version stands for, read from the version's score
 * scale (its 100 percentile cut points). The scale maps probabilities to scores by steps; the
 * probabilities that give score s form a set whose hull is [low, high]. When that set is a single
 * probability (a plateau of the calibration, the usual case with isotonic calibration) it is exact;
 * otherwise it is the middle of the hull. A score of 100 (above every training probability) stands for
 * the highest training probability. Scores the scale never gives are absent.
 */
export function probabilityOfScores(cutPoints: readonly number[]): Map<number, number> {
  const scale = ScoreScale.fromJSON({ kind: 'percentile-cut-points', cutPoints: [...cutPoints] });
  const distinct = [...new Set(cutPoints)].sort((one, two) => one - two);
  const hulls = new Map<number, { low: number; high: number }>();
  const widen = (score: number, low: number, high: number) => {
    const hull = hulls.get(score);
    hulls.set(
      score,
      hull === undefined ? { low, high } : { low: Math.min(hull.low, low), high: Math.max(hull.high, high) },
    );
  };
  const first = distinct[0] ?? 0;
  // Below the lowest cut point, the score is 0.
  if (first > 0) widen(scale.scoreOf(0), 0, first);
  for (const [index, value] of distinct.entries()) {
    widen(scale.scoreOf(value), value, value);
    const next = distinct[index + 1];
    if (next !== undefined && next > value) widen(scale.scoreOf((value + next) / 2), value, next);
  }
  const top = distinct[distinct.length - 1] ?? 0;
  const probabilities = new Map<number, number>();
  for (const [score, hull] of hulls) probabilities.set(score, (hull.low + hull.high) / 2);
  if (top < 1) probabilities.set(MAX_SCORE, top);
  return probabilities;
}

export interface CalibrationBin {
  /** The lowest and the highest predicted probability in the bin (both included). */
  from: number;
  to: number;
  /** Test examples in the bin. */
  examples: number;
  /** Their total weight (the examples' count unless negatives were sampled down). */
  weight: number;
  /** Weight of the converting examples. */
  positives: number;
  /** Weighted mean predicted probability. */
  predicted: number;
  /** Weighted share that converted. */
  observed: number;
}

export interface Calibration {
  /** Non-empty bins in increasing order of predicted probability. */
  bins: CalibrationBin[];
  /**
   * Expected calibration error over these bins: Σ (bin weight / total weight) · |predicted − observed|
   * (the weight is the examples' count unless negatives were sampled down); null without examples.
   */
  error: number | null;
}

/** What the calibration plot reads of one test example. */
export interface PredictedExample {
  probability: number;
  label: 0 | 1;
  weight: number;
}

export interface CalibrationOptions {
  /** At most this many bins (CALIBRATION_PLOT_BINS by default). */
  maxBins?: number;
  /** Fewer bins when the window holds fewer than this many examples per bin. */
  minExamplesPerBin?: number;
}

/**
 * Predicted against observed conversion per equal-count (quantile) bin of predicted probability.
 * The window gets k = min(maxBins, ⌊n / minExamplesPerBin⌋) target bins (at least one) for its n
 * examples. Examples are ranked by probability and examples with the same probability form one group,
 * never split: a group covering ranks [start, start + size) goes to bin ⌊k · (start + size / 2) / n⌋,
 * the bin of its middle rank. Bins no group falls in are left out, so heavy ties give fewer bins.
 */
export function calibrationOf(
  examples: readonly PredictedExample[],
  options: CalibrationOptions = {},
): Calibration {
  const maxBins = options.maxBins ?? CALIBRATION_PLOT_BINS;
  const minExamples = options.minExamplesPerBin ?? MIN_EXAMPLES_PER_CALIBRATION_BIN;
  if (!Number.isInteger(maxBins) || maxBins < 1)
    throw new RangeError(`maxBins is ${maxBins}: give a whole number of bins of at least 1`);
  if (!Number.isInteger(minExamples) || minExamples < 1)
    throw new RangeError(`minExamplesPerBin is ${minExamples}: give a whole number of at least 1`);
  const total = examples.length;
  if (total === 0) return { bins: [], error: null };
  const target = Math.max(1, Math.min(maxBins, Math.floor(total / minExamples)));
  const sorted = [...examples].sort((one, two) => one.probability - two.probability);
  interface Accumulator {
    from: number;
    to: number;
    examples: number;
    weight: number;
    positives: number;
    predictedSum: number;
  }
  const bins = new Map<number, Accumulator>();
  let start = 0;
  while (start < total) {
    const probability = sorted[start]?.probability ?? 0;
    let end = start;
    while (end < total && sorted[end]?.probability === probability) end += 1;
    const index = Math.min(target - 1, Math.floor((target * (start + (end - start) / 2)) / total));
    const bin = bins.get(index) ?? {
      from: probability,
      to: probability,
      examples: 0,
      weight: 0,
      positives: 0,
      predictedSum: 0,
    };
    for (const example of sorted.slice(start, end)) {
      bin.examples += 1;
      bin.weight += example.weight;
      bin.predictedSum += example.weight * example.probability;
      if (example.label === 1) bin.positives += example.weight;
    }
    bin.to = probability;
    bins.set(index, bin);
    start = end;
  }
  const totalWeight = [...bins.values()].reduce((sum, bin) => sum + bin.weight, 0);
  let error = 0;
  const answer = [...bins.values()].map(({ predictedSum, ...bin }) => {
    const predicted = predictedSum / bin.weight;
    const observed = bin.positives / bin.weight;
    error += (bin.weight / totalWeight) * Math.abs(predicted - observed);
    return { ...bin, predicted, observed };
  });
  return { bins: answer, error };
}

/**
 * The examples with the probability the version gave each: the stored one when the window kept
 * probabilities (every window saved since), otherwise read back from its score through
 * `probabilityOfScore` (undefined when the score is not one the scale gives). `source` says which;
 * `missingScore` names the first score that could not be read back.
 */
export function predictedExamples(
  examples: readonly TestWindowExample[],
  probabilityOfScore: ((score: number) => number | undefined) | undefined,
):
  | { source: 'stored' | 'score-scale'; examples: PredictedExample[] }
  | { source: 'none'; missingScore: number | null } {
  if (examples.length > 0 && examples.every((example) => example.probability !== undefined)) {
    return {
      source: 'stored',
      examples: examples.map((example) => ({
        probability: example.probability ?? 0,
        label: example.label,
        weight: example.weight,
      })),
    };
  }
  if (probabilityOfScore === undefined) return { source: 'none', missingScore: null };
  const predicted: PredictedExample[] = [];
  for (const example of examples) {
    const probability = probabilityOfScore(example.score);
    if (probability === undefined) return { source: 'none', missingScore: example.score };
    predicted.push({ probability, label: example.label, weight: example.weight });
  }
  return { source: 'score-scale', examples: predicted };
}

export interface LiftDecile {
  /** 1 is the tenth of the window with the highest scores. */
  decile: number;
  /**
   * Weight of the examples in the decile. Examples sharing a score are shared between the deciles
   * their weight straddles in proportion (as the stored top-decile lift counts them), so this and
   * `positives` may be fractional.
   */
  examples: number;
  positives: number;
  /** The lowest and highest score with weight in the decile; null for an empty decile. */
  minScore: number | null;
  maxScore: number | null;
  /** positives / examples; null for an empty decile. */
  conversionRate: number | null;
  /** conversionRate / the window's base rate; null when either is missing or the base rate is 0. */
  lift: number | null;
}

export interface Lift {
  /** Weighted share of the window's examples that converted; null without examples. */
  baseRate: number | null;
  deciles: LiftDecile[];
}

/** Conversion rate per score decile, relative to the window's base rate. */
export function liftByDecile(examples: readonly TestWindowExample[], deciles = LIFT_DECILES): Lift {
  const groups = new Map<number, { weight: number; positives: number }>();
  let totalWeight = 0;
  let totalPositives = 0;
  for (const example of examples) {
    const group = groups.get(example.score) ?? { weight: 0, positives: 0 };
    group.weight += example.weight;
    if (example.label === 1) group.positives += example.weight;
    groups.set(example.score, group);
    totalWeight += example.weight;
    if (example.label === 1) totalPositives += example.weight;
  }
  const buckets = Array.from({ length: deciles }, () => ({
    examples: 0,
    positives: 0,
    minScore: null as number | null,
    maxScore: null as number | null,
  }));
  const capacity = totalWeight / deciles;
  let taken = 0;
  for (const [score, group] of [...groups.entries()].sort((one, two) => two[0] - one[0])) {
    let left = group.weight;
    while (left > totalWeight * 1e-12) {
      const index = Math.min(deciles - 1, Math.floor((taken + totalWeight * 1e-12) / capacity));
      const bucket = buckets[index];
      if (bucket === undefined) break;
      const room = index === deciles - 1 ? left : Math.min(left, (index + 1) * capacity - taken);
      const share = room / group.weight;
      bucket.examples += room;
      bucket.positives += share * group.positives;
      bucket.maxScore = bucket.maxScore === null ? score : Math.max(bucket.maxScore, score);
      bucket.minScore = bucket.minScore === null ? score : Math.min(bucket.minScore, score);
      taken += room;
      left -= room;
    }
  }
  const baseRate = totalWeight > 0 ? totalPositives / totalWeight : null;
  return {
    baseRate,
    deciles: buckets.map((bucket, index) => {
      const conversionRate = bucket.examples > 0 ? bucket.positives / bucket.examples : null;
      return {
        decile: index + 1,
        ...bucket,
        conversionRate,
        lift:
          conversionRate === null || baseRate === null || baseRate === 0 ? null : conversionRate / baseRate,
      };
    }),
  };
}

/** The cut points of a stored score scale, or undefined when the version's scale is not one. */
export function cutPointsOf(scale: unknown): number[] | undefined {
  try {
    return ScoreScale.fromJSON(scale).toJSON().cutPoints;
  } catch {
    return undefined;
  }
}
