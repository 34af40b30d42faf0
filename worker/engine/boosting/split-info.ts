/** The best split found for one leaf (LightGBM's SplitInfo), reused across trees to avoid allocation. */
export class SplitInfo {
  gain = Number.NEGATIVE_INFINITY;
  feature = -1;
  /** Numerical: rows with bin <= thresholdBin go left. */
  thresholdBin = 0;
  defaultLeft = false;
  isCategorical = false;
  /** Categorical: the bins that go left. */
  categoryBins: number[] = [];
  leftCount = 0;
  rightCount = 0;
  leftSumGradient = 0;
  leftSumHessian = 0;
  rightSumGradient = 0;
  rightSumHessian = 0;
  leftOutput = 0;
  rightOutput = 0;

  reset(): void {
    this.gain = Number.NEGATIVE_INFINITY;
    this.feature = -1;
    this.categoryBins.length = 0;
  }

  copyFrom(other: SplitInfo): void {
    this.gain = other.gain;
    this.feature = other.feature;
    this.thresholdBin = other.thresholdBin;
    this.defaultLeft = other.defaultLeft;
    this.isCategorical = other.isCategorical;
    this.categoryBins.length = 0;
    for (const bin of other.categoryBins) this.categoryBins.push(bin);
    this.leftCount = other.leftCount;
    this.rightCount = other.rightCount;
    this.leftSumGradient = other.leftSumGradient;
    this.leftSumHessian = other.leftSumHessian;
    this.rightSumGradient = other.rightSumGradient;
    this.rightSumHessian = other.rightSumHessian;
    this.leftOutput = other.leftOutput;
    this.rightOutput = other.rightOutput;
  }
}
