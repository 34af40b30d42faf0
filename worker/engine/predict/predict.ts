import type { Model } from '../io/model.ts';
import { type FlatForest, flattenModel, leafOf } from './flat-forest.ts';

/** Number of rows in a row-major matrix, checking that its length fits the model's width. */
export function rowCount(forest: FlatForest, matrix: Float64Array): number {
  const width = forest.numFeatures;
  if (matrix.length % width !== 0) {
    throw new Error(
      `the input matrix has ${matrix.length} values, not a multiple of the model's ${width} features per row`,
    );
  }
  return matrix.length / width;
}

/**
 * Raw scores (log-odds): the sum of every tree's leaf value, in tree order as LightGBM adds them.
 * `matrix` is row-major, rows × features in model order, NaN for missing.
 */
export function predictRaw(model: Model, matrix: Float64Array): Float64Array {
  const forest = flattenModel(model);
  const rows = rowCount(forest, matrix);
  const width = forest.numFeatures;
  const out = new Float64Array(rows);
  for (let row = 0; row < rows; row += 1) {
    const offset = row * width;
    let sum = 0;
    for (let t = 0; t < forest.numTrees; t += 1) sum += forest.leafValue[leafOf(forest, t, matrix, offset)];
    out[row] = sum;
  }
  return out;
}

/** Probabilities of the positive class: LightGBM's binary output transform of the raw score. */
export function predictProbability(model: Model, matrix: Float64Array): Float64Array {
  const raw = predictRaw(model, matrix);
  return rawToProbability(model, raw);
}

/** Applies the model's output transform in place-free fashion (averaging for random-forest models). */
export function rawToProbability(model: Model, raw: Float64Array): Float64Array {
  const iterations = Math.max(1, model.trees.length / model.numTreePerIteration);
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) {
    const score = model.averageOutput ? raw[i] / iterations : raw[i];
    out[i] = 1 / (1 + Math.exp(-model.sigmoid * score));
  }
  return out;
}

/** Leaf reached in every tree, per row (rows × trees, tree-local leaf indices), like predict_leaf_index. */
export function predictLeafIndex(model: Model, matrix: Float64Array): Int32Array {
  const forest = flattenModel(model);
  const rows = rowCount(forest, matrix);
  const out = new Int32Array(rows * forest.numTrees);
  for (let row = 0; row < rows; row += 1) {
    for (let t = 0; t < forest.numTrees; t += 1) {
      out[row * forest.numTrees + t] =
        leafOf(forest, t, matrix, row * forest.numFeatures) - forest.leafOffset[t];
    }
  }
  return out;
}
