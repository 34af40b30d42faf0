import type { BinMapper } from '../dataset/bin-mapper.ts';
import type { BinColumn } from '../dataset/binned-dataset.ts';
import { ZERO_THRESHOLD } from '../dataset/float-format.ts';
import { CATEGORICAL_MASK, DEFAULT_LEFT_MASK, MissingType, type Tree } from '../tree/tree.ts';
import type { SplitInfo } from './split-info.ts';

function roundToZero(x: number): number {
  return Math.abs(x) > ZERO_THRESHOLD ? x : 0;
}

/**
 * Grows one tree in LightGBM's node layout (Tree::Split): splitting leaf `l` creates internal node
 * `numLeaves - 1`, the left child keeps leaf index `l` and the right child gets the new index
 * `numLeaves`. Buffers are sized for `maxLeaves` once and reused for every tree.
 */
export class TreeBuilder {
  numLeaves = 1;
  readonly splitFeature: Int32Array;
  readonly splitGain: Float64Array;
  readonly threshold: Float64Array;
  readonly decisionType: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  readonly internalValue: Float64Array;
  readonly internalWeight: Float64Array;
  readonly internalCount: Int32Array;
  readonly leafValue: Float64Array;
  readonly leafWeight: Float64Array;
  readonly leafCount: Int32Array;
  readonly leafParent: Int32Array;
  readonly leafDepth: Int32Array;
  /** Per internal node: 1 for the bins that go left. Lets rows be routed on bins alone. */
  readonly nodeGoesLeft: Uint8Array[];
  private catBoundaries: number[] = [0];
  private catThreshold: number[] = [];
  private numCat = 0;
  private shrinkage = 1;

  constructor(
    readonly maxLeaves: number,
    maxBins: number,
  ) {
    const nodes = Math.max(1, maxLeaves - 1);
    this.splitFeature = new Int32Array(nodes);
    this.splitGain = new Float64Array(nodes);
    this.threshold = new Float64Array(nodes);
    this.decisionType = new Uint8Array(nodes);
    this.leftChild = new Int32Array(nodes);
    this.rightChild = new Int32Array(nodes);
    this.internalValue = new Float64Array(nodes);
    this.internalWeight = new Float64Array(nodes);
    this.internalCount = new Int32Array(nodes);
    this.leafValue = new Float64Array(maxLeaves);
    this.leafWeight = new Float64Array(maxLeaves);
    this.leafCount = new Int32Array(maxLeaves);
    this.leafParent = new Int32Array(maxLeaves);
    this.leafDepth = new Int32Array(maxLeaves);
    this.nodeGoesLeft = Array.from({ length: nodes }, () => new Uint8Array(maxBins));
  }

  reset(rootCount: number): void {
    this.numLeaves = 1;
    this.leafValue[0] = 0;
    this.leafWeight[0] = 0;
    this.leafCount[0] = rootCount;
    this.leafParent[0] = -1;
    this.leafDepth[0] = 0;
    this.catBoundaries = [0];
    this.catThreshold = [];
    this.numCat = 0;
    this.shrinkage = 1;
  }

