import { brierScore, logLoss } from './probability-metrics.ts';
import { averagePrecision, liftAtTopFraction, rocAuc } from './ranking-metrics.ts';

export interface BinaryReport {
  auc: number;
  /** Average precision (see averagePrecision). */
  prAuc: number;
  logloss: number;
  brier: number;
  liftTopDecile: number;
  rows: number;
  positiveRate: number;
}

/** Every headline metric for labels and predicted probabilities. */
export function binaryReport(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  weights?: ArrayLike<number>,
): BinaryReport {
  let positives = 0;
  for (let i = 0; i < labels.length; i += 1) if (labels[i] > 0) positives += 1;
  return {
    auc: rocAuc(labels, probabilities, weights),
    prAuc: averagePrecision(labels, probabilities, weights),
    logloss: logLoss(labels, probabilities, weights),
    brier: brierScore(labels, probabilities, weights),
    liftTopDecile: liftAtTopFraction(labels, probabilities, weights, 0.1),
    rows: labels.length,
    positiveRate: labels.length === 0 ? Number.NaN : positives / labels.length,
  };
}
