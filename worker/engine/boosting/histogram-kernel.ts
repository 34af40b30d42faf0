import type { BinColumn } from '../dataset/binned-dataset.ts';
import { accumulateRowWise } from './histogram.ts';
import {
  type ByteKernelFunction,
  byteKernelModule,
  type GradientPairsFunction,
  type GradientsFunction,
  type MarkLeafFunction,
  type PartitionFunction,
} from './wasm-byte-kernel-module.ts';
import { histogramModule, simdSupported, type WasmHistogramFunction } from './wasm-histogram-module.ts';

/**
 * Builds leaf histograms from a row-major copy of the bins. Owns the buffers the hot loop touches:
 * the row-major bins, the leaf-partitioned row indices and the gradient/hessian pairs. The
 * WebAssembly kernels keep them in their linear memory; the typed-array kernel is the fallback (and
 * the reference). When every bin fits in a byte (max_bin up to 256) the WebAssembly kernel is
 * assembled for the dataset's layout; otherwise rows hold 16-bit histogram slots.
 */
export type KernelKind = 'wasm-simd' | 'wasm' | 'js';

export interface HistogramKernel {
  readonly kind: KernelKind;
  /** Row indices, partitioned by leaf by the tree learner. */
  readonly indices: Int32Array;
  /**
   * Gradient and hessian of every row, interleaved: `[2 row]` and `[2 row + 1]`. Float32 as
   * LightGBM's score_t; the histograms sum them in float64.
   */
  readonly gradientPairs: Float32Array;
  /** Copies used feature j's bins into the row-major layout. */
  setFeatureBins(j: number, column: BinColumn): void;
  /**
   * Writes the histogram of the rows `indices[begin .. begin + count)` into `target`. `inOrder`
   * says the rows ascend with few gaps (the root), so no prefetching pass is needed.
   */
  accumulate(target: Float64Array, begin: number, count: number, inOrder?: boolean): void;
  /**
   * Stable in-place partition of the rows `indices[begin .. begin + count)` on used feature j: rows
   * whose bin has `goesLeft[bin] === 1` first, then the others. Returns the number of left rows.
   */
  partition(begin: number, count: number, j: number, goesLeft: Uint8Array): number;
  /** The end-of-iteration loop in WebAssembly, when this kernel has one (see GradientKernel). */
  readonly gradients: GradientKernel | null;
}

/**
 * Scores, labels and each row's leaf kept in the kernel's memory, so that adding a tree's outputs
 * and computing the next gradients run as one WebAssembly loop (wasm-gradient-function.ts) with the
 * exact results of BinaryObjective.addOutputsAndComputeGradients.
 */
export interface GradientKernel {
  /** Raw scores of the training rows; the booster uses this array as its own. */
  readonly scores: Float64Array;
  /** Leaf of each row in the last tree (trees of up to 256 leaves). */
  readonly leafOfRow: Uint8Array;
  setObjective(labels: Uint8Array, sigmoid: number, labelWeights: Float64Array): void;
  addOutputsAndComputeGradients(leafValues: Float64Array, numLeaves: number): void;
  /** leafOfRow[row] = leaf for the rows `indices[begin .. begin + count)`. */
  markLeaf(begin: number, count: number, leaf: number): void;
  /** Replaces every score s by e^s with the loop's exponential (a check against Math.exp). */
  expScores(): void;
}

/** The typed-array partition, for kernels that keep the bin columns as they are. */
function partitionColumn(
  indices: Int32Array,
  scratch: Int32Array,
  begin: number,
  count: number,
  column: BinColumn,
  goesLeft: Uint8Array,
): number {
  let leftEnd = begin;
  let rightCount = 0;
  for (let k = begin; k < begin + count; k++) {
    // Branch-free: the side is a coin flip to the processor, so write both and advance one.
    const row = indices[k];
    const left = goesLeft[column[row]];
    indices[leftEnd] = row;
    scratch[rightCount] = row;
    leftEnd += left;
    rightCount += 1 - left;
  }
  indices.set(scratch.subarray(0, rightCount), leftEnd);
  return leftEnd - begin;
}

/**
 * The fastest kernel this runtime and data allow, unless `wanted` asks for a specific one.
 * `featureSlots[j]` is the first histogram slot of used feature j (two slots per bin), `numBins[j]`
 * its bin count and `numSlots` the histogram's length.
 */
