import { MAX_TABLE_BITS } from './leaf-path-tables.ts';
import type { TreeShapExplainer } from './tree-shap-explainer.ts';

/**
 * Memory layout of the WebAssembly TreeSHAP kernel (wasm-tree-shap-kernel.ts) and the tables it
 * reads: all records are plain little-endian structs in one memory, addressed by byte offsets that
 * are stored pre-scaled so the kernel adds instead of multiplying.
 */

/** Rows per kernel call: one tree's cold masks for the block stay in the first cache levels. */
export const WASM_BLOCK_ROWS = 128;

/** Kernel parameters (all i32, byte addresses and strides). */
export const P = {
  rows: 0,
  treeStart: 1,
  treeEnd: 2,
  coldAtBase: 3,
  inputBase: 4,
  outBase: 5,
  inputStride: 6,
  outStride: 7,
  regionBase: 8,
} as const;
export const PARAMS = 9;

/** Per tree: first and end node record, first and end unit record. */
export const TREE_BYTES = 16;

/** Per internal node, in parent-before-child order. Slots are byte offsets into the mask scratch. */
export const N = {
  threshold: 0,
  feature: 8,
  kind: 12,
  nanLeft: 16,
  bit: 20,
  slot: 24,
  leftSlot: 28,
  rightSlot: 32,
  catStart: 36,
  catWords: 40,
} as const;
export const NODE_BYTES = 48;

/**
 * Per unit (a single leaf or a pair of sibling leaves): the slot of the cold mask C that indexes the
 * table (the parent node's for a pair, the leaf's own for a single), the left child's slot (a pair's
 * direction), the node's feature bit (0 for a single), the size of one table region, the table
 * address (of region 0), the number of path features and the address of the unit's path records.
 */
export const UNIT = {
  slot: 0,
  leftSlot: 4,
  bit: 8,
  regionBytes: 12,
  table: 16,
  depth: 20,
  path: 24,
} as const;
export const UNIT_BYTES = 32;

/** Per unit path feature: (1 - q) / q (1 for a pair's own feature), output byte offset, mask bit. */
export const PATH = { ratio: 0, feature: 8, bit: 12, bytes: 16 } as const;

export interface WasmKernelMemory {
  memory: WebAssembly.Memory;
  treeBase: number;
  treeEnd: number;
  coldAtBase: number;
  /** Per row of the block: the address of its region of the current unit's table. */
  regionBase: number;
  inputBase: number;
  outBase: number;
  /** Table entries the units hold (a pair's table has three regions). */
  tableEntries: number;
}

interface Unit {
  /** Left (or only) leaf, and the right leaf of a pair (-1 for a single). */
  leaf: number;
  right: number;
  node: number;
}

/**
 * The units of tree t: sibling leaves that both have tables become a pair; other leaves with a
 * table are singles; leaves without one are left to the caller.
 */
function treeUnits(explainer: TreeShapExplainer, t: number): Unit[] {
  const forest = explainer.forest;
  const units: Unit[] = [];
  const paired = new Set<number>();
  for (let p = explainer.preorderStart[t]; p < explainer.preorderStart[t + 1]; p += 1) {
    const node = explainer.preorder[p];
    const left = forest.left[node];
    const right = forest.right[node];
    if (left >= 0 || right >= 0) continue;
    if (explainer.tableOffset[~left] < 0 || explainer.tableOffset[~right] < 0) continue;
    units.push({ leaf: ~left, right: ~right, node });
    paired.add(~left).add(~right);
  }
  const leafEnd = t + 1 < forest.numTrees ? forest.leafOffset[t + 1] : forest.leafValue.length;
  for (let leaf = forest.leafOffset[t]; leaf < leafEnd; leaf += 1) {
    if (paired.has(leaf) || explainer.tableOffset[leaf] < 0 || explainer.leafDepth[leaf] === 0) continue;
    units.push({ leaf, right: -1, node: -1 });
  }
  return units;
}

/**
 * A pair's three table regions over the masks X of its d path features, b = the node's bit,
 * T_L / T_R the leaves' tables (leaf-path-tables.ts), r_L / r_R their ratios for the node's feature:
 *   region 0 (b cold above, both leaves see X):  X ∋ b: T_L[X] + T_R[X]
 *   region 1 (row went left: L sees C, R sees C ∪ b):  X ∌ b: T_L[X] + T_R[X ∪ b];
 *            X ∋ b: r_L · T_L[X] - T_R[X]  (the node's feature: hot for L, cold for R)
 *   region 2 (row went right): region 1 with L and R swapped.
 * With C the mask above the node, feature k then gets region[C | bit_k] · (k hot ? r_k : -1), where
 * the node's feature has ratio 1 (its term is complete in region 1 and 2, and cold in region 0).
 */
function fillPairTable(
  tables: Float64Array,
  leftAt: number,
  rightAt: number,
  d: number,
  b: number,
  ratioLeft: number,
  ratioRight: number,
  out: Float64Array,
  at: number,
): void {
  const size = 1 << d;
  for (let x = 0; x < size; x += 1) {
    const l = tables[leftAt + x];
    const r = tables[rightAt + x];
    if ((x & b) !== 0) {
      out[at + x] = l + r;
      out[at + size + x] = ratioLeft * l - r;
      out[at + 2 * size + x] = ratioRight * r - l;
    } else {
      out[at + x] = 0;
      out[at + size + x] = l + tables[rightAt + (x | b)];
      out[at + 2 * size + x] = r + tables[leftAt + (x | b)];
    }
  }
}

