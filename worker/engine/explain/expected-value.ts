import type { Model } from '../io/model.ts';
import type { Tree } from '../tree/tree.ts';

/**
 * A tree's expected output over the training data, as LightGBM computes it for predict_contrib
 * (Tree::ExpectedValue): leaf values weighted by leaf_count / internal_count[0].
 */
export function treeExpectedValue(tree: Tree): number {
  if (tree.numLeaves === 1) return tree.leafValue[0];
  const total = tree.internalCount[0];
  let value = 0;
  for (let leaf = 0; leaf < tree.numLeaves; leaf += 1)
    value += (tree.leafCount[leaf] / total) * tree.leafValue[leaf];
  return value;
}

export function treeExpectedValues(model: Model): Float64Array {
  return Float64Array.from(model.trees, treeExpectedValue);
}

/** The model's expected raw score: the last column of every contribution row. */
export function modelExpectedValue(model: Model): number {
  let sum = 0;
  for (const tree of model.trees) sum += treeExpectedValue(tree);
  return sum;
}
