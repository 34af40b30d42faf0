import { ZERO_THRESHOLD } from '../predict/flat-forest.ts';
import type { TreeShapExplainer } from './tree-shap-explainer.ts';
import { assembleModule, Code, F64, I32, Op } from './wasm-assembler.ts';

/**
 * The table-lookup TreeSHAP of fast-tree-shap.ts (top-down cold masks, one table entry per hot path
 * feature, bottom-up cold shares) as one WebAssembly function over a block of rows and every tree.
 *
 * Why WebAssembly: profiling the JavaScript kernel shows no single slow statement; its time is spread
 * over the loads and stores of the ~115 table lookups and ~60 node steps per tree and row. The same
 * loops in WebAssembly run without typed-array bounds checks and with the per-node and per-leaf
 * records read at constant offsets from one pointer, and `select` instead of branches where the
 * direction depends on the row. Leaves without a table (see leaf-path-tables.ts) stay in JavaScript:
 * the kernel gives them a cold share of 0, as the JavaScript kernel does, and the caller adds their
 * contributions afterwards.
 */

/** Rows per kernel call: the scratch masks and sums of one tree stay in the first cache levels. */
export const WASM_BLOCK_ROWS = 128;

/** Bytes per record in memory. */
const TREE_BYTES = 20;
const NODE_BYTES = 48;
const LEAF_BYTES = 16;
const PATH_BYTES = 16;

// Kernel parameters (i32), then locals.
const P = {
  rows: 0,
  treeStart: 1,
  treeEnd: 2,
  coldAtBase: 3,
  coldSumBase: 4,
  inputBase: 5,
  outBase: 6,
  inputStride: 7,
  outStride: 8,
} as const;
const PARAMS = 9;
const i32Locals = [
  'tree',
  'node',
  'nodeEnd',
  'leaf',
  'leafEnd',
  'i',
  'from',
  'toLeft',
  'toRight',
  'bit',
  'nanLeft',
  'input',
  'cold',
  'left',
  'table',
  'path',
  'full',
  'hot',
  'rowOut',
  'coldAt',
  'coldSum',
  'k',
  'address',
  'catStart',
  'catWords',
  'category',
  'kind',
  'target',
  'leftAt',
  'rightAt',
  'firstNode',
] as const;
const f64Locals = ['value', 'split', 'sumLeft', 'sumRight'] as const;
type LocalName = (typeof i32Locals)[number] | (typeof f64Locals)[number];
const L = Object.fromEntries(
  [...i32Locals, ...f64Locals].map((local, index) => [local, PARAMS + index]),
) as Record<LocalName, number>;

