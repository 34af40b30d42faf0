import type { Model } from '../io/model.ts';
import { type FlatForest, flattenModel } from '../predict/flat-forest.ts';
import { modelExpectedValue } from './expected-value.ts';
import { buildLeafTable, MAX_TABLE_BITS } from './leaf-path-tables.ts';

/**
 * Most table entries (doubles) one explainer may hold: 64 MB. A 300-tree, 31-leaf model needs about
 * a million; deep, many-leaf models hit the cap and their deepest leaves use the per-row fallback.
 */
export const MAX_TABLE_ENTRIES = 8 * 1024 * 1024;

/**
 * Everything exact path-dependent TreeSHAP needs that does not depend on the row: per-node layout for
 * the top-down pass, per-leaf path features and tables (see leaf-path-tables.ts for the derivation).
 */
export interface TreeShapExplainer {
  forest: FlatForest;
  numFeatures: number;
  expectedValue: number;
  /** Per tree: range of its internal nodes (global ids) in parent-before-child order. */
  preorderStart: Int32Array;
  preorder: Int32Array;
  /** Per global node: scratch slots of its children (internal node n → n, leaf l → internal + l). */
  leftSlot: Int32Array;
  rightSlot: Int32Array;
  /** Per global node: the bit of its feature in the path's feature list (0 beyond table depth). */
  bit: Int32Array;
  /**
   * Per global node: 0 numerical without zero-as-missing (NaN goes `nanLeft`), 1 numerical with
   * zero-as-missing, 2 categorical; lets the hot loop skip the general decision for most nodes.
   */
  nodeKind: Uint8Array;
  nanLeft: Uint8Array;
  /** Per tree: 1 when some leaf has no table and needs the per-row fallback. */
  hasDirectLeaf: Uint8Array;
  /** Per global leaf: number of distinct path features, where they start in the arrays below. */
  leafDepth: Int32Array;
  leafStart: Int32Array;
  pathFeature: Int32Array;
  /** (1 - q) / q per path feature, for table leaves; q itself for the fallback. */
  pathRatio: Float64Array;
  pathCover: Float64Array;
  /** Per global leaf: offset of its table in `tables`, or -1 for the fallback. */
  tableOffset: Int32Array;
  tables: Float64Array;
  /** Fallback leaves: their path nodes (global id, direction, feature position). */
  fallbackStart: Int32Array;
  fallbackNode: Int32Array;
  fallbackLeft: Uint8Array;
  fallbackPosition: Int32Array;
  maxNodes: number;
}

interface LeafPlan {
  features: number[];
  cover: number[];
  nodes: number[];
  lefts: number[];
  positions: number[];
}