  /** Records the split of `leaf`; returns the index of the new right leaf. */
  split(leaf: number, split: SplitInfo, mapper: BinMapper): number {
    const node = this.numLeaves - 1;
    const right = this.numLeaves;
    const parent = this.leafParent[leaf];
    if (parent >= 0) {
      if (this.leftChild[parent] === ~leaf) this.leftChild[parent] = node;
      else this.rightChild[parent] = node;
    }
    this.splitFeature[node] = split.feature;
    this.splitGain[node] = Math.fround(split.gain);
    this.leftChild[node] = ~leaf;
    this.rightChild[node] = ~right;
    this.leafParent[leaf] = node;
    this.leafParent[right] = node;
    this.internalWeight[node] = this.leafWeight[leaf];
    this.internalValue[node] = this.leafValue[leaf];
    this.internalCount[node] = this.leafCount[leaf];
    this.leafValue[leaf] = Number.isNaN(split.leftOutput) ? 0 : split.leftOutput;
    this.leafWeight[leaf] = split.leftSumHessian;
    this.leafCount[leaf] = split.leftCount;
    this.leafValue[right] = Number.isNaN(split.rightOutput) ? 0 : split.rightOutput;
    this.leafWeight[right] = split.rightSumHessian;
    this.leafCount[right] = split.rightCount;
    this.leafDepth[right] = this.leafDepth[leaf] + 1;
    this.leafDepth[leaf]++;

    const goesLeft = this.nodeGoesLeft[node];
    goesLeft.fill(0);
    const missingBits = mapper.missingType << 2;
    if (split.isCategorical) {
      for (const bin of split.categoryBins) goesLeft[bin] = 1;
      this.decisionType[node] = CATEGORICAL_MASK | missingBits;
      this.threshold[node] = this.numCat;
      this.appendCategoryBitset(split.categoryBins.map((bin) => mapper.binToCategory[bin]));
    } else {
      const numBins = mapper.numBins;
      for (let bin = 0; bin <= split.thresholdBin; bin++) goesLeft[bin] = 1;
      if (mapper.missingType === MissingType.NaN) goesLeft[numBins - 1] = split.defaultLeft ? 1 : 0;
      this.decisionType[node] = (split.defaultLeft ? DEFAULT_LEFT_MASK : 0) | missingBits;
      this.threshold[node] = mapper.upperBounds[split.thresholdBin];
    }
    this.numLeaves++;
    return right;
  }

  private appendCategoryBitset(categories: number[]): void {
    let maxCategory = 0;
    for (const category of categories) maxCategory = Math.max(maxCategory, category);
    const words = new Array<number>((maxCategory >>> 5) + 1).fill(0);
    for (const category of categories) words[category >>> 5] |= 1 << (category & 31);
    for (const word of words) this.catThreshold.push(word >>> 0);
    this.catBoundaries.push(this.catThreshold.length);
    this.numCat++;
  }

  /** Multiplies every output by the learning rate (Tree::Shrinkage). */
  shrink(rate: number): void {
    for (let i = 0; i < this.numLeaves; i++) this.leafValue[i] = roundToZero(this.leafValue[i] * rate);
    for (let i = 0; i < this.numLeaves - 1; i++)
      this.internalValue[i] = roundToZero(this.internalValue[i] * rate);
    this.shrinkage *= rate;
  }

  /** Adds the initial score to every output of the first tree (Tree::AddBias); shrinkage becomes 1. */
  addBias(bias: number): void {
    for (let i = 0; i < this.numLeaves; i++) this.leafValue[i] = roundToZero(this.leafValue[i] + bias);
    for (let i = 0; i < this.numLeaves - 1; i++)
      this.internalValue[i] = roundToZero(this.internalValue[i] + bias);
    this.shrinkage = 1;
  }

  /** Leaf reached by a row of binned data. */
  leafOfBinnedRow(bins: readonly (BinColumn | null)[], row: number): number {
    if (this.numLeaves <= 1) return 0;
    let node = 0;
    while (node >= 0) {
      const column = bins[this.splitFeature[node]] as BinColumn;
      node = this.nodeGoesLeft[node][column[row]] === 1 ? this.leftChild[node] : this.rightChild[node];
    }
    return ~node;
  }

  /** An independent copy in the shared Tree representation. */
  toTree(): Tree {
    const nodes = this.numLeaves - 1;
    const leaves = this.numLeaves;
    return {
      numLeaves: leaves,
      numCat: this.numCat,
      splitFeature: this.splitFeature.slice(0, nodes),
      splitGain: this.splitGain.slice(0, nodes),
      threshold: this.threshold.slice(0, nodes),
      decisionType: this.decisionType.slice(0, nodes),
      leftChild: this.leftChild.slice(0, nodes),
      rightChild: this.rightChild.slice(0, nodes),
      leafValue: this.leafValue.slice(0, leaves),
      leafWeight: this.leafWeight.slice(0, leaves),
      leafCount: this.leafCount.slice(0, leaves),
      internalValue: this.internalValue.slice(0, nodes),
      internalWeight: this.internalWeight.slice(0, nodes),
      internalCount: this.internalCount.slice(0, nodes),
      catBoundaries: Int32Array.from(this.numCat > 0 ? this.catBoundaries : []),
      catThreshold: Uint32Array.from(this.catThreshold),
      isLinear: false,
      shrinkage: this.shrinkage,
    };
  }
}
