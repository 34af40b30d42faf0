import type { TreeShapExplainer } from './tree-shap-explainer.ts';

/**
 * Leaves merged into units for the WebAssembly kernel, so a row pays once per unit and path feature
 * instead of once per leaf and path feature.
 *
 * A unit is a single leaf or a chain: inside nodes u_0 (the unit's root), u_1, ... where each has a
 * leaf on one side and the next inside node (or, for the last, a second leaf) on the other. Along a
 * chain every leaf's path-feature list is a prefix of the deepest leaf's, so one bit numbering
 * serves all of them. For a row let C be the cold mask above u_0 and, per inside node, its state:
 * 0 when its feature is already cold at it, else 1 (the row went left) or 2 (right). A leaf's cold
 * mask is then C plus the bits of the inside nodes on its path that the row left, which the state
 * fixes without looking at C. So with a table per state combination (a region), feature k of the
 * unit gets region[C | bit_k] · (k cold above ? -1 : ratio_k), where:
 *   - k cold above: region[C] = Σ_leaves T_l[B_l], the leaves' common cold share;
 *   - k split only above: ratio_k = (1 - q_k) / q_k is the same for every leaf and the entry is
 *     Σ_leaves T_l[B_l | bit_k] (each leaf's hot or cold term, see leaf-path-tables.ts);
 *   - k split inside (ratios differ per leaf): ratio 1 and the entry is the leaves' complete sum.
 * The entries are filled by evaluating every consistent (state, C) and checking that no entry is
 * asked to hold two values; a chain where that fails is split into smaller units.
 */

/** Inside nodes per chain: with 3^m regions, two keep the tables about twice the leaves' size. */
export const MAX_INSIDE = 2;
/** Entries per unit table (3^m regions of 2^d): bounds memory and build time per unit. */
export const MAX_UNIT_ENTRIES = 1 << 15;

export interface LeafUnit {
  /** Inside nodes, root first (empty for a single leaf). */
  inside: number[];
  leaves: number[];
  /** The unit's path features: the deepest leaf's. */
  depth: number;
  pathStart: number;
  /** Per path feature: the factor for a hot feature (1 for features split inside). */
  ratio: Float64Array;
  /** 3^inside.length regions of 2^depth entries. */
  table: Float64Array;
}

interface Chain {
  inside: number[];
  leaves: number[];
  /** Per leaf: its (inside index, went left) steps. */
  steps: Array<Array<[number, boolean]>>;
}

function tabled(explainer: TreeShapExplainer, child: number): boolean {
  return child < 0 && explainer.tableOffset[~child] >= 0 && explainer.leafDepth[~child] > 0;
}

function chainAt(explainer: TreeShapExplainer, node: number, maxInside: number): Chain | undefined {
  if (maxInside < 1) return undefined;
  const left = explainer.forest.left[node];
  const right = explainer.forest.right[node];
  if (tabled(explainer, left) && tabled(explainer, right)) {
    return { inside: [node], leaves: [~left, ~right], steps: [[[0, true]], [[0, false]]] };
  }
  for (const [leaf, other, leafLeft] of [
    [left, right, true],
    [right, left, false],
  ] as const) {
    if (!tabled(explainer, leaf) || other < 0) continue;
    const inner = chainAt(explainer, other, maxInside - 1);
    if (inner === undefined) continue;
    return {
      inside: [node, ...inner.inside],
      leaves: [~leaf, ...inner.leaves],
      steps: [
        [[0, leafLeft]],
        ...inner.steps.map((steps) => [
          [0, !leafLeft] as [number, boolean],
          ...steps.map(([i, l]) => [i + 1, l] as [number, boolean]),
        ]),
      ],
    };
  }
  return undefined;
}

/**
 * Fills a chain's regions, or returns undefined when some entry would need two values (or the
 * table is too large), so the caller splits the chain.
 */
