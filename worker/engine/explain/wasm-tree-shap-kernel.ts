import { ZERO_THRESHOLD } from '../predict/flat-forest.ts';
import { MAX_INSIDE } from './leaf-units.ts';
import type { TreeShapExplainer } from './tree-shap-explainer.ts';
import { assembleModule, Code, F64, I32, Op } from './wasm-assembler.ts';
import {
  layOutWasmKernel,
  N,
  NODE_BYTES,
  P,
  PARAMS,
  PATH,
  TREE_BYTES,
  UNIT,
  UNIT_BYTES,
  type WasmKernelMemory,
  type WasmLayoutOptions,
} from './wasm-kernel-layout.ts';

/**
 * Exact path-dependent TreeSHAP for a block of rows over every tree, as one WebAssembly function.
 *
 * Same mathematics as fast-tree-shap.ts (see leaf-path-tables.ts): a top-down pass gives every node
 * and leaf the row's cold mask (path features the row disagrees with); a leaf with cold mask C then
 * gives each path feature k the amount T[C | bit_k] · (k hot ? (1 - q_k) / q_k : -1), since for a
 * cold k, C | bit_k = C and -T[C] is the cold share. Giving cold shares per leaf, instead of summing
 * them bottom-up per node as the JavaScript kernel does, makes every feature the same branch-free
 * step and drops the bottom-up pass.
 *
 * Leaves are merged into units (leaf-units.ts): sibling leaves, or a chain of up to MAX_INSIDE
 * nodes each with a leaf on one side, share one feature numbering, so one table with a region per
 * state of the inside nodes (feature already cold, went left, went right) serves all of them and a
 * unit costs d steps instead of d per leaf. On the bench's 31-leaf trees this takes the steps per
 * tree and row from 171 (leaves) to 111 (pairs) and 84 (chains of two). Measured against pairs, in
 * the same process: chains of two with 256-row blocks +4 to +12% rows per CPU second (their tables
 * are twice the size, so bigger blocks amortise loading them); chains of three no gain.
 *
 * Why WebAssembly: timing the JavaScript kernel's passes gives leaf lookups 63%, top-down 17% and
 * bottom-up 20%, with no single slow statement: the time is spread over the loads and stores of
 * ~115 table lookups and ~60 node steps per tree and row, and neither smaller functions, other
 * block sizes nor a branch-free leaf loop changed it. The same algorithm in WebAssembly (no
 * typed-array bounds checks, records read at constant offsets from one pointer, `select` where the
 * direction depends on the row) ran 1.9-2.7x as fast; units and the loop shape above did the rest.
 * Leaves without a table stay in JavaScript: the kernel skips them and the caller adds them.
 */

const i32Locals = [
  'tree',
  'node',
  'nodeEnd',
  'unit',
  'unitEnd',
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
  'pathEnd',
  'rowMask',
  'rowRegion',
  'maskEnd',
  'step',
  'rowOut',
  'coldAt',
  'address',
  'catStart',
  'catWords',
  'category',
  'kind',
] as const;
const f64Locals = ['value', 'split', 'ratio'] as const;
type LocalName = (typeof i32Locals)[number] | (typeof f64Locals)[number];
const L = Object.fromEntries(
  [...i32Locals, ...f64Locals].map((local, index) => [local, PARAMS + index]),
) as Record<LocalName, number>;

/** Per inside node of a unit: its stride, left child's mask scratch, bit and own mask scratch. */
const insideLocals = Array.from({ length: MAX_INSIDE }, (_, i) =>
  [0, 1, 2, 3].map((field) => PARAMS + i32Locals.length + f64Locals.length + 4 * i + field),
);

/** Emits `for (i = 0; i < rows; i++) body`. */
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

/** Pushes base + (i << shift). */
function rowAddress(c: Code, base: number, shift: number): void {
  c.get(base).get(L.i).i32(shift).op(Op.i32Shl, Op.i32Add);
}

/**
 * The top-down row loop for one node, with `decide` leaving the row's direction (1 = left). `i`
 * runs over the rows' byte offsets in the mask scratch (4 per row).
 */
