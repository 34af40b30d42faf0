import type { Model } from '../io/model.ts';
import { buildModel } from '../io/model-builder.ts';
import { SeededRandom } from '../random/seeded-random.ts';
import type { Tree } from '../tree/tree.ts';

/**
 * Random trees shaped like LightGBM's leaf-wise growth (the biggest leaves tend to split first), with
 * numerical splits of every missing type and categorical splits, for tests and benchmarks.
 */
export interface RandomModelOptions {
  seed: number;
  numTrees: number;
  numLeaves: number;
  numFeatures: number;
  /** Features whose splits are categorical (codes 0..categoryCount-1). */
  categoricalFeatures?: number[];
  categoryCount?: number;
  maxDepth?: number;
  rootCount?: number;
}

interface GrowingLeaf {
  count: number;
  depth: number;
  /** Where the leaf hangs: parent node and side, or -1 for the root. */
  parent: number;
  left: boolean;
}

export function randomModel(options: RandomModelOptions): Model {
  const random = new SeededRandom(options.seed);
  const trees: Tree[] = [];
  for (let t = 0; t < options.numTrees; t += 1) trees.push(randomTree(random, options));
  return buildModel(trees, options.numFeatures);
}

function randomTree(random: SeededRandom, options: RandomModelOptions): Tree {
  const categorical = new Set(options.categoricalFeatures ?? []);
  const categoryCount = options.categoryCount ?? 8;
  const maxDepth = options.maxDepth ?? 64;
  const leaves: GrowingLeaf[] = [{ count: options.rootCount ?? 10_000, depth: 0, parent: -1, left: true }];
  const splitFeature: number[] = [];
  const threshold: number[] = [];
  const decisionType: number[] = [];
  const leftChild: number[] = [];
  const rightChild: number[] = [];
  const catBoundaries = [0];
  const catThreshold: number[] = [];

  while (leaves.length < options.numLeaves) {
    const candidates = leaves
      .map((leaf, index) => ({ leaf, index }))
      .filter(({ leaf }) => leaf.count >= 2 && leaf.depth < maxDepth);
    if (candidates.length === 0) break;
    const total = candidates.reduce((sum, { leaf }) => sum + leaf.count, 0);
    let pick = random.nextFloat() * total;
    let chosen = candidates[candidates.length - 1];
    for (const candidate of candidates) {
      pick -= candidate.leaf.count;
      if (pick < 0) {
        chosen = candidate;
        break;
      }
    }
    const node = splitFeature.length;
    const leaf = chosen.leaf;
    const feature = random.nextInt(options.numFeatures);
    splitFeature.push(feature);
    if (categorical.has(feature)) {
      const words = Math.ceil(categoryCount / 32);
      const bits = new Array<number>(words).fill(0);
      for (let c = 0; c < categoryCount; c += 1) {
        if (random.nextFloat() < 0.4) bits[c >>> 5] = (bits[c >>> 5] | (1 << (c & 31))) >>> 0;
      }
      threshold.push(catBoundaries.length - 1);
      catThreshold.push(...bits);
      catBoundaries.push(catThreshold.length);
      decisionType.push(1 | (random.nextFloat() < 0.5 ? 8 : 0));
    } else {
      threshold.push(Math.round((random.nextFloat() * 4 - 1) * 4) / 4 + 0.125);
      const missing = random.nextInt(3);
      decisionType.push((missing << 2) | (random.nextFloat() < 0.5 ? 2 : 0));
    }
    const leftCount = 1 + random.nextInt(leaf.count - 1);
    const newLeaf: GrowingLeaf = {
      count: leaf.count - leftCount,
      depth: leaf.depth + 1,
      parent: node,
      left: false,
    };
    const oldIndex = chosen.index;
    if (leaf.parent >= 0) {
      if (leaf.left) leftChild[leaf.parent] = node;
      else rightChild[leaf.parent] = node;
    }
    leftChild.push(~oldIndex);
    rightChild.push(~leaves.length);
    leaves[oldIndex] = { count: leftCount, depth: leaf.depth + 1, parent: node, left: true };
    leaves.push(newLeaf);
  }

  const numLeaves = leaves.length;
  const internalCount = new Int32Array(numLeaves - 1);
  const countOf = (child: number): number => {
    if (child < 0) return leaves[~child].count;
    internalCount[child] = countOf(leftChild[child]) + countOf(rightChild[child]);
    return internalCount[child];
  };
  if (numLeaves > 1) countOf(0);
  const leafValue = Float64Array.from(leaves, () => (random.nextFloat() - 0.5) * 0.4);
  return {
    numLeaves,
    numCat: catBoundaries.length - 1,
    splitFeature: Int32Array.from(splitFeature),
    splitGain: Float64Array.from(splitFeature, () => 1),
    threshold: Float64Array.from(threshold),
    decisionType: Uint8Array.from(decisionType),
    leftChild: Int32Array.from(leftChild),
    rightChild: Int32Array.from(rightChild),
    leafValue,
    leafWeight: Float64Array.from(leaves, (leaf) => leaf.count * 0.25),
    leafCount: Int32Array.from(leaves, (leaf) => leaf.count),
    internalValue: new Float64Array(numLeaves - 1),
    internalWeight: Float64Array.from(internalCount, (count) => count * 0.25),
    internalCount,
    catBoundaries: catBoundaries.length > 1 ? Int32Array.from(catBoundaries) : new Int32Array(0),
    catThreshold: Uint32Array.from(catThreshold),
    isLinear: false,
    shrinkage: 0.1,
  };
}

/** Rows mixing NaN, exact zeros, values within 1e-35 of zero, category codes and continuous values. */
export function randomRows(seed: number, rows: number, numFeatures: number): Float64Array {
  const random = new SeededRandom(seed);
  const matrix = new Float64Array(rows * numFeatures);
  for (let i = 0; i < matrix.length; i += 1) {
    const kind = random.nextFloat();
    if (kind < 0.12) matrix[i] = Number.NaN;
    else if (kind < 0.22) matrix[i] = 0;
    else if (kind < 0.25) matrix[i] = 1e-36;
    else if (kind < 0.55) matrix[i] = random.nextInt(9);
    else matrix[i] = random.nextFloat() * 4 - 1;
  }
  return matrix;
}
