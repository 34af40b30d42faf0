import type { BinColumn, BinnedDataset } from '../dataset/binned-dataset.ts';
import type { TrainingParams } from '../params/training-params.ts';
import { subtractHistogram } from './histogram.ts';
import {
  createHistogramKernel,
  type GradientKernel,
  type HistogramKernel,
  type KernelKind,
} from './histogram-kernel.ts';
import {
  findCategoricalSplit,
  findNumericalSplit,
  type LeafStats,
  type SplitConstraints,
} from './split-finder.ts';
import { SplitInfo } from './split-info.ts';
import { TreeBuilder } from './tree-builder.ts';

/**
 * Leaf-wise tree growth on histograms (LightGBM's SerialTreeLearner). Rows of each leaf are a range
 * of one index array, partitioned in place; only the smaller child's histogram is built and the
 * larger one is the parent's minus it. All buffers are allocated once per training run.
 */
export class TreeLearner {
  readonly builder: TreeBuilder;
  /** Row indices grouped by leaf: leaf l owns indices[leafBegin[l] .. leafBegin[l] + leafRows[l]). */
  readonly indices: Int32Array;
  readonly leafBegin: Int32Array;
  readonly leafRows: Int32Array;

  private readonly numUsed: number;
  private readonly usedFeatures: Int32Array;
  private readonly featureBase: Int32Array;
  private readonly totalSlots: number;
  private readonly histograms: Float64Array[];
  private readonly freeHistograms: number[] = [];
  private readonly leafHistogram: Int32Array;
  private readonly splittable: Uint8Array;
  private readonly bestSplits: SplitInfo[];
  private readonly leafSumGradient: Float64Array;
  private readonly leafSumHessian: Float64Array;
  /** Position of each feature among the used features (-1 when unused). */
  private readonly usedIndex: Int32Array;
  private readonly constraints: SplitConstraints;
  private readonly stats: LeafStats = { sumGradient: 0, sumHessian: 0, count: 0 };
  private readonly maxLeaves: number;
  private readonly maxDepth: number;
  private readonly kernel: HistogramKernel;
  private readonly minDataInLeaf: number;

  constructor(
    private readonly dataset: BinnedDataset,
    params: TrainingParams,
    kernelKind?: KernelKind,
  ) {
    this.maxLeaves = params.num_leaves;
    this.maxDepth = params.max_depth;
    this.minDataInLeaf = params.min_data_in_leaf;
    this.usedFeatures = dataset.usedFeatures;
    this.numUsed = dataset.usedFeatures.length;
    this.featureBase = new Int32Array(this.numUsed);
    let slots = 0;
    let maxBins = 2;
    for (let j = 0; j < this.numUsed; j++) {
      const mapper = dataset.mappers[this.usedFeatures[j]];
      this.featureBase[j] = slots;
      slots += 2 * mapper.numBins;
      maxBins = Math.max(maxBins, mapper.numBins);
    }
    this.totalSlots = slots;
    this.histograms = Array.from({ length: this.maxLeaves }, () => new Float64Array(Math.max(1, slots)));
    this.leafHistogram = new Int32Array(this.maxLeaves).fill(-1);
    this.splittable = new Uint8Array(this.maxLeaves * this.numUsed);
    this.bestSplits = Array.from({ length: this.maxLeaves }, () => new SplitInfo());
    this.leafSumGradient = new Float64Array(this.maxLeaves);
    this.leafSumHessian = new Float64Array(this.maxLeaves);
    this.leafBegin = new Int32Array(this.maxLeaves);
    this.leafRows = new Int32Array(this.maxLeaves);
    const n = dataset.numRows;
    this.usedIndex = new Int32Array(dataset.numFeatures).fill(-1);
    this.usedFeatures.forEach((feature, j) => {
      this.usedIndex[feature] = j;
    });
    this.builder = new TreeBuilder(this.maxLeaves, maxBins);
    const numBins = Int32Array.from(this.usedFeatures, (feature) => dataset.mappers[feature].numBins);
    this.kernel = createHistogramKernel(n, this.featureBase, numBins, slots, kernelKind);
    this.indices = this.kernel.indices;
    for (let j = 0; j < this.numUsed; j++) {
      this.kernel.setFeatureBins(j, dataset.bins[this.usedFeatures[j]] as BinColumn);
    }
    this.constraints = {
      lambdaL1: params.lambda_l1,
      lambdaL2: params.lambda_l2,
      minDataInLeaf: params.min_data_in_leaf,
      minSumHessianInLeaf: params.min_sum_hessian_in_leaf,
      minGainToSplit: params.min_gain_to_split,
      maxCatToOnehot: params.max_cat_to_onehot,
      maxCatThreshold: params.max_cat_threshold,
      catSmooth: params.cat_smooth,
      catL2: params.cat_l2,
      minDataPerGroup: params.min_data_per_group,
    };
  }

