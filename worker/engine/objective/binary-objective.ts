/**
 * Binary log loss (LightGBM's BinaryLogloss): labels 0/1, raw scores in log-odds scaled by `sigmoid`.
 * Gradients and hessians are rounded to float32, as LightGBM's score_t, so histogram sums match it.
 */
export interface BinaryObjectiveOptions {
  sigmoid: number;
  isUnbalance: boolean;
  scalePosWeight: number;
}

export class BinaryObjective {
  readonly sigmoid: number;
  /** Weight of negative rows (index 0) and positive rows (index 1). */
  readonly labelWeights: Float64Array;
  readonly positiveCount: number;
  readonly negativeCount: number;

  constructor(
    private readonly labels: Uint8Array,
    options: BinaryObjectiveOptions,
  ) {
    this.sigmoid = options.sigmoid;
    let positives = 0;
    for (let i = 0; i < labels.length; i++) positives += labels[i];
    this.positiveCount = positives;
    this.negativeCount = labels.length - positives;
    const weights = new Float64Array([1, 1]);
    if (options.isUnbalance && positives > 0 && this.negativeCount > 0) {
      if (positives > this.negativeCount) weights[0] = positives / this.negativeCount;
      else weights[1] = this.negativeCount / positives;
    }
    weights[1] *= options.scalePosWeight;
    this.labelWeights = weights;
  }

  /**
   * Writes the gradient and hessian of every row for the current raw scores, interleaved:
   * `pairs[2 i]` is row i's gradient and `pairs[2 i + 1]` its hessian.
   */
  computeGradients(scores: Float64Array, pairs: Float32Array): void {
    const labels = this.labels;
    const sigmoid = this.sigmoid;
    const weights = this.labelWeights;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      const sign = 2 * label - 1;
      const response = (-sign * sigmoid) / (1 + Math.exp(sign * sigmoid * scores[i]));
      const absResponse = Math.abs(response);
      const weight = weights[label];
      // Stored as float32, as LightGBM's score_t.
      pairs[2 * i] = response * weight;
      pairs[2 * i + 1] = absResponse * (sigmoid - absResponse) * weight;
    }
  }

  /**
   * Adds a tree's output to every row's score (`leafValues[leafOfRow[i]]`) and writes the gradients
   * for the new scores, in one pass over the rows: what adding the outputs and then calling
   * computeGradients does, with one read of each array instead of two.
   */
  addOutputsAndComputeGradients(
    scores: Float64Array,
    leafOfRow: Uint8Array | Uint16Array | Int32Array,
    leafValues: Float64Array,
    pairs: Float32Array,
  ): void {
    const labels = this.labels;
    const sigmoid = this.sigmoid;
    const weights = this.labelWeights;
    for (let i = 0; i < labels.length; i++) {
      const score = scores[i] + leafValues[leafOfRow[i]];
      scores[i] = score;
      const label = labels[i];
      const sign = 2 * label - 1;
      const response = (-sign * sigmoid) / (1 + Math.exp(sign * sigmoid * score));
      const absResponse = Math.abs(response);
      const weight = weights[label];
      pairs[2 * i] = response * weight;
      pairs[2 * i + 1] = absResponse * (sigmoid - absResponse) * weight;
    }
  }

  /** Initial raw score: log-odds of the (unweighted) label mean, as LightGBM's BoostFromScore. */
  initialScore(): number {
    const epsilon = 1e-15;
    let mean = this.positiveCount / this.labels.length;
    mean = Math.max(epsilon, Math.min(1 - epsilon, mean));
    return Math.log(mean / (1 - mean)) / this.sigmoid;
  }

  /** The objective line of the model file. */
  describe(): string {
    return `binary sigmoid:${this.sigmoid}`;
  }
}

/** Checks that labels are 0/1 and returns them as bytes; names the first bad row. */
export function toBinaryLabels(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let row = 0; row < labels.length; row++) {
    const label = labels[row];
    if (label !== 0 && label !== 1) {
      throw new Error(`Label of row ${row} is ${label}; the binary objective needs labels 0 or 1`);
    }
    out[row] = label;
  }
  return out;
}