/** Precomputes everything that does not depend on the row; build once per model. */
export function createTreeShapExplainer(
  model: Model,
  options: { maxTableEntries?: number } = {},
): TreeShapExplainer {
  const forest = flattenModel(model);
  const nodes = forest.feature.length;
  const leaves = forest.leafValue.length;
  const preorder: number[] = [];
  const preorderStart = new Int32Array(forest.numTrees + 1);
  const leftSlot = new Int32Array(nodes);
  const rightSlot = new Int32Array(nodes);
  const bit = new Int32Array(nodes);
  const hasDirectLeaf = new Uint8Array(forest.numTrees);
  const plans: LeafPlan[] = new Array(leaves);
  let maxNodes = 0;

  model.trees.forEach((tree, t) => {
    preorderStart[t] = preorder.length;
    const nodeBase = forest.nodeOffset[t];
    const leafBase = forest.leafOffset[t];
    const internal = tree.numLeaves - 1;
    maxNodes = Math.max(maxNodes, internal);
    const count = (child: number): number =>
      child >= 0 ? tree.internalCount[child - nodeBase] : tree.leafCount[~child - leafBase];
    const slotOf = (child: number): number => (child >= 0 ? child - nodeBase : internal + ~child - leafBase);
    const walk = (node: number, plan: LeafPlan): void => {
      if (node < 0) {
        plans[~node] = plan;
        return;
      }
      preorder.push(node);
      leftSlot[node] = slotOf(forest.left[node]);
      rightSlot[node] = slotOf(forest.right[node]);
      const feature = forest.feature[node];
      let position = plan.features.indexOf(feature);
      const features = position < 0 ? [...plan.features, feature] : plan.features;
      if (position < 0) position = features.length - 1;
      bit[node] = position < MAX_TABLE_BITS ? 1 << position : 0;
      for (const [child, left] of [
        [forest.left[node], 1],
        [forest.right[node], 0],
      ]) {
        const cover = [...plan.cover];
        if (cover.length < features.length) cover.push(1);
        cover[position] *= count(child) / count(node);
        walk(child, {
          features,
          cover,
          nodes: [...plan.nodes, node],
          lefts: [...plan.lefts, left],
          positions: [...plan.positions, position],
        });
      }
    };
    if (forest.root[t] >= 0)
      walk(forest.root[t], { features: [], cover: [], nodes: [], lefts: [], positions: [] });
  });
  preorderStart[forest.numTrees] = preorder.length;

  const leafDepth = new Int32Array(leaves);
  const leafStart = new Int32Array(leaves + 1);
  const tableOffset = new Int32Array(leaves).fill(-1);
  const fallbackStart = new Int32Array(leaves + 1);
  let pathLength = 0;
  let tableLength = 0;
  let fallbackLength = 0;
  // Tables go to the shallowest leaves first until the memory budget is spent.
  const tabled = new Uint8Array(leaves);
  const candidates = plans
    .map((plan, leaf) => ({ plan, leaf }))
    .filter(
      ({ plan }) =>
        plan !== undefined && plan.features.length <= MAX_TABLE_BITS && plan.cover.every((q) => q > 0),
    )
    .sort((a, b) => a.plan.features.length - b.plan.features.length || a.leaf - b.leaf);
  let budget = options.maxTableEntries ?? MAX_TABLE_ENTRIES;
  for (const { plan, leaf } of candidates) {
    const size = 1 << plan.features.length;
    if (size > budget) break;
    budget -= size;
    tabled[leaf] = 1;
  }
  for (let leaf = 0; leaf < leaves; leaf += 1) {
    const plan = plans[leaf];
    leafStart[leaf] = pathLength;
    fallbackStart[leaf] = fallbackLength;
    if (plan === undefined) continue;
    const d = plan.features.length;
    leafDepth[leaf] = d;
    pathLength += d;
    if (tabled[leaf] === 1) {
      tableOffset[leaf] = tableLength;
      tableLength += 1 << d;
    } else {
      fallbackLength += plan.nodes.length;
    }
  }
  leafStart[leaves] = pathLength;
  fallbackStart[leaves] = fallbackLength;

  const explainer: TreeShapExplainer = {
    forest,
    numFeatures: forest.numFeatures,
    expectedValue: modelExpectedValue(model),
    preorderStart,
    preorder: Int32Array.from(preorder),
    leftSlot,
    rightSlot,
    bit,
    nodeKind: new Uint8Array(nodes),
    nanLeft: new Uint8Array(nodes),
    hasDirectLeaf,
    leafDepth,
    leafStart,
    pathFeature: new Int32Array(pathLength),
    pathRatio: new Float64Array(pathLength),
    pathCover: new Float64Array(pathLength),
    tableOffset,
    tables: new Float64Array(tableLength),
    fallbackStart,
    fallbackNode: new Int32Array(fallbackLength),
    fallbackLeft: new Uint8Array(fallbackLength),
    fallbackPosition: new Int32Array(fallbackLength),
    maxNodes,
  };
  for (let node = 0; node < nodes; node += 1) {
    const type = forest.decisionType[node];
    const missing = (type >> 2) & 3;
    explainer.nodeKind[node] = (type & 1) !== 0 ? 2 : missing === 1 ? 1 : 0;
    explainer.nanLeft[node] =
      missing === 1 || missing === 2 ? (type >> 1) & 1 : 0 <= forest.threshold[node] ? 1 : 0;
  }
  for (let t = 0; t < forest.numTrees; t += 1) {
    for (let leaf = forest.leafOffset[t]; leaf < forest.leafOffset[t] + model.trees[t].numLeaves; leaf += 1) {
      const plan = plans[leaf];
      if (plan === undefined) continue;
      const start = leafStart[leaf];
      plan.features.forEach((feature, k) => {
        explainer.pathFeature[start + k] = feature;
        explainer.pathCover[start + k] = plan.cover[k];
        explainer.pathRatio[start + k] = (1 - plan.cover[k]) / plan.cover[k];
      });
      if (tableOffset[leaf] >= 0) {
        explainer.tables.set(
          buildLeafTable(forest.leafValue[leaf], plan.cover, plan.features.length),
          tableOffset[leaf],
        );
      } else {
        hasDirectLeaf[t] = 1;
        const from = fallbackStart[leaf];
        plan.nodes.forEach((node, i) => {
          explainer.fallbackNode[from + i] = node;
          explainer.fallbackLeft[from + i] = plan.lefts[i];
          explainer.fallbackPosition[from + i] = plan.positions[i];
        });
      }
    }
  }
  return explainer;
}
