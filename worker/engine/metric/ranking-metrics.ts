import { checkInputs, orderByScoreDescending, weightAt } from './metric.ts';

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties counting one
 * half. Tied scores form one group, which adds a trapezoid to the ROC curve (the average-rank rule).
 * NaN when either class is absent (there is no ranking to judge).
 */
export function rocAuc(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkInputs(labels, scores, weights);
  const order = orderByScoreDescending(scores);
  let positivesAbove = 0;
  let area = 0;
  let totalPositive = 0;
  let totalNegative = 0;
  let i = 0;
  while (i < order.length) {
    let groupPositive = 0;
    let groupNegative = 0;
    const score = scores[order[i]];
    while (i < order.length && scores[order[i]] === score) {
      const row = order[i];
      const weight = weightAt(weights, row);
      if (labels[row] > 0) groupPositive += weight;
      else groupNegative += weight;
      i += 1;
    }
    area += groupNegative * (positivesAbove + groupPositive / 2);
    positivesAbove += groupPositive;
    totalPositive += groupPositive;
    totalNegative += groupNegative;
  }
  if (totalPositive === 0 || totalNegative === 0) return Number.NaN;
  return area / (totalPositive * totalNegative);
}

/**
 * PR AUC as average precision (the definition of scikit-learn's average_precision_score and
 * LightGBM's average_precision metric): the sum over score thresholds of the recall gained times the
 * precision there, AP = Σ (R_k − R_{k−1}) P_k, with no interpolation. Tied scores are one threshold.
 * NaN when there is no positive.
 */
export function averagePrecision(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  checkInputs(labels, scores, weights);
  const order = orderByScoreDescending(scores);
  let totalPositive = 0;
  for (let i = 0; i < labels.length; i += 1) if (labels[i] > 0) totalPositive += weightAt(weights, i);
  if (totalPositive === 0) return Number.NaN;
  let truePositive = 0;
  let predicted = 0;
  let sum = 0;
  let i = 0;
  while (i < order.length) {
    const score = scores[order[i]];
    let groupPositive = 0;
    while (i < order.length && scores[order[i]] === score) {
      const row = order[i];
      const weight = weightAt(weights, row);
      if (labels[row] > 0) groupPositive += weight;
      predicted += weight;
      i += 1;
    }
    truePositive += groupPositive;
    if (groupPositive > 0) sum += (groupPositive / totalPositive) * (truePositive / predicted);
  }
  return sum;
}

/**
 * Lift in the top decile: the positive rate among the highest-scored 10% of rows (by weight) divided
 * by the overall positive rate. When tied scores straddle the 10% cut, the tied group counts pro rata,
 * which is the expected lift under a random order of the ties. NaN without positives.
 */
export function liftAtTopFraction(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
  fraction = 0.1,
): number {
  checkInputs(labels, scores, weights);
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`lift fraction must be in (0, 1], got ${fraction}`);
  const order = orderByScoreDescending(scores);
  let totalWeight = 0;
  let totalPositive = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const weight = weightAt(weights, i);
    totalWeight += weight;
    if (labels[i] > 0) totalPositive += weight;
  }
  if (totalPositive === 0 || totalWeight === 0) return Number.NaN;
  const budget = fraction * totalWeight;
  let taken = 0;
  let takenPositive = 0;
  let i = 0;
  while (i < order.length && taken < budget) {
    const score = scores[order[i]];
    let groupWeight = 0;
    let groupPositive = 0;
    while (i < order.length && scores[order[i]] === score) {
      const row = order[i];
      const weight = weightAt(weights, row);
      groupWeight += weight;
      if (labels[row] > 0) groupPositive += weight;
      i += 1;
    }
    const share = Math.min(1, (budget - taken) / groupWeight);
    taken += share * groupWeight;
    takenPositive += share * groupPositive;
  }
  return takenPositive / taken / (totalPositive / totalWeight);
}
