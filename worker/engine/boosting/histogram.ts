import type { BinColumn } from '../dataset/binned-dataset.ts';

/**
 * Histogram kernels. A histogram is one Float64Array holding three slots per bin (sum of gradients,
 * sum of hessians, row count) for every used feature back to back; `base` is the first slot of a
 * feature. These loops are the hot path of training, so they take plain typed arrays and allocate
 * nothing.
 */

/** Histogram of one feature over every row (the root leaf without bagging). */
export function accumulateAllRows(
  hist: Float64Array,
  base: number,
  column: BinColumn,
  gradients: Float32Array,
  hessians: Float32Array,
  numRows: number,
): void {
  for (let row = 0; row < numRows; row++) {
    const at = base + 3 * column[row];
    hist[at] += gradients[row];
    hist[at + 1] += hessians[row];
    hist[at + 2] += 1;
  }
}

/**
 * Histogram of one feature over the rows `indices[begin .. begin+count)`, whose gradients were copied
 * in the same order to `orderedGradients[0 .. count)` (sequential reads instead of random ones).
 */
export function accumulateIndexedRows(
  hist: Float64Array,
  base: number,
  column: BinColumn,
  indices: Int32Array,
  begin: number,
  count: number,
  orderedGradients: Float32Array,
  orderedHessians: Float32Array,
): void {
  for (let k = 0; k < count; k++) {
    const at = base + 3 * column[indices[begin + k]];
    hist[at] += orderedGradients[k];
    hist[at + 1] += orderedHessians[k];
    hist[at + 2] += 1;
  }
}

/** `larger = parent - smaller`, written over the parent's histogram (the subtraction trick). */
export function subtractHistogram(
  parent: Float64Array,
  smaller: Float64Array,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) parent[i] -= smaller[i];
}
