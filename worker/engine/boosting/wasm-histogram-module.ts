/**
 * The histogram loop as a tiny WebAssembly function, assembled here byte by byte (no toolchain
 * needed). It does what `accumulateRowWise` does, but WebAssembly skips the bounds checks of
 * typed-array code, which makes training's hottest loop markedly faster.
 *
 * hist(histogram, rowBins, paddedWidth, indices, count, gradientPairs), byte offsets into the memory:
 *   for k in [0, count):
 *     row = indices[k]                                            (i32)
 *     g = gradientPairs[2 row]; h = gradientPairs[2 row + 1]      (f32, widened to f64)
 *     for each of the row's paddedWidth u16 slots s (two per step): hist[s] += g; hist[s + 1] += h
 * The width is padded to an even number so the inner loop handles two features per step. With SIMD,
 * g and h travel as one f64x2 and each slot pair takes one load, one add and one store.
 */

import {
  assembleModule,
  F64,
  F64X2_ADD,
  F64X2_PROMOTE_LOW_F32X4,
  get,
  I32,
  i32,
  memory,
  op,
  set,
  tee,
  V128,
  V128_LOAD,
  V128_LOAD64_ZERO,
  V128_STORE,
} from './wasm-assembler.ts';

// Parameters 0..5 as documented above; locals 6 k, 7 slot pointer, 8 end pointer, 9 row then address
// (i32), then g and h: two f64 locals (10, 11) in the scalar variant, one v128 local (10) with SIMD.
const HIST = 0;
const ROW_BINS = 1;
const WIDTH = 2;
const INDICES = 3;
const COUNT = 4;
const PAIRS = 5;
const K = 6;
const AT = 7;
const END = 8;
const ADDRESS = 9;
const G = 10;
const H = 11;
const GH = 10;

/** hist[slot read at byte AT + offset] += g, and the next slot += h. */
function addPair(offset: number, simd: boolean): number[][] {
  if (simd) {
    // Both slots at once: (g, h) is one f64x2 and the slot pair is 16 bytes.
    return [
      [...get(HIST), ...get(AT), op.i32Load16U, ...memory(1, offset), ...i32(3), op.i32Shl, op.i32Add],
      [...set(ADDRESS), ...get(ADDRESS), ...get(ADDRESS), ...V128_LOAD, ...memory(4, 0)],
      [...get(GH), ...F64X2_ADD, ...V128_STORE, ...memory(4, 0)],
    ];
  }
  return [
    [...get(HIST), ...get(AT), op.i32Load16U, ...memory(1, offset), ...i32(3), op.i32Shl, op.i32Add],
    [...set(ADDRESS), ...get(ADDRESS), ...get(ADDRESS), op.f64Load, ...memory(3, 0)],
    [...get(G), op.f64Add, op.f64Store, ...memory(3, 0)],
    [...get(ADDRESS), ...get(ADDRESS), op.f64Load, ...memory(3, 8)],
    [...get(H), op.f64Add, op.f64Store, ...memory(3, 8)],
  ];
}

function instructions(simd: boolean): number[][] {
  // The pair is two f32 (8 bytes), widened to f64 for the sums.
  const loadPair = simd
    ? [
        [...get(PAIRS), ...get(ADDRESS), ...i32(3), op.i32Shl, op.i32Add],
        [...V128_LOAD64_ZERO, ...memory(3, 0), ...F64X2_PROMOTE_LOW_F32X4, ...set(GH)],
      ]
    : [
        [...get(PAIRS), ...get(ADDRESS), ...i32(3), op.i32Shl, op.i32Add, ...tee(ADDRESS)],
        [op.f32Load, ...memory(2, 0), op.f64PromoteF32, ...set(G)],
        [...get(ADDRESS), op.f32Load, ...memory(2, 4), op.f64PromoteF32, ...set(H)],
      ];
  return [
    [...op.block, ...op.loop],
    // while (k < count)
    [...get(K), ...get(COUNT), op.i32GeU, op.brIf, 1],
    // row = indices[k]
    [
      ...get(INDICES),
      ...get(K),
      ...i32(2),
      op.i32Shl,
      op.i32Add,
      op.i32Load,
      ...memory(2, 0),
      ...set(ADDRESS),
    ],
    // at = rowBins + row * width * 2; end = at + width * 2
    [
      ...get(ROW_BINS),
      ...get(ADDRESS),
      ...get(WIDTH),
      op.i32Mul,
      ...i32(1),
      op.i32Shl,
      op.i32Add,
      ...tee(AT),
    ],
    [...get(WIDTH), ...i32(1), op.i32Shl, op.i32Add, ...set(END)],
    // g, h = gradientPairs[row]
    ...loadPair,
    // while (at < end): two features per step
    [...op.block, ...op.loop],
    [...get(AT), ...get(END), op.i32GeU, op.brIf, 1],
    ...addPair(0, simd),
    ...addPair(2, simd),
    [...get(AT), ...i32(4), op.i32Add, ...set(AT), op.br, 0],
    [op.end, op.end],
    [...get(K), ...i32(1), op.i32Add, ...set(K), op.br, 0],
    [op.end, op.end],
  ];
}

function moduleBytes(simd: boolean): Uint8Array<ArrayBuffer> {
  const locals: [number, number][] = simd
    ? [
        [4, I32],
        [1, V128],
      ]
    : [
        [4, I32],
        [2, F64],
      ];
  return assembleModule([
    { name: 'hist', numParams: 6, returnsI32: false, locals, body: instructions(simd) },
  ]);
}

const compiled = new Map<boolean, WebAssembly.Module>();

/**
 * The compiled module, built once per process: the SIMD variant adds (g, h) to a slot pair with one
 * f64x2 instruction; the scalar one is for runtimes without WebAssembly SIMD.
 */
export function histogramModule(simd: boolean): WebAssembly.Module {
  let module = compiled.get(simd);
  if (!module) {
    module = new WebAssembly.Module(moduleBytes(simd));
    compiled.set(simd, module);
  }
  return module;
}

/** Whether this runtime validates WebAssembly SIMD (Node 16.4 and later do). */
export function simdSupported(): boolean {
  try {
    histogramModule(true);
    return true;
  } catch {
    return false;
  }
}

export type WasmHistogramFunction = (
  histogram: number,
  rowBins: number,
  paddedWidth: number,
  indices: number,
  count: number,
  gradientPairs: number,
) => void;