export function createHistogramKernel(
  numRows: number,
  featureSlots: Int32Array,
  numBins: Int32Array,
  numSlots: number,
  wanted?: KernelKind,
): HistogramKernel {
  if (wanted !== 'js') {
    const simd = wanted === 'wasm' ? false : simdSupported();
    try {
      if (numBins.every((bins) => bins <= 256))
        return new ByteWasmKernel(numRows, featureSlots, numSlots, simd);
      if (numSlots + 2 <= 65536) return new SlotWasmKernel(numRows, featureSlots, numSlots, simd);
    } catch (error) {
      // Too large for 32-bit WebAssembly memory: the typed-array kernel has no such limit.
      if (!(error instanceof RangeError)) throw error;
    }
  }
  return new JsHistogramKernel(numRows, featureSlots, numSlots);
}

const PAGE = 65536;
const MAX_MEMORY = 4 * 1024 * 1024 * 1024 - PAGE;
const align = (offset: number, to: number) => Math.ceil(offset / to) * to;

function wasmMemory(bytes: number): WebAssembly.Memory {
  if (bytes > MAX_MEMORY) throw new RangeError('histogram buffers exceed 4 GiB');
  return new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
}

class JsHistogramKernel implements HistogramKernel {
  readonly kind: KernelKind = 'js';
  readonly gradients = null;
  readonly rowBins: Uint16Array | Uint32Array;
  readonly width: number;
  readonly indices: Int32Array;
  readonly gradientPairs: Float32Array;
  private readonly columns: BinColumn[] = [];
  private readonly scratch: Int32Array;

  constructor(
    numRows: number,
    private readonly featureSlots: Int32Array,
    numSlots: number,
  ) {
    const numFeatures = featureSlots.length;
    this.width = numFeatures;
    this.scratch = new Int32Array(numRows);
    this.rowBins =
      numSlots <= 65536 ? new Uint16Array(numRows * numFeatures) : new Uint32Array(numRows * numFeatures);
    this.indices = new Int32Array(numRows);
    this.gradientPairs = new Float32Array(2 * numRows);
  }

  setFeatureBins(j: number, column: BinColumn): void {
    this.columns[j] = column;
    const offset = this.featureSlots[j];
    const rowBins = this.rowBins;
    for (let row = 0, at = j; row < column.length; row++, at += this.width)
      rowBins[at] = offset + 2 * column[row];
  }

  partition(begin: number, count: number, j: number, goesLeft: Uint8Array): number {
    return partitionColumn(this.indices, this.scratch, begin, count, this.columns[j], goesLeft);
  }

  accumulate(target: Float64Array, begin: number, count: number): void {
    target.fill(0);
    accumulateRowWise(target, this.rowBins, this.width, this.indices, begin, count, this.gradientPairs);
  }
}

/** Rows of 16-bit histogram slots, for data with more than 256 bins in some feature. */
class SlotWasmKernel implements HistogramKernel {
  readonly kind: KernelKind;
  readonly gradients = null;
  readonly indices: Int32Array;
  readonly gradientPairs: Float32Array;
  private readonly rowBins: Uint16Array;
  private readonly width: number;
  private readonly scratch: Float64Array;
  private readonly run: WasmHistogramFunction;
  private readonly rowBinsOffset: number;
  private readonly indicesOffset: number;
  private readonly pairsOffset: number;
  private readonly columns: BinColumn[] = [];
  private readonly partitionScratch: Int32Array;

  constructor(
    numRows: number,
    private readonly featureSlots: Int32Array,
    private readonly numSlots: number,
    simd: boolean,
  ) {
    const numFeatures = featureSlots.length;
    this.kind = simd ? 'wasm-simd' : 'wasm';
    this.width = numFeatures + (numFeatures % 2);
    this.partitionScratch = new Int32Array(numRows);
    // Layout: scratch histogram (plus a spare slot pair), gradient pairs, indices, row slots.
    this.pairsOffset = align((numSlots + 2) * 8, 16);
    this.indicesOffset = align(this.pairsOffset + numRows * 8, 8);
    this.rowBinsOffset = align(this.indicesOffset + numRows * 4, 8);
    const memory = wasmMemory(this.rowBinsOffset + numRows * this.width * 2);
    const instance = new WebAssembly.Instance(histogramModule(simd), { env: { memory } });
    this.run = instance.exports.hist as WasmHistogramFunction;
    const buffer = memory.buffer;
    this.scratch = new Float64Array(buffer, 0, numSlots + 2);
    this.gradientPairs = new Float32Array(buffer, this.pairsOffset, 2 * numRows);
    this.indices = new Int32Array(buffer, this.indicesOffset, numRows);
    this.rowBins = new Uint16Array(buffer, this.rowBinsOffset, numRows * this.width);
    if (this.width !== numFeatures) {
      // The padding column points at the spare slot pair after the real histogram.
      for (let row = 0; row < numRows; row++) this.rowBins[row * this.width + numFeatures] = numSlots;
    }
  }

