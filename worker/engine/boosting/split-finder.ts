import type { BinMapper } from '../dataset/bin-mapper.ts';
import { MissingType } from '../tree/tree.ts';
import type { SplitInfo } from './split-info.ts';

/** LightGBM's kEpsilon: keeps hessian sums away from zero. */
export const EPSILON = 1e-15;

export interface SplitConstraints {
  lambdaL1: number;
  lambdaL2: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  minGainToSplit: number;
  maxCatToOnehot: number;
  maxCatThreshold: number;
  catSmooth: number;
  catL2: number;
  minDataPerGroup: number;
}

function thresholdL1(gradient: number, l1: number): number {
  const reduced = Math.abs(gradient) - l1;
  return reduced > 0 ? Math.sign(gradient) * reduced : 0;
}

export function leafOutput(sumGradient: number, sumHessian: number, l1: number, l2: number): number {
  return -thresholdL1(sumGradient, l1) / (sumHessian + l2);
}

export function leafGain(sumGradient: number, sumHessian: number, l1: number, l2: number): number {
  const g = thresholdL1(sumGradient, l1);
  return (g * g) / (sumHessian + l2);
}

/**
 * Statistics of the leaf being split. Histograms hold two slots per bin, sum of gradients and sum of
 * hessians, at `base + 2 * bin`. Row counts per bin are estimated from the hessians as LightGBM does
 * (count ≈ hessian × rows / total hessian); leaf sizes themselves are exact.
 */
export interface LeafStats {
  sumGradient: number;
  sumHessian: number;
  count: number;
}

/**
 * Best threshold of a numerical feature. Scans right-to-left with missing values on the left, then
 * left-to-right with them on the right, which is how the default direction for NaN is learned
 * (LightGBM's FindBestThresholdSequentially). Returns true when some split passes the constraints.
 */
export function findNumericalSplit(
  hist: Float64Array,
  base: number,
  mapper: BinMapper,
  feature: number,
  leaf: LeafStats,
  c: SplitConstraints,
  out: SplitInfo,
): boolean {
  const numBins = mapper.numBins;
  const sumGradient = leaf.sumGradient;
  const sumHessian = leaf.sumHessian + 2 * EPSILON;
  const count = leaf.count;
  const countFactor = count / leaf.sumHessian;
  const l1 = c.lambdaL1;
  const l2 = c.lambdaL2;
  const minGainShift = leafGain(sumGradient, sumHessian, l1, l2) + c.minGainToSplit;
  const nanSeparate = mapper.missingType === MissingType.NaN && numBins > 2;
  let splittable = false;
  let bestGain = Number.NEGATIVE_INFINITY;
  let bestThreshold = 0;
  let bestLeftGradient = 0;
  let bestLeftHessian = 0;
  let bestLeftCount = 0;
  let bestDefaultLeft = true;

  // Right to left: everything not yet on the right (including the NaN bin) goes left.
  {
    let rightGradient = 0;
    let rightHessian = EPSILON;
    let rightCount = 0;
    const start = nanSeparate ? numBins - 2 : numBins - 1;
    for (let t = start; t >= 1; t--) {
      const at = base + 2 * t;
      rightGradient += hist[at];
      rightHessian += hist[at + 1];
      rightCount += Math.trunc(hist[at + 1] * countFactor + 0.5);
      if (rightCount < c.minDataInLeaf || rightHessian < c.minSumHessianInLeaf) continue;
      const leftCount = count - rightCount;
      if (leftCount < c.minDataInLeaf) break;
      const leftHessian = sumHessian - rightHessian;
      if (leftHessian < c.minSumHessianInLeaf) break;
      const leftGradient = sumGradient - rightGradient;
      const gain =
        leafGain(leftGradient, leftHessian, l1, l2) + leafGain(rightGradient, rightHessian, l1, l2);
      if (gain <= minGainShift) continue;
      splittable = true;
      if (gain > bestGain) {
        bestGain = gain;
        bestThreshold = t - 1;
        bestLeftGradient = leftGradient;
        bestLeftHessian = leftHessian;
        bestLeftCount = leftCount;
        bestDefaultLeft = true;
      }
    }
  }

  // Left to right, only when NaN has its own bin: NaN stays on the right.
  if (nanSeparate) {
    let leftGradient = 0;
    let leftHessian = EPSILON;
    let leftCount = 0;
    for (let t = 0; t <= numBins - 2; t++) {
      const at = base + 2 * t;
      leftGradient += hist[at];
      leftHessian += hist[at + 1];
      leftCount += Math.trunc(hist[at + 1] * countFactor + 0.5);
      if (leftCount < c.minDataInLeaf || leftHessian < c.minSumHessianInLeaf) continue;
      const rightCount = count - leftCount;
      if (rightCount < c.minDataInLeaf) break;
      const rightHessian = sumHessian - leftHessian;
      if (rightHessian < c.minSumHessianInLeaf) break;
      const rightGradient = sumGradient - leftGradient;
      const gain =
        leafGain(leftGradient, leftHessian, l1, l2) + leafGain(rightGradient, rightHessian, l1, l2);
      if (gain <= minGainShift) continue;
      splittable = true;
      if (gain > bestGain) {
        bestGain = gain;
        bestThreshold = t;
        bestLeftGradient = leftGradient;
        bestLeftHessian = leftHessian;
        bestLeftCount = leftCount;
        bestDefaultLeft = false;
      }
    }
  } else if (mapper.missingType === MissingType.NaN) {
    // Two bins (values and NaN): the only threshold sends NaN right.
    bestDefaultLeft = false;
  }

  if (!splittable || bestGain - minGainShift <= out.gain) return splittable;
  out.gain = bestGain - minGainShift;
  out.feature = feature;
  out.isCategorical = false;
  out.categoryBins.length = 0;
  out.thresholdBin = bestThreshold;
  out.defaultLeft = bestDefaultLeft;
  fillSides(out, sumGradient, sumHessian, count, bestLeftGradient, bestLeftHessian, bestLeftCount, l1, l2);
  return true;
}

