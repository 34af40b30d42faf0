import { accumulateRowWise } from './histogram.ts';
import { histogramModule, simdSupported, type WasmHistogramFunction } from './wasm-histogram-module.ts';

/**
 * Builds leaf histograms from row-major bin slots. Owns the buffers the hot loop touches: the
 * row-major slots, the leaf-partitioned row indices and the gradient/hessian pairs. The WebAssembly
 * kernel keeps them in its linear memory; the typed-array kernel is the fallback (and the reference).
 */
export type KernelKind = 'wasm-simd' | 'wasm' | 'js';

export interface HistogramKernel {
  readonly kind: KernelKind;
  /** Row-major histogram slots: `rowBins[row * width + j]` (width may include one padding column). */
  readonly rowBins: Uint16Array | Uint32Array;
  readonly width: number;
  /** Row indices, partitioned by leaf by the tree learner. */
  readonly indices: Int32Array;
  /** Gradient and hessian of every row, interleaved: `[2 row]` and `[2 row + 1]`. */
  readonly gradientPairs: Float64Array;
  /** Writes the histogram of the rows `indices[begin .. begin + count)` into `target`. */
  accumulate(target: Float64Array, begin: number, count: number): void;
}

/** The fastest kernel this runtime and data allow, unless `wanted` asks for a specific one. */
export function createHistogramKernel(
  numRows: number,
  numFeatures: number,
  numSlots: number,
  wanted?: KernelKind,
): HistogramKernel {
  if (wanted !== 'js' && numSlots + 2 <= 65536) {
    const simd = wanted === 'wasm' ? false : simdSupported();
    try {
      return new WasmHistogramKernel(numRows, numFeatures, numSlots, simd);
    } catch (error) {
      // Too large for 32-bit WebAssembly memory: the typed-array kernel has no such limit.
      if (!(error instanceof RangeError)) throw error;
    }
  }
  return new JsHistogramKernel(numRows, numFeatures, numSlots);
}

class JsHistogramKernel implements HistogramKernel {
  readonly kind: KernelKind = 'js';
  readonly rowBins: Uint16Array | Uint32Array;
  readonly width: number;
  readonly indices: Int32Array;
  readonly gradientPairs: Float64Array;

  constructor(numRows: number, numFeatures: number, numSlots: number) {
    this.width = numFeatures;
    this.rowBins =
      numSlots <= 65536 ? new Uint16Array(numRows * numFeatures) : new Uint32Array(numRows * numFeatures);
    this.indices = new Int32Array(numRows);
    this.gradientPairs = new Float64Array(2 * numRows);
  }

  accumulate(target: Float64Array, begin: number, count: number): void {
    target.fill(0);
    accumulateRowWise(target, this.rowBins, this.width, this.indices, begin, count, this.gradientPairs);
  }
}

const PAGE = 65536;

class WasmHistogramKernel implements HistogramKernel {
  readonly kind: KernelKind;
  readonly rowBins: Uint16Array;
  readonly width: number;
  readonly indices: Int32Array;
  readonly gradientPairs: Float64Array;
  private readonly scratch: Float64Array;
  private readonly run: WasmHistogramFunction;
  private readonly scratchOffset: number;
  private readonly rowBinsOffset: number;
  private readonly indicesOffset: number;
  private readonly pairsOffset: number;
  private readonly numSlots: number;

  constructor(numRows: number, numFeatures: number, numSlots: number, simd: boolean) {
    this.kind = simd ? 'wasm-simd' : 'wasm';
    this.numSlots = numSlots;
    this.width = numFeatures + (numFeatures % 2);
    // Layout: scratch histogram (plus a spare slot pair), gradient pairs, indices, row slots.
    const align = (offset: number) => Math.ceil(offset / 8) * 8;
    this.scratchOffset = 0;
    this.pairsOffset = align(this.scratchOffset + (numSlots + 2) * 8);
    this.indicesOffset = align(this.pairsOffset + numRows * 16);
    this.rowBinsOffset = align(this.indicesOffset + numRows * 4);
    const bytes = this.rowBinsOffset + numRows * this.width * 2;
    if (bytes > 4 * 1024 * 1024 * 1024 - PAGE) throw new RangeError('histogram buffers exceed 4 GiB');
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    const instance = new WebAssembly.Instance(histogramModule(simd), { env: { memory } });
    this.run = instance.exports.hist as WasmHistogramFunction;
    const buffer = memory.buffer;
    this.scratch = new Float64Array(buffer, this.scratchOffset, numSlots + 2);
    this.gradientPairs = new Float64Array(buffer, this.pairsOffset, 2 * numRows);
    this.indices = new Int32Array(buffer, this.indicesOffset, numRows);
    this.rowBins = new Uint16Array(buffer, this.rowBinsOffset, numRows * this.width);
    if (this.width !== numFeatures) {
      // The padding column points at the spare slot pair after the real histogram.
      for (let row = 0; row < numRows; row++) this.rowBins[row * this.width + numFeatures] = numSlots;
    }
  }

  accumulate(target: Float64Array, begin: number, count: number): void {
    this.scratch.fill(0);
    this.run(
      this.scratchOffset,
      this.rowBinsOffset,
      this.width,
      this.indicesOffset + 4 * begin,
      count,
      this.pairsOffset,
    );
    target.set(this.scratch.subarray(0, this.numSlots));
  }
}