  setFeatureBins(j: number, column: BinColumn): void {
    this.columns[j] = column;
    const offset = this.featureSlots[j];
    const rowBins = this.rowBins;
    for (let row = 0, at = j; row < column.length; row++, at += this.width)
      rowBins[at] = offset + 2 * column[row];
  }

  partition(begin: number, count: number, j: number, goesLeft: Uint8Array): number {
    return partitionColumn(this.indices, this.partitionScratch, begin, count, this.columns[j], goesLeft);
  }

  accumulate(target: Float64Array, begin: number, count: number): void {
    this.scratch.fill(0);
    this.run(0, this.rowBinsOffset, this.width, this.indicesOffset + 4 * begin, count, this.pairsOffset);
    target.set(this.scratch.subarray(0, this.numSlots));
  }
}

/** Rows of one byte per feature, with a kernel assembled for the dataset's layout. */
class ByteWasmKernel implements HistogramKernel, GradientKernel {
  readonly kind: KernelKind;
  readonly gradients: GradientKernel = this;
  readonly scores: Float64Array;
  readonly leafOfRow: Uint8Array;
  private readonly labels: Uint8Array;
  private readonly constants: Float64Array;
  private readonly leafValues: Float64Array;
  private readonly runGradients: GradientsFunction;
  private readonly runExp: GradientsFunction;
  private readonly runGradientPairs: GradientPairsFunction | undefined;
  private readonly runExpPairs: GradientPairsFunction | undefined;
  private readonly runInOrder: ByteKernelFunction;
  private readonly runMarkLeaf: MarkLeafFunction;
  readonly indices: Int32Array;
  readonly gradientPairs: Float32Array;
  private readonly rowBytes: Uint8Array;
  private readonly stride: number;
  private readonly scratch: Float64Array;
  private readonly run: ByteKernelFunction;
  private readonly runPartition: PartitionFunction;
  private readonly indicesOffset: number;
  private readonly goesLeft: Uint8Array;
  private readonly goesLeftOffset: number;
  private readonly partitionScratch: Int32Array;
  private readonly partitionScratchOffset: number;
  private readonly columns: Uint8Array;
  private readonly columnsOffset: number;