/** Node record fields (byte offsets). */
const N = {
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

/**
 * Emits `for (i = 0; i < rows; i++) body`, advancing i; the body uses `i` and derived addresses.
 */
function forRows(c: Code, body: () => void): void {
  c.i32(0).set(L.i);
  c.whileLoop(
    () => c.get(L.i).get(P.rows).op(Op.i32LtS),
    () => {
      body();
      c.addTo(L.i, 1);
    },
  );
}

/** Pushes base + i·scale. */
function rowAddress(c: Code, base: number, shift: number): void {
  c.get(base).get(L.i).i32(shift).op(Op.i32Shl, Op.i32Add);
}

/** The top-down row loop for one node, with `decide` leaving the row's direction (1 = left). */
function topDownRows(c: Code, decide: () => void): void {
  c.get(L.input).set(L.address);
  forRows(c, () => {
    c.get(L.address).loadF64().set(L.value);
    decide();
    c.set(L.left);
    rowAddress(c, L.from, 2);
    c.loadI32().set(L.cold);
    // toLeft[i] = cold | (bit & (left - 1)); toRight[i] = cold | (bit & -left)
    rowAddress(c, L.toLeft, 2);
    c.get(L.cold).get(L.bit).get(L.left).i32(1).op(Op.i32Sub, Op.i32And, Op.i32Or).storeI32();
    rowAddress(c, L.toRight, 2);
    c.get(L.cold).get(L.bit).i32(0).get(L.left).op(Op.i32Sub, Op.i32And, Op.i32Or).storeI32();
    c.addTo(L.address, () => c.get(P.inputStride));
  });
}

function numericalDecision(c: Code): void {
  // (value <= split) | (isNaN(value) & nanLeft): NaN compares false, so it takes its default way.
  c.get(L.value).get(L.split).op(Op.f64Le);
  c.get(L.value).get(L.value).op(Op.f64Ne).get(L.nanLeft).op(Op.i32And, Op.i32Or);
}

function zeroAsMissingDecision(c: Code): void {
  // Missing type Zero: NaN and values within 1e-35f of zero take the default way.
  c.get(L.nanLeft);
  c.get(L.value).get(L.split).op(Op.f64Le);
  c.get(L.value).get(L.value).op(Op.f64Ne);
  c.get(L.value).f64(-ZERO_THRESHOLD).op(Op.f64Ge);
  c.get(L.value).f64(ZERO_THRESHOLD).op(Op.f64Le, Op.i32And, Op.i32Or);
  c.op(Op.select);
}

function categoricalDecision(c: Code): void {
  // Non-negative values below 2^31 go left when their category's bit is set; values in (-1, 0)
  // truncate to category 0; NaN, other negatives and huge values go right.
  c.i32(0).set(L.left);
  c.get(L.value).f64(0).op(Op.f64Ge).get(L.value).f64(2147483648).op(Op.f64Lt, Op.i32And);
  c.ifElse(
    () => {
      c.get(L.value).op(Op.i32TruncF64S).set(L.category);
      c.get(L.category).i32(5).op(Op.i32ShrU).get(L.catWords).op(Op.i32LtU);
      c.ifElse(() => {
        c.get(L.catStart).get(L.category).i32(5).op(Op.i32ShrU).i32(2).op(Op.i32Shl, Op.i32Add).loadI32();
        c.get(L.category).i32(31).op(Op.i32And, Op.i32ShrU).i32(1).op(Op.i32And).set(L.left);
      });
    },
    () => {
      c.get(L.value).f64(-1).op(Op.f64Gt).get(L.catWords).i32(0).op(Op.i32GtS, Op.i32And);
      c.ifElse(() => {
        c.get(L.catStart).loadI32().i32(1).op(Op.i32And).set(L.left);
      });
    },
  );
  c.get(L.left);
}

function kernelBody(): Code {
  const c = new Code();
  c.get(P.treeStart).set(L.tree);
  c.whileLoop(
    () => c.get(L.tree).get(P.treeEnd).op(Op.i32LtS),
    () => {
      c.block(() => {
        c.get(L.tree).loadI32(0).tee(L.firstNode).set(L.node);
        c.get(L.tree).loadI32(4).set(L.nodeEnd);
        // One-leaf trees give only to the expected value.
        c.get(L.node).get(L.nodeEnd).op(Op.i32Eq, Op.brIf, 0);
        topDownPass(c);
        leafPass(c);
        bottomUpPass(c);
      });
      c.addTo(L.tree, TREE_BYTES);
    },
  );
  return c;
}

function topDownPass(c: Code): void {
  c.whileLoop(
    () => c.get(L.node).get(L.nodeEnd).op(Op.i32LtS),
    () => {
      c.get(P.coldAtBase).get(L.node).loadI32(N.slot).op(Op.i32Add).set(L.from);
      c.get(P.coldAtBase).get(L.node).loadI32(N.leftSlot).op(Op.i32Add).set(L.toLeft);
      c.get(P.coldAtBase).get(L.node).loadI32(N.rightSlot).op(Op.i32Add).set(L.toRight);
      c.get(L.node).loadI32(N.bit).set(L.bit);
      c.get(L.node).loadI32(N.nanLeft).set(L.nanLeft);
      c.get(L.node).loadF64(N.threshold).set(L.split);
      c.get(P.inputBase).get(L.node).loadI32(N.feature).op(Op.i32Add).set(L.input);
      c.get(L.node).loadI32(N.kind).set(L.kind);
      // One row loop per node kind, so the row loop itself never branches on the kind.
      c.get(L.kind).op(Op.i32Eqz);
      c.ifElse(
        () => topDownRows(c, () => numericalDecision(c)),
        () => {
          c.get(L.kind).i32(1).op(Op.i32Eq);
          c.ifElse(
            () => topDownRows(c, () => zeroAsMissingDecision(c)),
            () => {
              c.get(L.node).loadI32(N.catStart).set(L.catStart);
              c.get(L.node).loadI32(N.catWords).set(L.catWords);
              topDownRows(c, () => categoricalDecision(c));
            },
          );
        },
      );
      c.addTo(L.node, NODE_BYTES);
    },
  );
}

function leafPass(c: Code): void {
  c.get(L.tree).loadI32(8).set(L.leaf);
  c.get(L.tree).loadI32(12).set(L.leafEnd);
  c.whileLoop(
    () => c.get(L.leaf).get(L.leafEnd).op(Op.i32LtS),
    () => {
      c.get(L.leaf).loadI32(0).set(L.k);
      c.get(P.coldAtBase).get(L.k).op(Op.i32Add).set(L.coldAt);
      c.get(P.coldSumBase).get(L.k).get(L.k).op(Op.i32Add, Op.i32Add).set(L.coldSum);
      c.get(L.leaf).loadI32(4).set(L.table);
      c.get(L.leaf).loadI32(12).set(L.path);
      c.get(L.leaf).loadI32(8).tee(L.full).i32(0).op(Op.i32LtS);
      c.ifElse(
        // A leaf without a table: cold share 0 here, its contributions come from the caller.
        () =>
          forRows(c, () => {
            rowAddress(c, L.coldSum, 3);
            c.f64(0).storeF64();
          }),
        () => {
          c.i32(1).get(L.full).op(Op.i32Shl).i32(1).op(Op.i32Sub).set(L.full);
          c.get(P.outBase).set(L.rowOut);
          forRows(c, () => {
            rowAddress(c, L.coldAt, 2);
            c.loadI32().set(L.cold);
            rowAddress(c, L.coldSum, 3);
            c.get(L.table).get(L.cold).i32(3).op(Op.i32Shl, Op.i32Add).loadF64().storeF64();
            c.get(L.full).get(L.cold).i32(-1).op(Op.i32Xor, Op.i32And).set(L.hot);
            c.whileLoop(
              () => c.get(L.hot),
              () => {
                // k = lowest hot position; out[row, feature_k] += ratio_k · T[cold | bit_k]
                c.get(L.hot).op(Op.i32Ctz).set(L.k);
                c.get(L.path).get(L.k).i32(4).op(Op.i32Shl, Op.i32Add).set(L.target);
                c.get(L.rowOut).get(L.target).loadI32(8).op(Op.i32Add).tee(L.address);
                c.get(L.address).loadF64();
                c.get(L.target).loadF64(0);
                c.get(L.table).get(L.cold).i32(1).get(L.k).op(Op.i32Shl, Op.i32Or);
                c.i32(3).op(Op.i32Shl, Op.i32Add).loadF64();
                c.op(Op.f64Mul, Op.f64Add).storeF64();
                c.get(L.hot).get(L.hot).i32(1).op(Op.i32Sub, Op.i32And).set(L.hot);
              },
            );
            c.addTo(L.rowOut, () => c.get(P.outStride));
          });
        },
      );
      c.addTo(L.leaf, LEAF_BYTES);
    },
  );
}

function bottomUpPass(c: Code): void {
  // Children before parents: the tree's node records in reverse.
  c.block(() => {
    c.op(Op.loop, 0x40);
    c.get(L.node).get(L.firstNode).op(Op.i32Eq, Op.brIf, 1);
    c.addTo(L.node, -NODE_BYTES);
    c.get(L.node).loadI32(N.slot).set(L.k);
    c.get(P.coldAtBase).get(L.k).op(Op.i32Add).set(L.coldAt);
    c.get(P.coldSumBase).get(L.k).get(L.k).op(Op.i32Add, Op.i32Add).set(L.coldSum);
    c.get(L.node).loadI32(N.leftSlot).set(L.k);
    c.get(P.coldAtBase).get(L.k).op(Op.i32Add).set(L.from);
    c.get(P.coldSumBase).get(L.k).get(L.k).op(Op.i32Add, Op.i32Add).set(L.leftAt);
    c.get(L.node).loadI32(N.rightSlot).set(L.k);
    c.get(P.coldSumBase).get(L.k).get(L.k).op(Op.i32Add, Op.i32Add).set(L.rightAt);
    c.get(L.node).loadI32(N.bit).set(L.bit);
    c.get(P.outBase).get(L.node).loadI32(N.feature).op(Op.i32Add).set(L.target);
    forRows(c, () => {
      rowAddress(c, L.leftAt, 3);
      c.loadF64().set(L.sumLeft);
      rowAddress(c, L.rightAt, 3);
      c.loadF64().set(L.sumRight);
      rowAddress(c, L.coldSum, 3);
      c.get(L.sumLeft).get(L.sumRight).op(Op.f64Add).storeF64();
      // out[row, feature] -= (node's bit not cold above) ? sum of the cold child : 0, branch-free:
      // the cold child is the one whose mask gained the bit; subtracting 0 changes nothing.
      c.get(L.target).get(L.target).loadF64();
      c.get(L.sumLeft).get(L.sumRight);
      rowAddress(c, L.from, 2);
      c.loadI32().get(L.bit).op(Op.i32And, Op.select);
      c.f64(0);
      rowAddress(c, L.coldAt, 2);
      c.loadI32().get(L.bit).op(Op.i32And, Op.i32Eqz, Op.select);
      c.op(Op.f64Sub).storeF64();
      c.addTo(L.target, () => c.get(P.outStride));
    });
    c.op(Op.br, 0, Op.end);
  });
}

let compiled: WebAssembly.Module | undefined;

function kernelModule(): WebAssembly.Module {
  if (compiled === undefined) {
    const locals = [...i32Locals.map(() => I32), ...f64Locals.map(() => F64)];
    compiled = new WebAssembly.Module(assembleModule('explain', PARAMS, locals, kernelBody()));
  }
  return compiled;
}

/** An explainer's data copied into one WebAssembly memory, with the kernel bound to it. */
export interface WasmTreeShapKernel {
  run: (
    rows: number,
    treeStart: number,
    treeEnd: number,
    coldAtBase: number,
    coldSumBase: number,
    inputBase: number,
    outBase: number,
    inputStride: number,
    outStride: number,
  ) => void;
  memory: WebAssembly.Memory;
  treeBase: number;
  coldAtBase: number;
  coldSumBase: number;
  inputBase: number;
  outBase: number;
}

/** True when this JavaScript engine can run the kernel (WebAssembly present and the module valid). */
export function wasmKernelAvailable(): boolean {
  if (typeof WebAssembly !== 'object') return false;
  try {
    kernelModule();
    return true;
  } catch {
    return false;
  }
}

/** Lays out the explainer in a new memory: scratch, input/output blocks, records, bitsets, tables. */
export function createWasmKernel(explainer: TreeShapExplainer): WasmTreeShapKernel {
  const forest = explainer.forest;
  const B = WASM_BLOCK_ROWS;
  const width = explainer.numFeatures + 1;
  const slots = 2 * explainer.maxNodes + 1;
  const numNodes = explainer.preorder.length;
  const numLeaves = forest.leafValue.length;
  let at = 0;
  const take = (bytes: number): number => {
    const start = at;
    at += Math.ceil(bytes / 8) * 8;
    return start;
  };
  const coldAtBase = take(slots * B * 4);
  const coldSumBase = take(slots * B * 8);
  const inputBase = take(B * explainer.numFeatures * 8);
  const outBase = take(B * width * 8);
  const treeBase = take(forest.numTrees * TREE_BYTES);
  const nodeBase = take(numNodes * NODE_BYTES);
  const leafBase = take(numLeaves * LEAF_BYTES);
  const pathBase = take(explainer.pathFeature.length * PATH_BYTES);
  const catBase = take(forest.catBits.length * 4);
  const tableBase = take(explainer.tables.length * 8);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(at / 65536) + 1 });
  const view = new DataView(memory.buffer);
  const i32 = (address: number, value: number) => view.setInt32(address, value, true);

  // Slots are stored pre-scaled to byte offsets into the cold-mask scratch (a row's mask is 4
  // bytes, its cold sum 8, so the sum's offset is twice the mask's).
  const slotBytes = B * 4;
  for (let t = 0; t < forest.numTrees; t += 1) {
    const first = explainer.preorderStart[t];
    const last = explainer.preorderStart[t + 1];
    const leafFirst = forest.leafOffset[t];
    const leafLast = t + 1 < forest.numTrees ? forest.leafOffset[t + 1] : numLeaves;
    const record = treeBase + t * TREE_BYTES;
    i32(record, nodeBase + first * NODE_BYTES);
    i32(record + 4, nodeBase + last * NODE_BYTES);
    i32(record + 8, leafBase + leafFirst * LEAF_BYTES);
    i32(record + 12, leafBase + leafLast * LEAF_BYTES);
    const nodeOffset = forest.nodeOffset[t];
    const internal = last - first;
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
    for (let leaf = leafFirst; leaf < leafLast; leaf += 1) {
      const r = leafBase + leaf * LEAF_BYTES;
      const table = explainer.tableOffset[leaf];
      i32(r, (internal + leaf - leafFirst) * slotBytes);
      i32(r + 4, tableBase + Math.max(0, table) * 8);
      i32(r + 8, table < 0 ? -1 : explainer.leafDepth[leaf]);
      i32(r + 12, pathBase + explainer.leafStart[leaf] * PATH_BYTES);
    }
  }
  for (let j = 0; j < explainer.pathFeature.length; j += 1) {
    view.setFloat64(pathBase + j * PATH_BYTES, explainer.pathRatio[j], true);
    i32(pathBase + j * PATH_BYTES + 8, explainer.pathFeature[j] * 8);
  }
  new Uint32Array(memory.buffer, catBase, forest.catBits.length).set(forest.catBits);
  new Float64Array(memory.buffer, tableBase, explainer.tables.length).set(explainer.tables);

  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
  const run = instance.exports.explain as WasmTreeShapKernel['run'];
  return { run, memory, treeBase, coldAtBase, coldSumBase, inputBase, outBase };
}