function chainUnit(explainer: TreeShapExplainer, chain: Chain, aboveMask: number): LeafUnit | undefined {
  const m = chain.inside.length;
  let deepest = chain.leaves[0];
  for (const leaf of chain.leaves)
    if (explainer.leafDepth[leaf] > explainer.leafDepth[deepest]) deepest = leaf;
  const d = explainer.leafDepth[deepest];
  const size = 1 << d;
  const regions = 3 ** m;
  if (regions * size > MAX_UNIT_ENTRIES) return undefined;
  const bits = chain.inside.map((node) => explainer.bit[node]);
  if (bits.some((bit) => bit === 0)) return undefined;
  let insideBits = 0;
  for (const bit of bits) insideBits |= bit;
  const pathStart = explainer.leafStart[deepest];
  const ratio = new Float64Array(d);
  for (let k = 0; k < d; k += 1)
    ratio[k] = (insideBits & (1 << k)) !== 0 ? 1 : explainer.pathRatio[pathStart + k];
  const table = new Float64Array(regions * size);
  const written = new Uint8Array(regions * size);
  const { tables, tableOffset, leafDepth, leafStart, pathRatio } = explainer;
  const leafCold = new Int32Array(chain.leaves.length);
  const states = new Int32Array(m);
  for (let region = 0; region < regions; region += 1) {
    for (let i = 0, rest = region; i < m; i += 1, rest = Math.floor(rest / 3)) states[i] = rest % 3;
    for (let cold = 0; cold < size; cold += 1) {
      if ((cold & ~aboveMask) !== 0) continue;
      // The masks at the inside nodes, and whether this region's states fit them.
      let mask = cold;
      let consistent = true;
      for (let i = 0; i < m && consistent; i += 1) {
        consistent = (states[i] === 0) === ((mask & bits[i]) !== 0);
        if (i + 1 < m && states[i] !== 0) {
          // The next inside node hangs on the side the chain continues; leaving that way adds the bit.
          const nextLeft = chain.steps[chain.steps.length - 1][i][1];
          if ((states[i] === 1) !== nextLeft) mask |= bits[i];
        }
      }
      if (!consistent) continue;
      chain.leaves.forEach((_, index) => {
        let leafMask = cold;
        for (const [i, left] of chain.steps[index]) {
          if (states[i] !== 0 && (states[i] === 1) !== left) leafMask |= bits[i];
        }
        leafCold[index] = leafMask;
      });
      for (let k = 0; k < d; k += 1) {
        const bit = 1 << k;
        let entry = 0;
        chain.leaves.forEach((leaf, index) => {
          if (k >= leafDepth[leaf]) return;
          const t = tableOffset[leaf];
          const leafMask = leafCold[index];
          if ((cold & bit) !== 0) entry += tables[t + leafMask];
          else if ((insideBits & bit) === 0) entry += tables[t + (leafMask | bit)];
          else if ((leafMask & bit) !== 0) entry -= tables[t + leafMask];
          else entry += pathRatio[leafStart[leaf] + k] * tables[t + (leafMask | bit)];
        });
        const at = region * size + (cold | bit);
        if (written[at] === 1 && Math.abs(table[at] - entry) > 1e-12 * (1 + Math.abs(entry)))
          return undefined;
        table[at] = entry;
        written[at] = 1;
      }
    }
  }
  return { inside: chain.inside, leaves: chain.leaves, depth: d, pathStart, ratio, table };
}

function singleUnit(explainer: TreeShapExplainer, leaf: number): LeafUnit {
  const d = explainer.leafDepth[leaf];
  const pathStart = explainer.leafStart[leaf];
  const offset = explainer.tableOffset[leaf];
  return {
    inside: [],
    leaves: [leaf],
    depth: d,
    pathStart,
    ratio: explainer.pathRatio.slice(pathStart, pathStart + d),
    table: explainer.tables.subarray(offset, offset + (1 << d)),
  };
}

/**
 * Tree t's units, chains taken greedily from the root down; leaves without a table belong to no
 * unit (the caller evaluates them per row).
 */
export function treeUnits(explainer: TreeShapExplainer, t: number, maxInside = MAX_INSIDE): LeafUnit[] {
  const forest = explainer.forest;
  const units: LeafUnit[] = [];
  const visit = (child: number, aboveMask: number): void => {
    if (child < 0) {
      if (tabled(explainer, child)) units.push(singleUnit(explainer, ~child));
      return;
    }
    const chain = chainAt(explainer, child, maxInside);
    const unit = chain === undefined ? undefined : chainUnit(explainer, chain, aboveMask);
    if (unit !== undefined) {
      units.push(unit);
      return;
    }
    const below = aboveMask | explainer.bit[child];
    visit(forest.left[child], below);
    visit(forest.right[child], below);
  };
  visit(forest.root[t], 0);
  return units;
}
