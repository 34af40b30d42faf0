import { type CalibratorInput, checkFitInputs, type IsotonicCalibrator } from './calibrator.ts';

/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function closest (in
 * weighted squared error) to the 0/1 labels ordered by score. Tied scores are pooled first so equal
 * scores always get equal probabilities. The stored map joins each block's first and last score with
 * its value and interpolates linearly between blocks (as scikit-learn does); scores outside the
 * fitted range take the end values.
 */
export function fitIsotonic(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { input: CalibratorInput; weights?: ArrayLike<number> },
): IsotonicCalibrator {
  const { weights } = options;
  checkFitInputs(scores, labels, weights);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[a] - scores[b] || a - b,
  );

  // Blocks as parallel stacks: weighted label sum, weight, first and last score.
  const sum: number[] = [];
  const weight: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  let i = 0;
  while (i < order.length) {
    const score = scores[order[i]];
    let blockSum = 0;
    let blockWeight = 0;
    while (i < order.length && scores[order[i]] === score) {
      const w = weights === undefined ? 1 : weights[order[i]];
      blockSum += w * (labels[order[i]] > 0 ? 1 : 0);
      blockWeight += w;
      i += 1;
    }
    if (blockWeight <= 0) continue;
    sum.push(blockSum);
    weight.push(blockWeight);
    low.push(score);
    high.push(score);
    // Pool while the previous block's mean is above this one's.
    while (sum.length > 1) {
      const last = sum.length - 1;
      if (sum[last - 1] / weight[last - 1] <= sum[last] / weight[last]) break;
      sum[last - 1] += sum[last];
      weight[last - 1] += weight[last];
      high[last - 1] = high[last];
      sum.pop();
      weight.pop();
      low.pop();
      high.pop();
    }
  }
  if (sum.length === 0) throw new Error('calibration needs rows with positive weight');

  const x: number[] = [];
  const y: number[] = [];
  for (let block = 0; block < sum.length; block += 1) {
    const value = sum[block] / weight[block];
    x.push(low[block]);
    y.push(value);
    if (high[block] > low[block]) {
      x.push(high[block]);
      y.push(value);
    }
  }
  return { kind: 'isotonic', input: options.input, x, y };
}

export function applyIsotonic(calibrator: IsotonicCalibrator, score: number): number {
  const { x, y } = calibrator;
  if (Number.isNaN(score)) return Number.NaN;
  if (score <= x[0]) return y[0];
  const last = x.length - 1;
  if (score >= x[last]) return y[last];
  // Largest knot index with x[index] <= score.
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] <= score) lo = mid;
    else hi = mid;
  }
  const t = (score - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}
