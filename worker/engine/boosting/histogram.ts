/**
 * Histogram kernels. A histogram is one Float64Array holding two slots per bin (sum of gradients,
 * sum of hessians) for every used feature back to back. These loops are the hot path of training, so they take plain typed arrays and allocate
 * nothing.
 */

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
 * Histograms of every feature at once. `rowBins[row * width + j]` is the histogram slot of feature
 * j's bin for that row (2 × (feature's first bin + bin)), so one pass over the leaf's rows reads each
 * row's bins from one cache line and consecutive updates hit different features, which avoids the
 * store-to-load stalls of incrementing one bin over and over. Unrolled by four: the loop overhead is
 * a large share of such a short body.
 */
export function accumulateRowWise(
  hist: Float64Array,
  rowBins: Uint16Array | Uint32Array,
  width: number,
  indices: Int32Array,
  begin: number,
  count: number,
  gradientPairs: Float32Array,
): void {
  const blockEnd = width - (width % 4);
  for (let k = 0; k < count; k++) {
    const row = indices[begin + k];
    const g = gradientPairs[2 * row];
    const h = gradientPairs[2 * row + 1];
    const start = row * width;
    let i = start;
    const unrolledEnd = start + blockEnd;
    while (i < unrolledEnd) {
      const a = rowBins[i];
      const b = rowBins[i + 1];
      const c = rowBins[i + 2];
      const d = rowBins[i + 3];
      hist[a] += g;
      hist[a + 1] += h;
      hist[b] += g;
      hist[b + 1] += h;
      hist[c] += g;
      hist[c + 1] += h;
      hist[d] += g;
      hist[d + 1] += h;
      i += 4;
    }
    const end = start + width;
    while (i < end) {
      const a = rowBins[i];
      hist[a] += g;
      hist[a + 1] += h;
      i++;
    }
  }
}
