import type { Tree } from '../tree/tree.ts';
import type { Model } from './model.ts';

/** A tree written as nested nodes, for tests and examples; the builder assigns LightGBM's indices. */
export type NodeSpec = LeafSpec | SplitSpec;

export interface LeafSpec {
  value: number;
  count: number;
}

export interface SplitSpec {
  feature: number;
  /** Numerical split: left when value <= threshold. */
  threshold?: number;
  /** Categorical split: the categories that go left. */
  categories?: number[];
  /** Missing type: 0 none, 1 zero, 2 NaN. */
  missing?: 0 | 1 | 2;
  defaultLeft?: boolean;
  left: NodeSpec;
  right: NodeSpec;
}

function isLeaf(spec: NodeSpec): spec is LeafSpec {
  return (spec as LeafSpec).value !== undefined;
}

function countOf(spec: NodeSpec): number {
  return isLeaf(spec) ? spec.count : countOf(spec.left) + countOf(spec.right);
}

/** Builds a Tree (internal nodes numbered in pre-order, leaves left to right). */
export function buildTree(spec: NodeSpec, shrinkage = 1): Tree {
  const nodes: SplitSpec[] = [];
  const leaves: LeafSpec[] = [];
  const index = new Map<NodeSpec, number>();
  const visit = (node: NodeSpec): void => {
    if (isLeaf(node)) {
      index.set(node, ~leaves.length);
      leaves.push(node);
      return;
    }
    index.set(node, nodes.length);
    nodes.push(node);
    visit(node.left);
    visit(node.right);
  };
  visit(spec);
  const internal = nodes.length;
  const categorySets = nodes.filter((node) => node.categories !== undefined);
  const catBoundaries = [0];
  const catThreshold: number[] = [];
  const tree: Tree = {
    numLeaves: leaves.length,
    numCat: categorySets.length,
    splitFeature: new Int32Array(internal),
    splitGain: new Float64Array(internal),
    threshold: new Float64Array(internal),
    decisionType: new Uint8Array(internal),
    leftChild: new Int32Array(internal),
    rightChild: new Int32Array(internal),
    leafValue: Float64Array.from(leaves, (leaf) => leaf.value),
    leafWeight: Float64Array.from(leaves, (leaf) => leaf.count),
    leafCount: Int32Array.from(leaves, (leaf) => leaf.count),
    internalValue: new Float64Array(internal),
    internalWeight: new Float64Array(internal),
    internalCount: new Int32Array(internal),
    catBoundaries: new Int32Array(0),
    catThreshold: new Uint32Array(0),
    isLinear: false,
    shrinkage,
  };
  nodes.forEach((node, i) => {
    tree.splitFeature[i] = node.feature;
    tree.splitGain[i] = 1;
    tree.leftChild[i] = index.get(node.left) as number;
    tree.rightChild[i] = index.get(node.right) as number;
    tree.internalCount[i] = countOf(node);
    tree.internalWeight[i] = countOf(node);
    let type = ((node.missing ?? 0) << 2) | (node.defaultLeft ? 2 : 0);
    if (node.categories !== undefined) {
      type |= 1;
      tree.threshold[i] = catBoundaries.length - 1;
      const words = Math.floor(Math.max(0, ...node.categories) / 32) + 1;
      const bits = new Array<number>(words).fill(0);
      for (const category of node.categories)
        bits[category >>> 5] = (bits[category >>> 5] | (1 << (category & 31))) >>> 0;
      catThreshold.push(...bits);
      catBoundaries.push(catThreshold.length);
    } else {
      tree.threshold[i] = node.threshold ?? 0;
    }
    tree.decisionType[i] = type;
  });
  tree.catBoundaries = categorySets.length > 0 ? Int32Array.from(catBoundaries) : new Int32Array(0);
  tree.catThreshold = Uint32Array.from(catThreshold);
  return tree;
}

/** A binary model over `numFeatures` features named Column_0.. with the given trees. */
export function buildModel(trees: Tree[], numFeatures: number): Model {
  return {
    numClass: 1,
    numTreePerIteration: 1,
    labelIndex: 0,
    maxFeatureIdx: numFeatures - 1,
    objective: 'binary sigmoid:1',
    sigmoid: 1,
    averageOutput: false,
    featureNames: Array.from({ length: numFeatures }, (_, i) => `Column_${i}`),
    featureInfos: Array.from({ length: numFeatures }, () => '[0:1]'),
    trees,
  };
}
