import { weightAt } from '../engine/metric/metric.ts';
import { atThreshold, brierScore, logLoss } from '../engine/metric/probability-metrics.ts';
import { averagePrecision, liftAtTopFraction, rocAuc } from '../engine/metric/ranking-metrics.ts';

/** Equal-width probability bins of the expected calibration error. */
export const CALIBRATION_BINS = 10;

/**
 * Where precision and recall are read. `on: 'probability'`: a row is called positive when its
 * calibrated probability is at or above the threshold. `on: 'score'`: `score` turns the calibrated
 * probability into the 0-100 score shown to users (the segment's scale) and a row is called positive
 * when its score is at or above the threshold (a segment threshold as RevOps sets it).
 */
export type ScoreThresholds =
  | { on: 'probability'; thresholds: readonly number[] }
  | { on: 'score'; thresholds: readonly number[]; score: (probability: number) => number };

export interface ThresholdMetrics {
  threshold: number;
  /** Null when no row reaches the threshold. */
  precision: number | null;
  /** Null when the rows hold no positive. */
  recall: number | null;
}

/**
 * Test-window metrics of calibrated probabilities. Numbers that are undefined on the rows (a ranking
 * metric without both classes) are null, so the metrics survive JSON unchanged.
 */
export interface ModelMetrics {
  rocAuc: number | null;
  /** Average precision (the engine's averagePrecision). */
  prAuc: number | null;
  logLoss: number | null;
  brier: number | null;
  /** Expected calibration error over CALIBRATION_BINS equal-width bins (expectedCalibrationError). */
  ece: number | null;
  /** Positive rate of the top 10% by probability over the overall positive rate. */
  liftTopDecile: number | null;
  rows: number;
  positives: number;
  thresholdsOn: ScoreThresholds['on'];
  atThresholds: ThresholdMetrics[];
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * Expected calibration error: bin b holds probabilities in [b/10, (b+1)/10) (the last bin includes
 * 1), and ECE = Σ_b (weight in b / total weight) · |mean probability in b − observed rate in b|,
 * weighted by the example weights. NaN without rows.
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  weights?: ArrayLike<number>,
  bins = CALIBRATION_BINS,
): number {
  const binWeight = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(probabilities[i] * bins)));
    const weight = weightAt(weights, i);
    binWeight[bin] += weight;
    predicted[bin] += weight * probabilities[i];
    if (labels[i] > 0) observed[bin] += weight;
    total += weight;
  }
  if (total === 0) return Number.NaN;
  let sum = 0;
  for (let bin = 0; bin < bins; bin += 1) {
    if (binWeight[bin] > 0) sum += Math.abs(predicted[bin] - observed[bin]) / total;
  }
  return sum;
}

/** Every headline metric of calibrated probabilities against 0/1 labels (example weights applied). */
export function evaluateProbabilities(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  thresholds: ScoreThresholds = { on: 'probability', thresholds: [] },
): ModelMetrics {
  let positives = 0;
  for (let i = 0; i < labels.length; i += 1) if (labels[i] > 0) positives += 1;
  const empty = labels.length === 0;
  const calledOn =
    thresholds.on === 'score' ? Float64Array.from(probabilities, thresholds.score) : probabilities;
  return {
    rocAuc: empty ? null : finiteOrNull(rocAuc(labels, probabilities, weights)),
    prAuc: empty ? null : finiteOrNull(averagePrecision(labels, probabilities, weights)),
    logLoss: empty ? null : finiteOrNull(logLoss(labels, probabilities, weights)),
    brier: empty ? null : finiteOrNull(brierScore(labels, probabilities, weights)),
    ece: finiteOrNull(expectedCalibrationError(labels, probabilities, weights)),
    liftTopDecile: empty ? null : finiteOrNull(liftAtTopFraction(labels, probabilities, weights, 0.1)),
    rows: labels.length,
    positives,
    thresholdsOn: thresholds.on,
    atThresholds: thresholds.thresholds.map((threshold) => {
      const counts = atThreshold(labels, calledOn, threshold, weights);
      return {
        threshold,
        precision: finiteOrNull(counts.precision),
        recall: finiteOrNull(counts.recall),
      };
    }),
  };
}
