import type { Model } from '../io/model.ts';
import { flattenModel, goesLeft } from '../predict/flat-forest.ts';

/**
 * Shapley values straight from the definition, for tests: enumerate every coalition S of the model's
 * features, with worth v(S) = the path-dependent expectation of the model output (at a split on a
 * feature in S follow the row; otherwise average both children weighted by their data counts).
 * Exponential in the number of features: only for models with a handful of them.
 */
export function bruteForceShapley(model: Model, row: Float64Array): Float64Array {
  const forest = flattenModel(model);
  const m = forest.numFeatures;
  if (m > 12) throw new Error('brute-force Shapley values are limited to 12 features');
  const worth = new Float64Array(1 << m);
  for (let coalition = 0; coalition < 1 << m; coalition += 1) {
    let total = 0;
    model.trees.forEach((tree, t) => {
      const count = (child: number): number =>
        child >= 0
          ? tree.internalCount[child - forest.nodeOffset[t]]
          : tree.leafCount[~child - forest.leafOffset[t]];
      const value = (node: number): number => {
        if (node < 0) return forest.leafValue[~node];
        const feature = forest.feature[node];
        if (((coalition >>> feature) & 1) === 1) {
          return value(goesLeft(forest, node, row[feature]) ? forest.left[node] : forest.right[node]);
        }
        const left = forest.left[node];
        const right = forest.right[node];
        return (count(left) * value(left) + count(right) * value(right)) / count(node);
      };
      total += value(forest.root[t]);
    });
    worth[coalition] = total;
  }
  const factorial = [1];
  for (let k = 1; k <= m; k += 1) factorial.push(factorial[k - 1] * k);
  const phi = new Float64Array(m + 1);
  for (let feature = 0; feature < m; feature += 1) {
    const bit = 1 << feature;
    for (let coalition = 0; coalition < 1 << m; coalition += 1) {
      if ((coalition & bit) !== 0) continue;
      let size = 0;
      for (let k = 0; k < m; k += 1) size += (coalition >>> k) & 1;
      const weight = (factorial[size] * factorial[m - size - 1]) / factorial[m];
      phi[feature] += weight * (worth[coalition | bit] - worth[coalition]);
    }
  }
  phi[m] = worth[0];
  return phi;
}
