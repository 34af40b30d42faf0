import { MissingType } from '../tree/tree.ts';
import { equalOrdered, formatPrecision15, nextUp, ZERO_THRESHOLD } from './float-format.ts';

/**
 * Maps raw feature values to histogram bins the way LightGBM's BinMapper does (src/io/bin.cpp), so
 * that split thresholds written as bin upper bounds make real LightGBM route rows exactly as we do.
 *
 * Numerical: distinct sampled values, bins split greedily by count with upper bounds at midpoints
 * (nudged one ulp up), zero kept in a bin of its own, and a last bin for NaN when the sample has NaN.
 * Categorical: bin 0 collects NaN, negative and rare categories; the other bins hold categories in
 * decreasing order of count.
 */
export interface BinMapper {
  kind: 'numerical' | 'categorical';
  numBins: number;
  missingType: MissingType;
  /** A feature with one bin, or one no split could use under min_data_in_leaf: never split on. */
  isTrivial: boolean;
  /** Numerical: upper bound of each bin (last is +Infinity, or NaN for the missing-value bin). */
  upperBounds: Float64Array;
  /** Categorical: the category of each bin (bin 0 is -1, the "other / missing" bin). */
  binToCategory: Int32Array;
  /** Smallest and largest sampled value (numerical), written to feature_infos. */
  minValue: number;
  maxValue: number;
  /** Number of sampled rows in each bin. */
  countInBin: Int32Array;
}

export interface BinningOptions {
  maxBin: number;
  minDataInBin: number;
  /** Rows needed on each side of a split (min_data_in_leaf); used to drop unsplittable features. */
  minSplitData: number;
  useMissing: boolean;
  preFilter: boolean;
}

/**
 * Builds a mapper from sampled values. `values` holds the sampled values that are not zero (NaN
 * allowed); `totalSampleCount` counts every sampled row, so rows left out of `values` are zeros.
 */
export function findBins(
  kind: 'numerical' | 'categorical',
  values: Float64Array,
  totalSampleCount: number,
  options: BinningOptions,
): BinMapper {
  let finite = 0;
  const sorted = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) sorted[finite++] = values[i];
  }
  const naCount = values.length - finite;
  const present = sorted.subarray(0, finite).sort();
  const zeroCount = totalSampleCount - finite - naCount;
  const { distinct, counts } = distinctWithZero(present, zeroCount);
  const mapper =
    kind === 'numerical'
      ? numericalBins(distinct, counts, naCount, totalSampleCount, options)
      : categoricalBins(distinct, counts, naCount, totalSampleCount, options.maxBin, options.minDataInBin);
  mapper.isTrivial =
    mapper.numBins <= 1 || (options.preFilter && cannotSplit(mapper, totalSampleCount, options.minSplitData));
  return mapper;
}

function distinctWithZero(sorted: Float64Array, zeroCount: number): { distinct: number[]; counts: number[] } {
  const distinct: number[] = [];
  const counts: number[] = [];
  const n = sorted.length;
  if (n === 0 || (sorted[0] > 0 && zeroCount > 0)) {
    distinct.push(0);
    counts.push(zeroCount);
  }
  if (n > 0) {
    distinct.push(sorted[0]);
    counts.push(1);
  }
  for (let i = 1; i < n; i++) {
    if (!equalOrdered(sorted[i - 1], sorted[i])) {
      if (sorted[i - 1] < 0 && sorted[i] > 0) {
        distinct.push(0);
        counts.push(zeroCount);
      }
      distinct.push(sorted[i]);
      counts.push(1);
    } else {
      // Values one ulp apart are one value; keep the larger, as LightGBM does.
      distinct[distinct.length - 1] = sorted[i];
      counts[counts.length - 1]++;
    }
  }
  if (n > 0 && sorted[n - 1] < 0 && zeroCount > 0) {
    distinct.push(0);
    counts.push(zeroCount);
  }
  return { distinct, counts };
}

function numericalBins(
  distinct: number[],
  counts: number[],
  naCount: number,
  totalSampleCount: number,
  options: BinningOptions,
): BinMapper {
  const hasNaN = options.useMissing && naCount > 0;
  const missingType = hasNaN ? MissingType.NaN : MissingType.None;
  const bounds = hasNaN
    ? boundsWithZeroBin(
        distinct,
        counts,
        options.maxBin - 1,
        totalSampleCount - naCount,
        options.minDataInBin,
      )
    : boundsWithZeroBin(distinct, counts, options.maxBin, totalSampleCount, options.minDataInBin);
  if (hasNaN) bounds.push(Number.NaN);
  const numBins = bounds.length;
  const countInBin = new Int32Array(numBins);
  let bin = 0;
  for (let i = 0; i < distinct.length; i++) {
    while (distinct[i] > bounds[bin] && bin < numBins - 1) bin++;
    countInBin[bin] += counts[i];
  }
  if (hasNaN) countInBin[numBins - 1] = naCount;
  return {
    kind: 'numerical',
    numBins,
    missingType,
    isTrivial: false,
    upperBounds: Float64Array.from(bounds),
    binToCategory: new Int32Array(0),
    minValue: distinct[0],
    maxValue: distinct[distinct.length - 1],
    countInBin,
  };
}