  /**
   * Grows one tree into `this.builder` (outputs not yet shrunk) from the gradients in `gradientPairs`.
   * `bag` lists the rows to use (sorted), or null for all rows; `featureAllowed[f]` is 1 for the
   * features this tree may split on.
   */
  train(bag: Int32Array | null, featureAllowed: Uint8Array): void {
    const pairs = this.kernel.gradientPairs;
    const builder = this.builder;
    const rootRows = bag ? bag.length : this.dataset.numRows;
    if (bag) this.indices.set(bag);
    else for (let i = 0; i < rootRows; i++) this.indices[i] = i;
    builder.reset(rootRows);
    this.leafBegin[0] = 0;
    this.leafRows[0] = rootRows;
    let sumGradient = 0;
    let sumHessian = 0;
    for (let k = 0; k < rootRows; k++) {
      const row = this.indices[k];
      sumGradient += pairs[2 * row];
      sumHessian += pairs[2 * row + 1];
    }
    this.leafSumGradient[0] = sumGradient;
    this.leafSumHessian[0] = sumHessian;
    this.freeHistograms.length = 0;
    for (let i = this.maxLeaves - 1; i >= 0; i--) this.freeHistograms.push(i);
    this.leafHistogram.fill(-1);
    for (const split of this.bestSplits) split.reset();
    this.splittable.fill(1, 0, this.numUsed);

    if (rootRows >= 2 * this.minDataInLeaf) {
      const buffer = this.takeHistogram(0);
      this.buildHistogram(buffer, 0, true);
      this.findBestSplit(0, featureAllowed);
    }

    for (let step = 0; step < this.maxLeaves - 1; step++) {
      const leaf = this.bestLeaf();
      if (leaf < 0) break;
      const split = this.bestSplits[leaf];
      const feature = split.feature;
      const right = builder.split(leaf, split, this.dataset.mappers[feature]);
      this.partition(leaf, right, builder.nodeGoesLeft[builder.numLeaves - 2], feature);
      // Split search estimates counts from hessians; the tree records the partition's exact counts.
      builder.leafCount[leaf] = this.leafRows[leaf];
      builder.leafCount[right] = this.leafRows[right];
      this.leafSumGradient[leaf] = split.leftSumGradient;
      this.leafSumHessian[leaf] = split.leftSumHessian;
      this.leafSumGradient[right] = split.rightSumGradient;
      this.leafSumHessian[right] = split.rightSumHessian;
      this.splittable.copyWithin(right * this.numUsed, leaf * this.numUsed, (leaf + 1) * this.numUsed);
      this.bestSplits[leaf].reset();
      this.bestSplits[right].reset();
      this.growChildren(leaf, right, featureAllowed);
    }
  }

