import { type LeafUnit, MAX_INSIDE, treeUnits } from './leaf-units.ts';
import type { TreeShapExplainer } from './tree-shap-explainer.ts';
import { MAX_TABLE_ENTRIES } from './tree-shap-explainer.ts';

/**
 * Memory layout of the WebAssembly TreeSHAP kernel (wasm-tree-shap-kernel.ts) and the tables it
 * reads: all records are plain little-endian structs in one memory, addressed by byte offsets that
 * are stored pre-scaled so the kernel adds instead of multiplying.
 */

/**
 * Rows per kernel call. Every block loads each unit table once per tree, so longer blocks amortise
 * that; 256 rows keep one tree's cold masks (61 slots · 1 KB) and the output block (256 · 31 · 8
 * bytes) within the second cache level. Measured: 256 a few percent ahead of 128 with chains.
 */
export const WASM_BLOCK_ROWS = 256;

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
 * Per unit (leaf-units.ts): the slot of the cold mask C that indexes the table (the unit's root
 * node's, or a single leaf's own), the table address, the number of path features, the address of
 * the unit's path records, then per inside node (up to two; zeros when absent) the slots of its own
 * mask and of its left child's, its feature bit and the byte size of its region stride.
 */
export const UNIT = {
  slot: 0,
  table: 4,
  depth: 8,
  path: 12,
  inside: 16,
  insideBytes: 16,
  maskSlot: 0,
  leftSlot: 4,
  bit: 8,
  stride: 12,
} as const;
export const UNIT_BYTES = UNIT.inside + MAX_INSIDE * UNIT.insideBytes;

/** Per unit path feature: hot factor (leaf-units.ts), output byte offset, mask bit. */
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
  /** Table entries the units hold (a chain's table has 3^inside regions). */
  tableEntries: number;
}

/** Lays out the explainer in a new memory: scratch, input/output blocks, records, bitsets, tables. */
export interface WasmLayoutOptions {
  /** Longest chain of inside nodes per unit (at most and by default MAX_INSIDE; 0 = leaves alone). */
  maxInside?: number;
  /** Most table entries the units may hold before chains fall back to shorter ones. */
  maxTableEntries?: number;
}

export function layOutWasmKernel(
  explainer: TreeShapExplainer,
  options: WasmLayoutOptions = {},
): WasmKernelMemory {
  const forest = explainer.forest;
  const B = WASM_BLOCK_ROWS;
  const width = explainer.numFeatures + 1;
  const slots = 2 * explainer.maxNodes + 1;
  const numNodes = explainer.preorder.length;
  // Chains multiply table memory by up to 3^m / (m + 1); past the explainer's own table budget the
  // units fall back to pairs, then to single leaves (whose tables the explainer already holds).
  let units: LeafUnit[][] = [];
  let pathCount = 0;
  let tableEntries = 0;
  let unitCount = 0;
  const budget = Math.max(options.maxTableEntries ?? MAX_TABLE_ENTRIES, explainer.tables.length);
  // Unit records have room for MAX_INSIDE inside nodes.
  for (
    let maxInside = Math.min(options.maxInside ?? MAX_INSIDE, MAX_INSIDE);
    maxInside >= 0;
    maxInside -= 1
  ) {
    units = [];
    pathCount = 0;
    tableEntries = 0;
    unitCount = 0;
    for (let t = 0; t < forest.numTrees; t += 1) {
      const treeUnitList = treeUnits(explainer, t, maxInside);
      units.push(treeUnitList);
      unitCount += treeUnitList.length;
      for (const unit of treeUnitList) {
        pathCount += unit.depth;
        tableEntries += unit.table.length;
      }
    }
    if (tableEntries <= budget) break;
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
      const d = unit.depth;
      const size = 1 << d;
      const root =
        unit.inside.length > 0 ? (unit.inside[0] - nodeOffset) * slotBytes : leafSlot(unit.leaves[0]);
      i32(unitAt + UNIT.slot, root);
      i32(unitAt + UNIT.table, tableBase + tableAt * 8);
      i32(unitAt + UNIT.depth, d);
      i32(unitAt + UNIT.path, pathAt);
      for (let i = 0; i < MAX_INSIDE; i += 1) {
        const r = unitAt + UNIT.inside + i * UNIT.insideBytes;
        const node = i < unit.inside.length ? unit.inside[i] : -1;
        i32(r + UNIT.maskSlot, node < 0 ? 0 : (node - nodeOffset) * slotBytes);
        i32(r + UNIT.leftSlot, node < 0 ? 0 : explainer.leftSlot[node] * slotBytes);
        i32(r + UNIT.bit, node < 0 ? 0 : explainer.bit[node]);
        i32(r + UNIT.stride, node < 0 ? 0 : 3 ** i * size * 8);
      }
      for (let k = 0; k < d; k += 1) {
        view.setFloat64(pathAt + PATH.ratio, unit.ratio[k], true);
        i32(pathAt + PATH.feature, explainer.pathFeature[unit.pathStart + k] * 8);
        i32(pathAt + PATH.bit, 1 << k);
        pathAt += PATH.bytes;
      }
      tables.set(unit.table, tableAt);
      tableAt += unit.table.length;
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
