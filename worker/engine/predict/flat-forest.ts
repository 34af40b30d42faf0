import type { Model } from '../io/model.ts';

/** LightGBM's kZeroThreshold: the float literal 1e-35f widened to double. */
export const ZERO_THRESHOLD = Math.fround(1e-35);

// Local copies of the decision_type bits: hot loops must not go through imported bindings.
const CATEGORICAL = 1;
const DEFAULT_LEFT = 2;

/**
 * All trees of a model packed into flat typed arrays, so prediction and explanation walk memory
 * linearly instead of chasing objects. Node indices are global across trees; a negative child `c`
 * is the global leaf `~c`, as in LightGBM's own arrays.
 */
export interface FlatForest {
  numTrees: number;
  numFeatures: number;
  /** Per tree: its root as a global child reference (a leaf reference for one-leaf trees). */
  root: Int32Array;
  /** Per tree: global index of its leaf 0 and of its node 0. */
  leafOffset: Int32Array;
  nodeOffset: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  decisionType: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Categorical nodes: where their bitset starts in `catBits` and how many 32-bit words it has. */
  catStart: Int32Array;
  catWords: Int32Array;
  catBits: Uint32Array;
  leafValue: Float64Array;
}

const cache = new WeakMap<Model, { trees: Model['trees']; count: number; forest: FlatForest }>();

/**
 * The flat form of a model, built once per model object (and again if its tree list was replaced or
 * grew, so a model scored while it is being built is never scored with stale trees).
 */
export function flattenModel(model: Model): FlatForest {
  const cached = cache.get(model);
  if (cached !== undefined && cached.trees === model.trees && cached.count === model.trees.length) {
    return cached.forest;
  }
  const forest = buildFlatForest(model);
  cache.set(model, { trees: model.trees, count: model.trees.length, forest });
  return forest;
}

function buildFlatForest(model: Model): FlatForest {
  const trees = model.trees;
  let nodes = 0;
  let leaves = 0;
  let words = 0;
  for (const tree of trees) {
    nodes += tree.numLeaves - 1;
    leaves += tree.numLeaves;
    words += tree.catThreshold.length;
  }
  const forest: FlatForest = {
    numTrees: trees.length,
    numFeatures: model.maxFeatureIdx + 1,
    root: new Int32Array(trees.length),
    leafOffset: new Int32Array(trees.length),
    nodeOffset: new Int32Array(trees.length),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    decisionType: new Uint8Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    catStart: new Int32Array(nodes),
    catWords: new Int32Array(nodes),
    catBits: new Uint32Array(words),
    leafValue: new Float64Array(leaves),
  };
  let nodeBase = 0;
  let leafBase = 0;
  let wordBase = 0;
  trees.forEach((tree, t) => {
    forest.nodeOffset[t] = nodeBase;
    forest.leafOffset[t] = leafBase;
    forest.root[t] = tree.numLeaves > 1 ? nodeBase : ~leafBase;
    const relink = (child: number): number => (child >= 0 ? child + nodeBase : ~(~child + leafBase));
    for (let node = 0; node < tree.numLeaves - 1; node += 1) {
      const g = nodeBase + node;
      forest.feature[g] = tree.splitFeature[node];
      forest.threshold[g] = tree.threshold[node];
      forest.decisionType[g] = tree.decisionType[node];
      forest.left[g] = relink(tree.leftChild[node]);
      forest.right[g] = relink(tree.rightChild[node]);
      if ((tree.decisionType[node] & CATEGORICAL) !== 0) {
        const set = tree.threshold[node];
        forest.catStart[g] = wordBase + tree.catBoundaries[set];
        forest.catWords[g] = tree.catBoundaries[set + 1] - tree.catBoundaries[set];
      }
    }
    forest.leafValue.set(tree.leafValue, leafBase);
    forest.catBits.set(tree.catThreshold, wordBase);
    nodeBase += tree.numLeaves - 1;
    leafBase += tree.numLeaves;
    wordBase += tree.catThreshold.length;
  });
  return forest;
}

/**
 * LightGBM's decision at one node (tree.h NumericalDecision / CategoricalDecision), true = left.
 *
 * Numerical: NaN counts as 0 unless the node's missing type is NaN. Missing type Zero sends values in
 * [-1e-35f, 1e-35f] (so also NaN) the default way; missing type NaN sends NaN the default way; all
 * other values go left when value <= threshold.
 * Categorical: NaN and negative values go right; otherwise the value is truncated to an int (as C++'s
 * static_cast does, so -0.5 becomes category 0) and goes left when its bit is set in the node's set.
 */
export function goesLeft(forest: FlatForest, node: number, value: number): boolean {
  const type = forest.decisionType[node];
  if ((type & CATEGORICAL) !== 0) {
    if (Number.isNaN(value)) return false;
    const category = Math.trunc(value);
    // static_cast<int> of a value beyond int range yields INT_MIN on x86: negative, so right.
    if (category < 0 || category > 2147483647) return false;
    const word = category >>> 5;
    if (word >= forest.catWords[node]) return false;
    return ((forest.catBits[forest.catStart[node] + word] >>> (category & 31)) & 1) === 1;
  }
  const missing = (type >> 2) & 3;
  if (Number.isNaN(value)) {
    // NaN: the default direction for missing type NaN and Zero (NaN counts as 0), else compare 0.
    return missing === 1 || missing === 2 ? (type & DEFAULT_LEFT) !== 0 : 0 <= forest.threshold[node];
  }
  if (missing === 1 && value >= -ZERO_THRESHOLD && value <= ZERO_THRESHOLD)
    return (type & DEFAULT_LEFT) !== 0;
  return value <= forest.threshold[node];
}

/** Global leaf index that a row (starting at `offset` in `row`) reaches in tree `t`. */
export function leafOf(forest: FlatForest, t: number, row: Float64Array, offset: number): number {
  let node = forest.root[t];
  while (node >= 0) {
    node = goesLeft(forest, node, row[offset + forest.feature[node]])
      ? forest.left[node]
      : forest.right[node];
  }
  return ~node;
}