function fillSides(
  out: SplitInfo,
  sumGradient: number,
  sumHessian: number,
  count: number,
  leftGradient: number,
  leftHessian: number,
  leftCount: number,
  l1: number,
  l2: number,
): void {
  out.leftCount = leftCount;
  out.rightCount = count - leftCount;
  out.leftSumGradient = leftGradient;
  out.leftSumHessian = leftHessian - EPSILON;
  out.rightSumGradient = sumGradient - leftGradient;
  out.rightSumHessian = sumHessian - leftHessian - EPSILON;
  out.leftOutput = leafOutput(leftGradient, leftHessian, l1, l2);
  out.rightOutput = leafOutput(sumGradient - leftGradient, sumHessian - leftHessian, l1, l2);
}

/** Scratch space for sorting categories, reused across calls. */
const sortedBins: number[] = [];
const sortKey = new Float64Array(65536);

/**
 * Best categorical split (LightGBM's FindBestThresholdCategoricalInner). Few bins: one category
 * against the rest. Otherwise categories with enough rows are ordered by
 * sum_gradient / (sum_hessian + cat_smooth) and prefixes are tried from both ends, at most
 * max_cat_threshold categories, in groups of at least min_data_per_group rows, with cat_l2 added to
 * the L2 term. Bin 0 (missing and rare categories) always goes right.
 */