/** Negative values and positive values are binned separately so that zero always has its own bin. */
function boundsWithZeroBin(
  distinct: number[],
  counts: number[],
  maxBin: number,
  totalCount: number,
  minDataInBin: number,
): number[] {
  let leftCountData = 0;
  let zeroCount = 0;
  let rightCountData = 0;
  for (let i = 0; i < distinct.length; i++) {
    if (distinct[i] <= -ZERO_THRESHOLD) leftCountData += counts[i];
    else if (distinct[i] > ZERO_THRESHOLD) rightCountData += counts[i];
    else zeroCount += counts[i];
  }
  let leftEnd = distinct.findIndex((value) => value > -ZERO_THRESHOLD);
  if (leftEnd < 0) leftEnd = distinct.length;
  let bounds: number[] = [];
  if (leftEnd > 0 && maxBin > 1) {
    const leftMaxBin = Math.max(1, Math.trunc((leftCountData / (totalCount - zeroCount)) * (maxBin - 1)));
    bounds = greedyBounds(distinct, counts, 0, leftEnd, leftMaxBin, leftCountData, minDataInBin);
    if (bounds.length > 0) bounds[bounds.length - 1] = -ZERO_THRESHOLD;
  }
  let rightStart = -1;
  for (let i = leftEnd; i < distinct.length; i++) {
    if (distinct[i] > ZERO_THRESHOLD) {
      rightStart = i;
      break;
    }
  }
  const rightMaxBin = maxBin - 1 - bounds.length;
  if (rightStart >= 0 && rightMaxBin > 0) {
    const right = greedyBounds(
      distinct,
      counts,
      rightStart,
      distinct.length,
      rightMaxBin,
      rightCountData,
      minDataInBin,
    );
    bounds.push(ZERO_THRESHOLD, ...right);
  } else {
    bounds.push(Number.POSITIVE_INFINITY);
  }
  return bounds;
}

/** Greedy equal-count binning of distinct values [start, end); returns upper bounds ending with +inf. */
function greedyBounds(
  distinct: number[],
  counts: number[],
  start: number,
  end: number,
  maxBinIn: number,
  totalCount: number,
  minDataInBin: number,
): number[] {
  const n = end - start;
  const bounds: number[] = [];
  if (n <= maxBinIn) {
    let inBin = 0;
    for (let i = 0; i < n - 1; i++) {
      inBin += counts[start + i];
      if (inBin >= minDataInBin) {
        const value = nextUp((distinct[start + i] + distinct[start + i + 1]) / 2);
        if (bounds.length === 0 || !equalOrdered(bounds[bounds.length - 1], value)) {
          bounds.push(value);
          inBin = 0;
        }
      }
    }
    bounds.push(Number.POSITIVE_INFINITY);
    return bounds;
  }
  let maxBin = maxBinIn;
  if (minDataInBin > 0) maxBin = Math.max(1, Math.min(maxBin, Math.trunc(totalCount / minDataInBin)));
  let meanBinSize = totalCount / maxBin;
  let restBinCount = maxBin;
  let restSampleCount = totalCount;
  const isBig = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (counts[start + i] >= meanBinSize) {
      isBig[i] = 1;
      restBinCount--;
      restSampleCount -= counts[start + i];
    }
  }
  meanBinSize = restSampleCount / restBinCount;
  const upper = new Float64Array(maxBin).fill(Number.POSITIVE_INFINITY);
  const lower = new Float64Array(maxBin).fill(Number.POSITIVE_INFINITY);
  let binCount = 0;
  lower[0] = distinct[start];
  let inBin = 0;
  for (let i = 0; i < n - 1; i++) {
    const count = counts[start + i];
    if (!isBig[i]) restSampleCount -= count;
    inBin += count;
    // float32 0.5 in the original; 0.5 is exact in both widths.
    if (isBig[i] || inBin >= meanBinSize || (isBig[i + 1] && inBin >= Math.max(1, meanBinSize * 0.5))) {
      upper[binCount] = distinct[start + i];
      binCount++;
      lower[binCount] = distinct[start + i + 1];
      if (binCount >= maxBin - 1) break;
      inBin = 0;
      if (!isBig[i]) {
        restBinCount--;
        meanBinSize = restSampleCount / restBinCount;
      }
    }
  }
  binCount++;
  for (let i = 0; i < binCount - 1; i++) {
    const value = nextUp((upper[i] + lower[i + 1]) / 2);
    if (bounds.length === 0 || !equalOrdered(bounds[bounds.length - 1], value)) bounds.push(value);
  }
  bounds.push(Number.POSITIVE_INFINITY);
  return bounds;
}

