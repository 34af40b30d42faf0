import type { Model } from '../io/model.ts';
import { type FlatForest, flattenModel, goesLeft } from '../predict/flat-forest.ts';
import { treeExpectedValues } from './expected-value.ts';

/**
 * Path-dependent TreeSHAP in its original recursive form (Lundberg et al. 2018, Algorithm 2, the
 * one LightGBM's predict_contrib runs). It is O(leaves × depth²) per tree and row, so the product uses
 * FastTreeShap; this version is the independent reference the tests compare against.
 */
interface PathEntry {
  feature: number;
  zero: number;
  one: number;
  weight: number;
}

export function explainReference(model: Model, row: Float64Array, offset = 0): Float64Array {
  const forest = flattenModel(model);
  const phi = new Float64Array(forest.numFeatures + 1);
  const expected = treeExpectedValues(model);
  for (let t = 0; t < forest.numTrees; t += 1) {
    phi[forest.numFeatures] += expected[t];
    if (forest.root[t] >= 0) {
      const tree = model.trees[t];
      const count = (child: number): number =>
        child >= 0
          ? tree.internalCount[child - forest.nodeOffset[t]]
          : tree.leafCount[~child - forest.leafOffset[t]];
      recurse(forest, count, row, offset, phi, forest.root[t], [], 1, 1, -1);
    }
  }
  return phi;
}

function recurse(
  forest: FlatForest,
  count: (child: number) => number,
  row: Float64Array,
  offset: number,
  phi: Float64Array,
  node: number,
  parentPath: PathEntry[],
  zero: number,
  one: number,
  feature: number,
): void {
  const path = parentPath.map((entry) => ({ ...entry }));
  extend(path, zero, one, feature);
  if (node < 0) {
    const value = forest.leafValue[~node];
    for (let i = 1; i < path.length; i += 1) {
      const weight = unwoundSum(path, i);
      phi[path[i].feature] += weight * (path[i].one - path[i].zero) * value;
    }
    return;
  }
  const split = forest.feature[node];
  const left = goesLeft(forest, node, row[offset + split]);
  const hot = left ? forest.left[node] : forest.right[node];
  const cold = left ? forest.right[node] : forest.left[node];
  const total = count(node);
  let incomingZero = 1;
  let incomingOne = 1;
  const previous = path.findIndex((entry) => entry.feature === split);
  if (previous >= 0) {
    incomingZero = path[previous].zero;
    incomingOne = path[previous].one;
    unwind(path, previous);
  }
  recurse(
    forest,
    count,
    row,
    offset,
    phi,
    hot,
    path,
    (count(hot) / total) * incomingZero,
    incomingOne,
    split,
  );
  recurse(forest, count, row, offset, phi, cold, path, (count(cold) / total) * incomingZero, 0, split);
}

function extend(path: PathEntry[], zero: number, one: number, feature: number): void {
  const depth = path.length;
  path.push({ feature, zero, one, weight: depth === 0 ? 1 : 0 });
  for (let i = depth - 1; i >= 0; i -= 1) {
    path[i + 1].weight += (one * path[i].weight * (i + 1)) / (depth + 1);
    path[i].weight = (zero * path[i].weight * (depth - i)) / (depth + 1);
  }
}

function unwind(path: PathEntry[], index: number): void {
  const depth = path.length - 1;
  const { one, zero } = path[index];
  let next = path[depth].weight;
  for (let i = depth - 1; i >= 0; i -= 1) {
    if (one !== 0) {
      const kept = path[i].weight;
      path[i].weight = (next * (depth + 1)) / ((i + 1) * one);
      next = kept - (path[i].weight * zero * (depth - i)) / (depth + 1);
    } else {
      path[i].weight = (path[i].weight * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i += 1) {
    path[i].feature = path[i + 1].feature;
    path[i].zero = path[i + 1].zero;
    path[i].one = path[i + 1].one;
  }
  path.pop();
}

function unwoundSum(path: PathEntry[], index: number): number {
  const depth = path.length - 1;
  const { one, zero } = path[index];
  let next = path[depth].weight;
  let total = 0;
  for (let i = depth - 1; i >= 0; i -= 1) {
    if (one !== 0) {
      const part = (next * (depth + 1)) / ((i + 1) * one);
      total += part;
      next = path[i].weight - part * zero * ((depth - i) / (depth + 1));
    } else {
      total += path[i].weight / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}