  private growChildren(left: number, right: number, featureAllowed: Uint8Array): void {
    const parentBuffer = this.leafHistogram[left];
    const tooDeep = this.maxDepth > 0 && this.builder.leafDepth[left] >= this.maxDepth;
    const tooSmall =
      this.leafRows[left] < 2 * this.minDataInLeaf && this.leafRows[right] < 2 * this.minDataInLeaf;
    if (tooDeep || tooSmall) {
      this.releaseHistogram(left);
      return;
    }
    const smaller = this.leafRows[left] < this.leafRows[right] ? left : right;
    const larger = smaller === left ? right : left;
    this.leafHistogram[left] = -1;
    this.leafHistogram[larger] = parentBuffer;
    const smallerBuffer = this.takeHistogram(smaller);
    this.buildHistogram(smallerBuffer, smaller);
    subtractHistogram(this.histograms[parentBuffer], this.histograms[smallerBuffer], 0, this.totalSlots);
    this.findBestSplit(smaller, featureAllowed);
    this.findBestSplit(larger, featureAllowed);
  }

  private takeHistogram(leaf: number): number {
    const buffer = this.freeHistograms.pop() as number;
    this.leafHistogram[leaf] = buffer;
    return buffer;
  }

  private releaseHistogram(leaf: number): void {
    const buffer = this.leafHistogram[leaf];
    if (buffer >= 0) this.freeHistograms.push(buffer);
    this.leafHistogram[leaf] = -1;
  }

  /** Builds every feature's histogram of a leaf (features skipped later just go unused). */
  private buildHistogram(buffer: number, leaf: number, inOrder = false): void {
    this.kernel.accumulate(this.histograms[buffer], this.leafBegin[leaf], this.leafRows[leaf], inOrder);
  }

  /** Where the objective writes gradients and hessians, interleaved per row. */
  get gradientPairs(): Float32Array {
    return this.kernel.gradientPairs;
  }

  /** The kernel's WebAssembly end-of-iteration loop, when it has one. */
  get gradientKernel(): GradientKernel | null {
    return this.kernel.gradients;
  }

  /** Which histogram loop is in use ('wasm-simd' normally). */
  get kernelKind(): KernelKind {
    return this.kernel.kind;
  }

  private findBestSplit(leaf: number, featureAllowed: Uint8Array): void {
    const best = this.bestSplits[leaf];
    best.reset();
    const hist = this.histograms[this.leafHistogram[leaf]];
    const stats = this.stats;
    stats.sumGradient = this.leafSumGradient[leaf];
    stats.sumHessian = this.leafSumHessian[leaf];
    stats.count = this.leafRows[leaf];
    const flags = leaf * this.numUsed;
    for (let j = 0; j < this.numUsed; j++) {
      const feature = this.usedFeatures[j];
      if (featureAllowed[feature] === 0 || this.splittable[flags + j] === 0) continue;
      const mapper = this.dataset.mappers[feature];
      const found = this.dataset.categorical[feature]
        ? findCategoricalSplit(hist, this.featureBase[j], mapper, feature, stats, this.constraints, best)
        : findNumericalSplit(hist, this.featureBase[j], mapper, feature, stats, this.constraints, best);
      if (!found) this.splittable[flags + j] = 0;
    }
  }

  private bestLeaf(): number {
    let best = -1;
    let bestGain = 0;
    for (let leaf = 0; leaf < this.builder.numLeaves; leaf++) {
      const gain = this.bestSplits[leaf].gain;
      if (gain > bestGain) {
        bestGain = gain;
        best = leaf;
      }
    }
    return best;
  }

  /** Stable in-place partition of a leaf's rows: left rows first, then right rows. */
  private partition(leaf: number, right: number, goesLeft: Uint8Array, feature: number): void {
    const begin = this.leafBegin[leaf];
    const count = this.leafRows[leaf];
    const leftCount = this.kernel.partition(begin, count, this.usedIndex[feature], goesLeft);
    this.leafRows[leaf] = leftCount;
    this.leafBegin[right] = begin + leftCount;
    this.leafRows[right] = count - leftCount;
  }
}