  constructor(
    numRows: number,
    featureSlots: Int32Array,
    private readonly numSlots: number,
    simd: boolean,
  ) {
    const numFeatures = featureSlots.length;
    this.kind = simd ? 'wasm-simd' : 'wasm';
    // A power of two up to a cache line, whole cache lines beyond: no row straddles two lines.
    this.stride =
      numFeatures <= 64 ? 2 ** Math.ceil(Math.log2(Math.max(1, numFeatures))) : align(numFeatures, 64);
    // Layout: scratch histogram, the touch pass's sink, the objective's constants, leaf values, the
    // split's bin sides, gradient pairs, indices, partition scratch, scores, labels, leaf of each
    // row, row bins, bin columns.
    const sinkOffset = align(numSlots * 8, 16);
    const constantsOffset = sinkOffset + 16;
    const leafValuesOffset = constantsOffset + 32;
    this.goesLeftOffset = leafValuesOffset + 8 * MAX_GRADIENT_LEAVES;
    const pairsOffset = this.goesLeftOffset + 256;
    this.indicesOffset = pairsOffset + numRows * 8;
    this.partitionScratchOffset = this.indicesOffset + numRows * 4;
    const scoresOffset = this.partitionScratchOffset + numRows * 4;
    const labelsOffset = scoresOffset + numRows * 8;
    const leafOfRowOffset = labelsOffset + numRows;
    const rowsOffset = align(leafOfRowOffset + numRows, 64);
    this.columnsOffset = rowsOffset + numRows * this.stride;
    const memory = wasmMemory(this.columnsOffset + numRows * numFeatures);
    const layout = {
      featureOffsets: Array.from(featureSlots, (slot) => slot * 8),
      stride: this.stride,
      rowsOffset,
      pairsOffset,
      sinkOffset,
      blockRows: BLOCK_ROWS,
      gradients: {
        scoresOffset,
        labelsOffset,
        leafOfRowOffset,
        leafValuesOffset,
        constantsOffset,
        pairsOffset,
      },
    };
    const instance = new WebAssembly.Instance(byteKernelModule(layout, simd), {
      env: { memory, exp: Math.exp },
    });
    this.run = instance.exports.hist as ByteKernelFunction;
    this.runInOrder = instance.exports.histInOrder as ByteKernelFunction;
    this.runGradients = instance.exports.gradients as GradientsFunction;
    this.runExp = instance.exports.expScores as GradientsFunction;
    this.runGradientPairs = instance.exports.gradientPairs as GradientPairsFunction | undefined;
    this.runExpPairs = instance.exports.expPairScores as GradientPairsFunction | undefined;
    this.runMarkLeaf = instance.exports.markLeaf as MarkLeafFunction;
    this.runPartition = instance.exports.partition as PartitionFunction;
    const buffer = memory.buffer;
    this.constants = new Float64Array(buffer, constantsOffset, 3);
    this.leafValues = new Float64Array(buffer, leafValuesOffset, MAX_GRADIENT_LEAVES);
    this.scores = new Float64Array(buffer, scoresOffset, numRows);
    this.labels = new Uint8Array(buffer, labelsOffset, numRows);
    this.leafOfRow = new Uint8Array(buffer, leafOfRowOffset, numRows);
    this.goesLeft = new Uint8Array(buffer, this.goesLeftOffset, 256);
    this.partitionScratch = new Int32Array(buffer, this.partitionScratchOffset, numRows);
    this.columns = new Uint8Array(buffer, this.columnsOffset, numRows * numFeatures);
    this.scratch = new Float64Array(buffer, 0, numSlots);
    this.gradientPairs = new Float32Array(buffer, pairsOffset, 2 * numRows);
    this.indices = new Int32Array(buffer, this.indicesOffset, numRows);
    this.rowBytes = new Uint8Array(buffer, rowsOffset, numRows * this.stride);
  }

  setObjective(labels: Uint8Array, sigmoid: number, labelWeights: Float64Array): void {
    this.labels.set(labels);
    this.constants[0] = sigmoid;
    this.constants[1] = labelWeights[0];
    this.constants[2] = labelWeights[1];
  }

  addOutputsAndComputeGradients(leafValues: Float64Array, numLeaves: number): void {
    if (numLeaves > MAX_GRADIENT_LEAVES) throw new RangeError(`at most ${MAX_GRADIENT_LEAVES} leaves`);
    this.leafValues.set(leafValues.subarray(0, numLeaves));
    if (this.runGradientPairs) this.runGradientPairs(this.scores.length);
    else this.runGradients(0, this.scores.length);
  }

  markLeaf(begin: number, count: number, leaf: number): void {
    this.runMarkLeaf(this.indicesOffset + 4 * begin, count, leaf);
  }

  expScores(): void {
    if (this.runExpPairs) this.runExpPairs(this.scores.length);
    else this.runExp(0, this.scores.length);
  }

  setFeatureBins(j: number, column: BinColumn): void {
    const rowBytes = this.rowBytes;
    const stride = this.stride;
    for (let row = 0, at = j; row < column.length; row++, at += stride) rowBytes[at] = column[row];
    this.columns.set(column, j * column.length);
  }

  partition(begin: number, count: number, j: number, goesLeft: Uint8Array): number {
    this.goesLeft.set(goesLeft.subarray(0, 256));
    const numRows = this.indices.length;
    const leftCount = this.runPartition(
      this.indicesOffset + 4 * begin,
      count,
      this.columnsOffset + j * numRows,
      this.goesLeftOffset,
      this.partitionScratchOffset,
    );
    this.indices.set(this.partitionScratch.subarray(0, count - leftCount), begin + leftCount);
    return leftCount;
  }

  accumulate(target: Float64Array, begin: number, count: number, inOrder = false): void {
    this.scratch.fill(0);
    (inOrder ? this.runInOrder : this.run)(this.indicesOffset + 4 * begin, count);
    target.set(this.scratch.subarray(0, this.numSlots));
  }
}

/** Leaves a tree may have for the WebAssembly gradient loop (its leaf of each row is one byte). */
export const MAX_GRADIENT_LEAVES = 256;

/** Rows per touch-then-add block: enough misses in flight, few enough lines to stay in L1. */
const BLOCK_ROWS = 64;
