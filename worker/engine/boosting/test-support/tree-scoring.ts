import type { FeatureMatrix } from '../../dataset/binned-dataset.ts';
import type { Model } from '../../io/model.ts';
import { isCategorical, isDefaultLeft, MissingType, missingType, type Tree } from '../../tree/tree.ts';

/**
 * A plain reading of LightGBM's tree decision rules on raw values, for tests of the trainer (the
 * product's predictor lives in the prediction module).
 */
export function treeOutput(tree: Tree, value: (feature: number) => number): number {
  if (tree.numLeaves <= 1) return tree.leafValue[0];
  let node = 0;
  while (node >= 0) {
    const x = value(tree.splitFeature[node]);
    const decision = tree.decisionType[node];
    let left: boolean;
    if (isCategorical(decision)) {
      const category = Number.isNaN(x) ? -1 : Math.trunc(x);
      const k = tree.threshold[node];
      const begin = tree.catBoundaries[k];
      const words = tree.catBoundaries[k + 1] - begin;
      left =
        category >= 0 &&
        category >> 5 < words &&
        ((tree.catThreshold[begin + (category >> 5)] >>> (category & 31)) & 1) === 1;
    } else {
      const kind = missingType(decision);
      let v = x;
      if (Number.isNaN(v) && kind !== MissingType.NaN) v = 0;
      if ((kind === MissingType.NaN && Number.isNaN(v)) || (kind === MissingType.Zero && v === 0))
        left = isDefaultLeft(decision);
      else left = v <= tree.threshold[node];
    }
    node = left ? tree.leftChild[node] : tree.rightChild[node];
  }
  return tree.leafValue[~node];
}

export function rawScores(model: Model, matrix: FeatureMatrix): Float64Array {
  const { values, numFeatures } = matrix;
  const scores = new Float64Array(matrix.numRows);
  for (let row = 0; row < matrix.numRows; row++) {
    const value =
      values instanceof Float64Array
        ? (feature: number) => values[row * numFeatures + feature]
        : (feature: number) => values[feature][row];
    let sum = 0;
    for (const tree of model.trees) sum += treeOutput(tree, value);
    scores[row] = sum;
  }
  return scores;
}

/** ROC AUC with average ranks for ties. */
export function rocAuc(labels: Uint8Array, scores: Float64Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  for (const label of labels) positives += label;
  const negatives = labels.length - positives;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) rankSum += (i + j) / 2 + 1;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