export function findCategoricalSplit(
  hist: Float64Array,
  base: number,
  mapper: BinMapper,
  feature: number,
  leaf: LeafStats,
  c: SplitConstraints,
  out: SplitInfo,
): boolean {
  const numBins = mapper.numBins;
  const sumGradient = leaf.sumGradient;
  const sumHessian = leaf.sumHessian + 2 * EPSILON;
  const count = leaf.count;
  const countFactor = count / leaf.sumHessian;
  const l1 = c.lambdaL1;
  let l2 = c.lambdaL2;
  const minGainShift = leafGain(sumGradient, sumHessian, l1, l2) + c.minGainToSplit;
  let splittable = false;
  let bestGain = Number.NEGATIVE_INFINITY;
  let bestLeftGradient = 0;
  let bestLeftHessian = 0;
  let bestLeftCount = 0;
  let bestThreshold = -1;
  let bestDirection = 1;
  const oneHot = numBins <= c.maxCatToOnehot;

  if (oneHot) {
    for (let t = 1; t < numBins; t++) {
      const at = base + 2 * t;
      const gradient = hist[at];
      const hessian = hist[at + 1];
      const binCount = Math.trunc(hessian * countFactor + 0.5);
      if (binCount < c.minDataInLeaf || hessian < c.minSumHessianInLeaf) continue;
      const otherCount = count - binCount;
      if (otherCount < c.minDataInLeaf) continue;
      const otherHessian = sumHessian - hessian - EPSILON;
      if (otherHessian < c.minSumHessianInLeaf) continue;
      const otherGradient = sumGradient - gradient;
      const gain =
        leafGain(otherGradient, otherHessian, l1, l2) + leafGain(gradient, hessian + EPSILON, l1, l2);
      if (gain <= minGainShift) continue;
      splittable = true;
      if (gain > bestGain) {
        bestGain = gain;
        bestThreshold = t;
        bestLeftGradient = gradient;
        bestLeftHessian = hessian + EPSILON;
        bestLeftCount = binCount;
      }
    }
  } else {
    sortedBins.length = 0;
    for (let t = 1; t < numBins; t++) {
      const at = base + 2 * t;
      if (Math.trunc(hist[at + 1] * countFactor + 0.5) >= c.catSmooth) {
        sortedBins.push(t);
        sortKey[t] = hist[at] / (hist[at + 1] + c.catSmooth);
      }
    }
    // Array.prototype.sort is stable, matching LightGBM's stable_sort.
    sortedBins.sort((a, b) => sortKey[a] - sortKey[b]);
    const usedBins = sortedBins.length;
    l2 += c.catL2;
    const maxNumCat = Math.min(c.maxCatThreshold, (usedBins + 1) >> 1);
    for (let pass = 0; pass < 2; pass++) {
      const direction = pass === 0 ? 1 : -1;
      let position = pass === 0 ? 0 : usedBins - 1;
      let groupCount = 0;
      let leftGradient = 0;
      let leftHessian = EPSILON;
      let leftCount = 0;
      for (let i = 0; i < usedBins && i < maxNumCat; i++) {
        const at = base + 2 * sortedBins[position];
        position += direction;
        leftGradient += hist[at];
        leftHessian += hist[at + 1];
        const binCount = Math.trunc(hist[at + 1] * countFactor + 0.5);
        leftCount += binCount;
        groupCount += binCount;
        if (leftCount < c.minDataInLeaf || leftHessian < c.minSumHessianInLeaf) continue;
        const rightCount = count - leftCount;
        if (rightCount < c.minDataInLeaf || rightCount < c.minDataPerGroup) break;
        const rightHessian = sumHessian - leftHessian;
        if (rightHessian < c.minSumHessianInLeaf) break;
        if (groupCount < c.minDataPerGroup) continue;
        groupCount = 0;
        const rightGradient = sumGradient - leftGradient;
        const gain =
          leafGain(leftGradient, leftHessian, l1, l2) + leafGain(rightGradient, rightHessian, l1, l2);
        if (gain <= minGainShift) continue;
        splittable = true;
        if (gain > bestGain) {
          bestGain = gain;
          bestThreshold = i;
          bestLeftGradient = leftGradient;
          bestLeftHessian = leftHessian;
          bestLeftCount = leftCount;
          bestDirection = direction;
        }
      }
    }
  }

  if (!splittable || bestGain - minGainShift <= out.gain) return splittable;
  out.gain = bestGain - minGainShift;
  out.feature = feature;
  out.isCategorical = true;
  out.defaultLeft = false;
  out.thresholdBin = 0;
  out.categoryBins.length = 0;
  if (oneHot) {
    out.categoryBins.push(bestThreshold);
  } else {
    for (let i = 0; i <= bestThreshold; i++) {
      out.categoryBins.push(bestDirection === 1 ? sortedBins[i] : sortedBins[sortedBins.length - 1 - i]);
    }
  }
  fillSides(out, sumGradient, sumHessian, count, bestLeftGradient, bestLeftHessian, bestLeftCount, l1, l2);
  return true;
}
