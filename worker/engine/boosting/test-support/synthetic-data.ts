import type { FeatureMatrix } from '../../dataset/binned-dataset.ts';
import { SeededRandom } from '../../random/seeded-random.ts';

export interface SyntheticSet {
  matrix: FeatureMatrix;
  labels: Uint8Array;
}

/**
 * Rows whose label follows a known logistic model of a few features (the rest is noise), so tests
 * can assert what a good model must learn.
 */
export function logisticSet(numRows: number, seed: number, intercept = 0): SyntheticSet {
  const random = new SeededRandom(seed);
  const numFeatures = 6;
  const columns = Array.from({ length: numFeatures }, () => new Float64Array(numRows));
  const labels = new Uint8Array(numRows);
  for (let row = 0; row < numRows; row++) {
    for (let feature = 0; feature < numFeatures; feature++)
      columns[feature][row] = random.nextFloat() * 4 - 2;
    const logit =
      intercept + 2 * columns[0][row] - 1.5 * columns[1][row] + (columns[2][row] > 0.5 ? 1.5 : -0.5);
    labels[row] = random.nextFloat() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { matrix: { numRows, numFeatures, values: columns }, labels };
}

export function logLoss(labels: Uint8Array, rawScores: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = 1 / (1 + Math.exp(-rawScores[i]));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}
