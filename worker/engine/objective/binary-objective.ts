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
    const negativeWeight = this.labelWeights[0];
    const positiveWeight = this.labelWeights[1];
    for (let i = 0; i < labels.length; i++) {
      const positive = labels[i] === 1;
      const sign = positive ? 1 : -1;
      const weight = positive ? positiveWeight : negativeWeight;
      const response = (-sign * sigmoid) / (1 + Math.exp(sign * sigmoid * scores[i]));
      const absResponse = Math.abs(response);
      // Stored as float32, as LightGBM's score_t.
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