/** Lays out the explainer in a new memory: scratch, input/output blocks, records, bitsets, tables. */
export function layOutWasmKernel(explainer: TreeShapExplainer): WasmKernelMemory {
  const forest = explainer.forest;
  const B = WASM_BLOCK_ROWS;
  const width = explainer.numFeatures + 1;
  const slots = 2 * explainer.maxNodes + 1;
  const numNodes = explainer.preorder.length;
  const units: Unit[][] = [];
  let unitCount = 0;
  let pathCount = 0;
  let tableEntries = 0;
  for (let t = 0; t < forest.numTrees; t += 1) {
    const treeUnitList = treeUnits(explainer, t);
    units.push(treeUnitList);
    unitCount += treeUnitList.length;
    for (const unit of treeUnitList) {
      const d = explainer.leafDepth[unit.leaf];
      pathCount += d;
      tableEntries += (unit.right < 0 ? 1 : 3) << d;
    }
  }
  let at = 0;
  const take = (bytes: number): number => {
    const start = at;
    at += Math.ceil(bytes / 8) * 8;
    return start;
  };
  const coldAtBase = take(slots * B * 4);
  const regionBase = take(B * 4);
  const inputBase = take(B * explainer.numFeatures * 8);
  const outBase = take(B * width * 8);
  const treeBase = take(forest.numTrees * TREE_BYTES);
  const nodeBase = take(numNodes * NODE_BYTES);
  const unitBase = take(unitCount * UNIT_BYTES);
  const pathBase = take(pathCount * PATH.bytes);
  const catBase = take(forest.catBits.length * 4);
  // A single's table address points one region below its table; keep that address in the memory.
  take(8 << MAX_TABLE_BITS);
  const tableBase = take(tableEntries * 8);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(at / 65536) + 1 });
  const view = new DataView(memory.buffer);
  const i32 = (address: number, value: number) => view.setInt32(address, value, true);
  const tables = new Float64Array(memory.buffer, tableBase, tableEntries);

  // A row's mask is 4 bytes: slot s of row i lives at coldAtBase + s·B·4 + 4i.
  const slotBytes = B * 4;
  let unitAt = unitBase;
  let pathAt = pathBase;
  let tableAt = 0;
  for (let t = 0; t < forest.numTrees; t += 1) {
    const first = explainer.preorderStart[t];
    const last = explainer.preorderStart[t + 1];
    const record = treeBase + t * TREE_BYTES;
    i32(record, nodeBase + first * NODE_BYTES);
    i32(record + 4, nodeBase + last * NODE_BYTES);
    i32(record + 8, unitAt);
    i32(record + 12, unitAt + units[t].length * UNIT_BYTES);
    const nodeOffset = forest.nodeOffset[t];
    const internal = last - first;
    const leafSlot = (leaf: number) => (internal + leaf - forest.leafOffset[t]) * slotBytes;
    for (let p = first; p < last; p += 1) {
      const node = explainer.preorder[p];
      const r = nodeBase + p * NODE_BYTES;
      view.setFloat64(r + N.threshold, forest.threshold[node], true);
      i32(r + N.feature, forest.feature[node] * 8);
      i32(r + N.kind, explainer.nodeKind[node]);
      i32(r + N.nanLeft, explainer.nanLeft[node]);
      i32(r + N.bit, explainer.bit[node]);
      i32(r + N.slot, (node - nodeOffset) * slotBytes);
      i32(r + N.leftSlot, explainer.leftSlot[node] * slotBytes);
      i32(r + N.rightSlot, explainer.rightSlot[node] * slotBytes);
      i32(r + N.catStart, catBase + forest.catStart[node] * 4);
      i32(r + N.catWords, forest.catWords[node]);
    }
    for (const unit of units[t]) {
      const d = explainer.leafDepth[unit.leaf];
      const size = 1 << d;
      const start = explainer.leafStart[unit.leaf];
      const pair = unit.right >= 0;
      const bit = pair ? explainer.bit[unit.node] : 0;
      const position = 31 - Math.clz32(bit);
      i32(unitAt + UNIT.slot, pair ? (unit.node - nodeOffset) * slotBytes : leafSlot(unit.leaf));
      i32(unitAt + UNIT.leftSlot, leafSlot(unit.leaf));
      i32(unitAt + UNIT.bit, bit);
      i32(unitAt + UNIT.regionBytes, size * 8);
      // A single's table is its region 1 (its bit is 0, so the kernel always picks region 1).
      i32(unitAt + UNIT.table, tableBase + (tableAt - (pair ? 0 : size)) * 8);
      i32(unitAt + UNIT.depth, d);
      i32(unitAt + UNIT.path, pathAt);
      for (let k = 0; k < d; k += 1) {
        const ratio = pair && k === position ? 1 : explainer.pathRatio[start + k];
        view.setFloat64(pathAt + PATH.ratio, ratio, true);
        i32(pathAt + PATH.feature, explainer.pathFeature[start + k] * 8);
        i32(pathAt + PATH.bit, 1 << k);
        pathAt += PATH.bytes;
      }
      const leftTable = explainer.tableOffset[unit.leaf];
      if (pair) {
        const rightStart = explainer.leafStart[unit.right];
        fillPairTable(
          explainer.tables,
          leftTable,
          explainer.tableOffset[unit.right],
          d,
          bit,
          explainer.pathRatio[start + position],
          explainer.pathRatio[rightStart + position],
          tables,
          tableAt,
        );
      } else {
        tables.set(explainer.tables.subarray(leftTable, leftTable + size), tableAt);
      }
      tableAt += pair ? 3 * size : size;
      unitAt += UNIT_BYTES;
    }
  }
  new Uint32Array(memory.buffer, catBase, forest.catBits.length).set(forest.catBits);
  return {
    memory,
    treeBase,
    treeEnd: treeBase + forest.numTrees * TREE_BYTES,
    coldAtBase,
    regionBase,
    inputBase,
    outBase,
    tableEntries,
  };
}
