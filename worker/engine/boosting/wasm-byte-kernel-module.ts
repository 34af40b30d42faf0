/**
 * The histogram loop for data whose bins fit in a byte, assembled for one dataset: each row's bins
 * are `stride` bytes (one per feature, padded so a row never straddles a cache line) and every
 * feature's place in the histogram is a constant baked into its load and store instructions.
 *
 * hist(indices, count), byte offsets into the memory:
 *   for each block of up to BLOCK_ROWS rows of indices[0 .. count):
 *     touch pass: read one byte of each row's bins and gradient pair
 *     add pass, for each row in the block, in order:
 *       (g, h) = gradientPairs[row] (two f32, widened to f64)
 *       for each feature j: histogram[featureOffset[j] + 16 × bins[row × stride + j]] += (g, h)
 *
 * Rows of a leaf lie scattered over the data, so nearly every row is a cache (and TLB) miss. The add
 * pass's body is so long that the processor sees little more than one row ahead and waits for each
 * miss in turn; the touch pass is a handful of instructions per row, so the misses of a whole block
 * are in flight together, and the add pass then finds its rows in cache. Rows are added in the same
 * order either way, so the sums are bit for bit those of a plain loop.
 *
 * histInOrder(indices, count): the same without the touch pass, for rows in increasing order with
 * few gaps (the root), which the processor's own prefetching already brings in.
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
import { expFunction, type GradientLayout, gradientFunction } from './wasm-gradient-function.ts';
import { expPairsFunction, gradientPairsFunction } from './wasm-gradient-simd.ts';

export interface ByteKernelLayout {
  /** Byte offset of each used feature's first histogram slot pair (16-byte aligned). */
  featureOffsets: ArrayLike<number>;
  /** Bytes per row of bins, a power of two or a multiple of 64. */
  stride: number;
  rowsOffset: number;
  pairsOffset: number;
  /** Where the touch pass leaves its (meaningless) sum, so its loads are not optimized away. */
  sinkOffset: number;
  blockRows: number;
  gradients: GradientLayout;
}

// Parameters: 0 indices pointer, 1 count. Locals: 2 end, 3 block end, 4 touch pointer, 5 row,
// 6 touch sum, 7 row's bins, 8 slot address (i32); then (g, h): one v128 (9) or two f64 (9, 10).
const P = 0;
const COUNT = 1;
const END = 2;
const BLOCK_END = 3;
const Q = 4;
const ROW = 5;
const SUM = 6;
const AT = 7;
const ADDRESS = 8;
const GH = 9;
const G = 9;
const H = 10;

function rowTimesStride(stride: number): number[] {
  const shift = Math.log2(stride);
  return Number.isInteger(shift) ? [...i32(shift), op.i32Shl] : [...i32(stride), op.i32Mul];
}

function addFeature(offset: number, binOffset: number, simd: boolean): number[][] {
  const address = [...get(AT), op.i32Load8U, ...memory(0, binOffset), ...i32(4), op.i32Shl, ...tee(ADDRESS)];
  if (simd) {
    return [
      [...address, ...get(ADDRESS), ...V128_LOAD, ...memory(4, offset)],
      [...get(GH), ...F64X2_ADD, ...V128_STORE, ...memory(4, offset)],
    ];
  }
  return [
    [...address, ...get(ADDRESS), op.f64Load, ...memory(3, offset), ...get(G), op.f64Add],
    [op.f64Store, ...memory(3, offset)],
    [...get(ADDRESS), ...get(ADDRESS), op.f64Load, ...memory(3, offset + 8), ...get(H), op.f64Add],
    [op.f64Store, ...memory(3, offset + 8)],
  ];
}

function instructions(layout: ByteKernelLayout, simd: boolean, touch: boolean): number[][] {
  const { featureOffsets, stride, rowsOffset, pairsOffset, sinkOffset, blockRows } = layout;
  // The pair is two f32 (8 bytes), widened to f64 for the sums.
  const loadPair = simd
    ? [
        [...get(ROW), ...i32(3), op.i32Shl, ...V128_LOAD64_ZERO, ...memory(3, pairsOffset)],
        [...F64X2_PROMOTE_LOW_F32X4, ...set(GH)],
      ]
    : [
        [...get(ROW), ...i32(3), op.i32Shl, ...tee(ADDRESS), op.f32Load, ...memory(2, pairsOffset)],
        [op.f64PromoteF32, ...set(G)],
        [...get(ADDRESS), op.f32Load, ...memory(2, pairsOffset + 4), op.f64PromoteF32, ...set(H)],
      ];
  const features: number[][] = [];
  for (let j = 0; j < featureOffsets.length; j++) {
    features.push(...addFeature(featureOffsets[j], rowsOffset + j, simd));
  }
  const touchPass: number[][] = [
    [...get(P), ...set(Q), ...op.block, ...op.loop],
    [...get(Q), ...get(BLOCK_END), op.i32GeU, op.brIf, 1],
    [...get(Q), op.i32Load, ...memory(2, 0), ...set(ROW)],
    [...get(SUM), ...get(ROW), ...rowTimesStride(stride), op.i32Load8U, ...memory(0, rowsOffset), op.i32Add],
    [...get(ROW), ...i32(3), op.i32Shl, op.i32Load8U, ...memory(0, pairsOffset), op.i32Add, ...set(SUM)],
    [...get(Q), ...i32(4), op.i32Add, ...set(Q), op.br, 0],
    [op.end, op.end],
    [...i32(sinkOffset), ...get(SUM), op.i32Store, ...memory(2, 0)],
  ];
  return [
    [...get(P), ...get(COUNT), ...i32(2), op.i32Shl, op.i32Add, ...set(END)],
    [...op.block, ...op.loop],
    [...get(P), ...get(END), op.i32GeU, op.brIf, 1],
    // block end = min(p + 4 × blockRows, end)
    [...get(P), ...i32(4 * blockRows), op.i32Add, ...tee(BLOCK_END), ...get(END)],
    [...get(BLOCK_END), ...get(END), op.i32LtU, op.select, ...set(BLOCK_END)],
    ...(touch ? touchPass : []),
    // add pass
    [...op.block, ...op.loop],
    [...get(P), ...get(BLOCK_END), op.i32GeU, op.brIf, 1],
    [...get(P), op.i32Load, ...memory(2, 0), ...set(ROW)],
    ...loadPair,
    [...get(ROW), ...rowTimesStride(stride), ...set(AT)],
    ...features,
    [...get(P), ...i32(4), op.i32Add, ...set(P), op.br, 0],
    [op.end, op.end],
    [op.br, 0],
    [op.end, op.end],
  ];
}

