import type { BinColumn } from '../dataset/binned-dataset.ts';

/**
 * Histogram kernels. A histogram is one Float64Array holding two slots per bin (sum of gradients,
 * sum of hessians) for every used feature back to back. These loops are the hot path of training, so they take plain typed arrays and allocate
 * nothing.
 */

/** Copies the gradients of a leaf's rows into leaf order, so the histogram loop reads them sequentially. */
export function gatherOrdered(
  indices: Int32Array,
  begin: number,
  count: number,
  gradients: Float32Array,
  hessians: Float32Array,
  orderedGradients: Float32Array,
  orderedHessians: Float32Array,
): void {
  for (let k = 0; k < count; k++) {
    const row = indices[begin + k];
    orderedGradients[k] = gradients[row];
    orderedHessians[k] = hessians[row];
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

/**
 * Histograms of every feature at once from row-major global bin indices (`rowBins[row * width + j]`
 * is feature j's bin plus the feature's first bin in the histogram). One pass over the leaf's rows
 * reads each row's bins from one cache line, and consecutive updates hit different features, which
 * avoids the store-to-load stalls of repeatedly incrementing the same bin.
 */
export function accumulateRowWise(
  hist: Float64Array,
  rowBins: Uint16Array,
  width: number,
  indices: Int32Array,
  begin: number,
  count: number,
  gradients: Float32Array,
  hessians: Float32Array,
): void {
  for (let k = 0; k < count; k++) {
    const row = indices[begin + k];
    const g = gradients[k];
    const h = hessians[k];
    const start = row * width;
    const end = start + width;
    for (let i = start; i < end; i++) {
      const at = rowBins[i] << 1;
      hist[at] += g;
      hist[at + 1] += h;
    }
  }
}