function topDownRows(c: Code, decide: () => void): void {
  c.get(L.input).set(L.address);
  c.i32(0).set(L.i);
  c.get(P.rows).i32(2).op(Op.i32Shl).set(L.maskEnd);
  c.whileLoop(
    () => c.get(L.i).get(L.maskEnd).op(Op.i32LtU),
    () => {
      c.get(L.address).loadF64().set(L.value);
      decide();
      c.set(L.left);
      c.get(L.from).get(L.i).op(Op.i32Add).loadI32().set(L.cold);
      // toLeft[i] = cold | (bit & (left - 1)); toRight[i] = cold | (bit & -left)
      c.get(L.toLeft).get(L.i).op(Op.i32Add);
      c.get(L.cold).get(L.bit).get(L.left).i32(1).op(Op.i32Sub, Op.i32And, Op.i32Or).storeI32();
      c.get(L.toRight).get(L.i).op(Op.i32Add);
      c.get(L.cold).get(L.bit).i32(0).get(L.left).op(Op.i32Sub, Op.i32And, Op.i32Or).storeI32();
      c.addTo(L.address, () => c.get(P.inputStride));
      c.addTo(L.i, 4);
    },
  );
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
      // Values in (-1, 0): category 0 (values of 2^31 and more stay right, as goesLeft has it).
      c.get(L.value).f64(-1).op(Op.f64Gt).get(L.value).f64(0).op(Op.f64Lt, Op.i32And);
      c.get(L.catWords).i32(0).op(Op.i32GtS, Op.i32And);
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
      c.get(L.tree).loadI32(0).set(L.node);
      c.get(L.tree).loadI32(4).set(L.nodeEnd);
      topDownPass(c);
      unitPass(c);
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

/** One row's term for the current path feature; advances the row pointers. */
function featureStep(c: Code): void {
  c.get(L.rowMask).loadI32().set(L.cold);
  c.get(L.rowOut).get(L.rowOut).loadF64();
  c.get(L.rowRegion).loadI32().get(L.cold).get(L.bit).op(Op.i32Or).i32(3).op(Op.i32Shl, Op.i32Add).loadF64();
  c.get(L.ratio).f64(-1).get(L.cold).get(L.bit).op(Op.i32And, Op.i32Eqz, Op.select);
  c.op(Op.f64Mul, Op.f64Add).storeF64();
  c.addTo(L.rowOut, () => c.get(P.outStride));
  c.addTo(L.rowMask, 4);
  c.addTo(L.rowRegion, 4);
}

function unitPass(c: Code): void {
  c.get(L.tree).loadI32(8).set(L.unit);
  c.get(L.tree).loadI32(12).set(L.unitEnd);
  c.whileLoop(
    () => c.get(L.unit).get(L.unitEnd).op(Op.i32LtS),
    () => {
      c.get(P.coldAtBase).get(L.unit).loadI32(UNIT.slot).op(Op.i32Add).set(L.coldAt);
      c.get(L.unit).loadI32(UNIT.path).tee(L.path);
      c.get(L.unit).loadI32(UNIT.depth).i32(4).op(Op.i32Shl, Op.i32Add).set(L.pathEnd);
      // Per row, the address of its region of the unit's table: the table plus, per inside node,
      // its state (0 feature cold at the node, 1 went left, 2 went right) times the node's stride.
      // An absent inside node has stride 0 and adds nothing.
      c.get(L.unit).loadI32(UNIT.table).set(L.table);
      for (let i = 0; i < MAX_INSIDE; i += 1) {
        const at = UNIT.inside + i * UNIT.insideBytes;
        const [stride, left, bit, mask] = insideLocals[i];
        c.get(L.unit)
          .loadI32(at + UNIT.stride)
          .set(stride);
        c.get(P.coldAtBase)
          .get(L.unit)
          .loadI32(at + UNIT.leftSlot)
          .op(Op.i32Add)
          .set(left);
        c.get(L.unit)
          .loadI32(at + UNIT.bit)
          .set(bit);
        c.get(P.coldAtBase)
          .get(L.unit)
          .loadI32(at + UNIT.maskSlot)
          .op(Op.i32Add)
          .set(mask);
      }
      forRows(c, () => {
        rowAddress(c, P.regionBase, 2);
        c.get(L.table);
        for (const [stride, left, bit, mask] of insideLocals) {
          c.get(stride).get(stride).op(Op.i32Add).get(stride);
          rowAddress(c, left, 2);
          c.loadI32().get(bit).op(Op.i32And, Op.select);
          c.i32(0);
          rowAddress(c, mask, 2);
          c.loadI32().get(bit).op(Op.i32And, Op.i32Eqz, Op.select, Op.i32Add);
        }
        c.storeI32();
      });
      c.get(L.path).set(L.step);
      c.whileLoop(
        () => c.get(L.step).get(L.pathEnd).op(Op.i32LtU),
        () => {
          c.get(L.step).loadI32(PATH.bit).set(L.bit);
          c.get(L.step).loadF64(PATH.ratio).set(L.ratio);
          c.get(P.outBase).get(L.step).loadI32(PATH.feature).op(Op.i32Add).set(L.rowOut);
          // Feature k of every row: out[row, feature] += region[cold | bit_k] · (k hot ? ratio : -1).
          // Features outside, rows inside: the feature's record is read once per block. Pointers
          // step through the rows, two rows per iteration (+6% and +4% measured, same process).
          c.get(L.coldAt).set(L.rowMask);
          c.get(P.regionBase).set(L.rowRegion);
          c.get(L.coldAt).get(P.rows).i32(2).op(Op.i32Shl, Op.i32Add).set(L.maskEnd);
          c.whileLoop(
            () => c.get(L.rowMask).i32(4).op(Op.i32Add).get(L.maskEnd).op(Op.i32LtU),
            () => {
              featureStep(c);
              featureStep(c);
            },
          );
          c.get(L.rowMask).get(L.maskEnd).op(Op.i32LtU);
          c.ifElse(() => featureStep(c));
          c.addTo(L.step, PATH.bytes);
        },
      );
      c.addTo(L.unit, UNIT_BYTES);
    },
  );
}

let compiled: WebAssembly.Module | undefined;

/** The kernel, compiled once per process; throws where WebAssembly is missing. */
export function kernelModule(): WebAssembly.Module {
  if (compiled === undefined) {
    const locals = [
      ...i32Locals.map(() => I32),
      ...f64Locals.map(() => F64),
      ...insideLocals.flat().map(() => I32),
    ];
    compiled = new WebAssembly.Module(assembleModule('explain', PARAMS, locals, kernelBody()));
  }
  return compiled;
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

/** An explainer laid out in WebAssembly memory, with the kernel bound to it. */
export interface WasmTreeShapKernel extends WasmKernelMemory {
  /** explain(rows, treeStart, treeEnd, coldAtBase, inputBase, outBase, inputStride, outStride, regionBase) */
  run: (...args: number[]) => void;
}

export function createWasmKernel(
  explainer: TreeShapExplainer,
  options: WasmLayoutOptions = {},
): WasmTreeShapKernel {
  const layout = layOutWasmKernel(explainer, options);
  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: layout.memory } });
  const run = instance.exports.explain;
  if (typeof run !== 'function') throw new Error('the explain kernel module exports no explain function');
  return { ...layout, run: run as (...args: number[]) => void };
}