// partition's parameters: 0 indices pointer, 1 count, 2 column, 3 goesLeft, 4 scratch pointer.
// Locals: 5 end, 6 left pointer, 7 row, 8 side (1 left, 0 right).
const COLUMN = 2;
const GOES_LEFT = 3;
const RIGHT = 4;
const PART_END = 5;
const LEFT = 6;
const PART_ROW = 7;
const SIDE = 8;

function partitionInstructions(): number[][] {
  return [
    [...get(P), ...get(COUNT), ...i32(2), op.i32Shl, op.i32Add, ...set(PART_END), ...get(P), ...set(LEFT)],
    [...op.block, ...op.loop],
    [...get(P), ...get(PART_END), op.i32GeU, op.brIf, 1],
    [...get(P), op.i32Load, ...memory(2, 0), ...set(PART_ROW)],
    [
      ...get(GOES_LEFT),
      ...get(COLUMN),
      ...get(PART_ROW),
      op.i32Add,
      op.i32Load8U,
      ...memory(0, 0),
      op.i32Add,
    ],
    [op.i32Load8U, ...memory(0, 0), ...set(SIDE)],
    // Branch-free: the side is a coin flip to the processor, so write both and advance one.
    [...get(LEFT), ...get(PART_ROW), op.i32Store, ...memory(2, 0)],
    [...get(RIGHT), ...get(PART_ROW), op.i32Store, ...memory(2, 0)],
    [...get(LEFT), ...get(SIDE), ...i32(2), op.i32Shl, op.i32Add, ...set(LEFT)],
    [...get(RIGHT), ...i32(4), op.i32Add, ...get(SIDE), ...i32(2), op.i32Shl, op.i32Sub, ...set(RIGHT)],
    [...get(P), ...i32(4), op.i32Add, ...set(P), op.br, 0],
    [op.end, op.end],
    // left count = count - right count = count - (end - left) / 4
    [...get(COUNT), ...get(PART_END), ...get(LEFT), op.i32Sub, ...i32(2), op.i32ShrU, op.i32Sub],
  ];
}

// markLeaf's parameters: 0 indices pointer, 1 count, 2 leaf. Local 3: end.
const LEAF = 2;
const MARK_END = 3;

/** markLeaf(indices, count, leaf): leafOfRow[row] = leaf for each row of indices[0 .. count). */
function markLeafInstructions(leafOfRowOffset: number): number[][] {
  return [
    [...get(P), ...get(COUNT), ...i32(2), op.i32Shl, op.i32Add, ...set(MARK_END)],
    [...op.block, ...op.loop],
    [...get(P), ...get(MARK_END), op.i32GeU, op.brIf, 1],
    [...get(P), op.i32Load, ...memory(2, 0), ...get(LEAF), op.i32Store8, ...memory(0, leafOfRowOffset)],
    [...get(P), ...i32(4), op.i32Add, ...set(P), op.br, 0],
    [op.end, op.end],
  ];
}

/**
 * The kernel for one dataset's layout; `simd` adds (g, h) to a slot pair with one f64x2 add. The
 * module imports `env.memory` and `env.exp` (Math.exp, for the gradient loop's rare inputs).
 */
export function byteKernelModule(layout: ByteKernelLayout, simd: boolean): WebAssembly.Module {
  const locals: [number, number][] = simd
    ? [
        [7, I32],
        [1, V128],
      ]
    : [
        [7, I32],
        [2, F64],
      ];
  // Function 0 is the imported Math.exp, so gradients (the third defined function) is number 3
  // and expScores (the fifth) number 5.
  const pairs = simd
    ? [gradientPairsFunction(layout.gradients, 3), expPairsFunction(layout.gradients, 5)]
    : [];
  return new WebAssembly.Module(
    assembleModule(
      [
        { name: 'hist', numParams: 2, returnsI32: false, locals, body: instructions(layout, simd, true) },
        {
          name: 'partition',
          numParams: 5,
          returnsI32: true,
          locals: [[4, I32]],
          body: partitionInstructions(),
        },
        gradientFunction(layout.gradients),
        {
          name: 'markLeaf',
          numParams: 3,
          returnsI32: false,
          locals: [[1, I32]],
          body: markLeafInstructions(layout.gradients.leafOfRowOffset),
        },
        expFunction(layout.gradients),
        ...pairs,
        {
          name: 'histInOrder',
          numParams: 2,
          returnsI32: false,
          locals,
          body: instructions(layout, simd, false),
        },
      ],
      true,
    ),
  );
}

export type ByteKernelFunction = (indices: number, count: number) => void;
export type GradientsFunction = (begin: number, end: number) => void;
export type GradientPairsFunction = (count: number) => void;
export type MarkLeafFunction = (indices: number, count: number, leaf: number) => void;
export type PartitionFunction = (
  indices: number,
  count: number,
  column: number,
  goesLeft: number,
  scratch: number,
) => number;