function categoricalBins(
  distinct: number[],
  counts: number[],
  naCountIn: number,
  totalSampleCount: number,
  maxBinIn: number,
  minDataInBin: number,
): BinMapper {
  let naCount = naCountIn;
  const categories: number[] = [];
  const categoryCounts: number[] = [];
  for (let i = 0; i < distinct.length; i++) {
    const category = Math.trunc(distinct[i]);
    if (category < 0) {
      // Negative codes mean "missing", like NaN.
      naCount += counts[i];
    } else if (categories.length === 0 || category !== categories[categories.length - 1]) {
      categories.push(category);
      categoryCounts.push(counts[i]);
    } else {
      categoryCounts[categoryCounts.length - 1] += counts[i];
    }
  }
  // Most frequent first; equal counts keep ascending category order (stable sort).
  const order = categories.map((_, index) => index);
  order.sort((a, b) => categoryCounts[b] - categoryCounts[a] || a - b);
  const restCount = totalSampleCount - naCount;
  const binToCategory: number[] = [-1];
  const countInBin: number[] = [0];
  let missingType: MissingType = MissingType.NaN;
  if (restCount > 0) {
    const cutCount = Math.round(Math.fround(restCount * Math.fround(0.99)));
    const distinctCount = categories.length + (naCount > 0 ? 1 : 0);
    const maxBin = Math.min(distinctCount, maxBinIn);
    let used = 0;
    let next = 0;
    while (next < order.length && (used < cutCount || binToCategory.length < maxBin)) {
      const count = categoryCounts[order[next]];
      if (count < minDataInBin && next > 1) break;
      binToCategory.push(categories[order[next]]);
      countInBin.push(count);
      used += count;
      next++;
    }
    if (next === order.length && naCount === 0) missingType = MissingType.None;
    countInBin[0] = totalSampleCount - used;
  }
  return {
    kind: 'categorical',
    numBins: binToCategory.length,
    missingType,
    isTrivial: false,
    upperBounds: new Float64Array(0),
    binToCategory: Int32Array.from(binToCategory),
    minValue: 0,
    maxValue: 0,
    countInBin: Int32Array.from(countInBin),
  };
}

function cannotSplit(mapper: BinMapper, total: number, minSplitData: number): boolean {
  const counts = mapper.countInBin;
  if (mapper.kind === 'numerical') {
    let left = 0;
    for (let i = 0; i < counts.length - 1; i++) {
      left += counts[i];
      if (left >= minSplitData && total - left >= minSplitData) return false;
    }
    return true;
  }
  if (counts.length > 2) return false;
  for (let i = 0; i < counts.length - 1; i++) {
    if (counts[i] >= minSplitData && total - counts[i] >= minSplitData) return false;
  }
  return true;
}

/** The bin a raw value falls in (LightGBM's ValueToBin). */
export function valueToBin(mapper: BinMapper, value: number): number {
  if (mapper.kind === 'categorical') {
    if (Number.isNaN(value) || value < 0) return 0;
    const category = Math.trunc(value);
    const bins = mapper.binToCategory;
    for (let bin = 1; bin < bins.length; bin++) if (bins[bin] === category) return bin;
    return 0;
  }
  let x = value;
  if (Number.isNaN(x)) {
    if (mapper.missingType === MissingType.NaN) return mapper.numBins - 1;
    x = 0;
  }
  return searchUpperBound(
    mapper.upperBounds,
    mapper.missingType === MissingType.NaN ? mapper.numBins - 1 : mapper.numBins,
    x,
  );
}

/**
 * First bin in [0, count) whose upper bound is >= x; the last bin's bound is +Infinity, so one always
 * is. Written without an unpredictable branch, which matters when every row of every feature goes
 * through it.
 */
export function searchUpperBound(bounds: Float64Array, count: number, x: number): number {
  let low = 0;
  let size = count;
  while (size > 1) {
    const half = size >>> 1;
    // Arithmetic on the comparison, not `?:`, which V8 compiles to a branch that mispredicts half
    // the time here.
    low += +(bounds[low + half - 1] < x) * half;
    size -= half;
  }
  return low;
}

/** The feature's entry in the model file's `feature_infos` line. */
export function featureInfo(mapper: BinMapper): string {
  if (mapper.isTrivial) return 'none';
  if (mapper.kind === 'categorical') return Array.from(mapper.binToCategory).join(':');
  return `[${formatPrecision15(mapper.minValue)}:${formatPrecision15(mapper.maxValue)}]`;
}

/** Raw value written as a numerical split threshold for a bin: the bin's upper bound. */
export function binUpperBound(mapper: BinMapper, bin: number): number {
  return mapper.upperBounds[bin];
}
