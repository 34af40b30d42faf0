import { checkInputs, weightAt } from './metric.ts';

/** LightGBM's kEpsilon (1e-15f): probabilities are kept this far from 0 and 1 inside the log. */
const EPSILON = Math.fround(1e-15);

/** Mean binary log loss, computed as LightGBM's binary_logloss metric does (clamped at 1e-15f). */
export function logLoss(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkInputs(labels, probabilities, weights);
  let sum = 0;
  let totalWeight = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const p = probabilities[i];
    let loss: number;
    if (labels[i] > 0) loss = p > EPSILON ? -Math.log(p) : -Math.log(EPSILON);
    else loss = 1 - p > EPSILON ? -Math.log(1 - p) : -Math.log(EPSILON);
    const weight = weightAt(weights, i);
    sum += weight * loss;
    totalWeight += weight;
  }
  return sum / totalWeight;
}

/** Brier score: the mean squared difference between probability and outcome (0 is perfect). */
export function brierScore(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkInputs(labels, probabilities, weights);
  let sum = 0;
  let totalWeight = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const error = probabilities[i] - (labels[i] > 0 ? 1 : 0);
    const weight = weightAt(weights, i);
    sum += weight * error * error;
    totalWeight += weight;
  }
  return sum / totalWeight;
}

export interface ThresholdCounts {
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
  /** TP / (TP + FP); NaN when no row reaches the threshold. */
  precision: number;
  /** TP / (TP + FN); NaN when there is no positive. */
  recall: number;
}

/** Precision and recall when rows scoring at or above `threshold` are called positive. */
export function atThreshold(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
  weights?: ArrayLike<number>,
): ThresholdCounts {
  checkInputs(labels, scores, weights);
  let truePositive = 0;
  let falsePositive = 0;
  let trueNegative = 0;
  let falseNegative = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const weight = weightAt(weights, i);
    const predicted = scores[i] >= threshold;
    if (labels[i] > 0) {
      if (predicted) truePositive += weight;
      else falseNegative += weight;
    } else if (predicted) falsePositive += weight;
    else trueNegative += weight;
  }
  const called = truePositive + falsePositive;
  const positives = truePositive + falseNegative;
  return {
    truePositive,
    falsePositive,
    trueNegative,
    falseNegative,
    precision: called === 0 ? Number.NaN : truePositive / called,
    recall: positives === 0 ? Number.NaN : truePositive / positives,
  };
}
