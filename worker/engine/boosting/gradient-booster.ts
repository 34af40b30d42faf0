import {
  type BinnedDataset,
  binWithReference,
  constructBinnedDataset,
  type DatasetMeta,
  type FeatureMatrix,
  featureInfos,
} from '../dataset/binned-dataset.ts';
import type { InputSchema } from '../io/input-schema.ts';
import type { Model } from '../io/model.ts';
import { createMetric, isImprovement } from '../metric/create-metric.ts';
import type { Metric } from '../metric/metric.ts';
import { BinaryObjective, toBinaryLabels } from '../objective/binary-objective.ts';
import { type TrainingParams, trainingParamNames } from '../params/training-params.ts';
import { SeededRandom } from '../random/seeded-random.ts';
import type { Tree } from '../tree/tree.ts';
import { type GradientKernel, MAX_GRADIENT_LEAVES } from './histogram-kernel.ts';
import { TreeLearner } from './tree-learner.ts';

export interface LabelledMatrix {
  matrix: FeatureMatrix;
  labels: ArrayLike<number>;
}

interface ValidationState {
  dataset: BinnedDataset;
  labels: Uint8Array;
  scores: Float64Array;
}

/** Result of one boosting iteration. */
export interface IterationResult {
  iteration: number;
  trainMetric?: number;
  validMetric?: number;
  /** False when training is over (no split possible, early stopping, or all iterations done). */
  shouldContinue: boolean;
}

/**
 * Gradient boosting for the binary objective (LightGBM's GBDT): one tree per iteration fitted to the
 * gradients of the current scores, shrunk by the learning rate; the first tree carries the initial
 * score. Bagging and feature fraction draw from seeded generators, so a run is reproducible.
 */
export class GradientBooster {
  readonly dataset: BinnedDataset;
  readonly trees: Tree[] = [];
  private readonly labels: Uint8Array;
  private readonly objective: BinaryObjective;
  private readonly learner: TreeLearner;
  private readonly scores: Float64Array;
  private readonly initScore: number;
  private readonly valid: ValidationState | null;
  private readonly metric: Metric;
  private probabilities = new Float64Array(0);
  private readonly baggingRandom: SeededRandom;
  private readonly featureRandom: SeededRandom;
  private readonly featureAllowed: Uint8Array;
  private readonly inBag: Uint8Array;
  private bag: Int32Array | null = null;
  /** Final leaf of every row in the last tree (rows are grouped by leaf in the learner's indices). */
  private readonly leafOfRow: Uint8Array | Uint16Array | Int32Array;
  /** Whether the gradient pairs already hold the gradients of the current scores. */
  private gradientsCurrent = false;
  private readonly fastGradients: GradientKernel | null;
  private iteration = 0;
  private bestScore = Number.NaN;
  private bestIteration = 0;
  private finished = false;

  constructor(
    train: LabelledMatrix,
    meta: DatasetMeta,
    private readonly params: TrainingParams,
    valid?: LabelledMatrix,
  ) {
    this.labels = toBinaryLabels(train.labels);
    if (this.labels.length !== train.matrix.numRows) {
      throw new Error(`Got ${this.labels.length} labels for ${train.matrix.numRows} training rows`);
    }
    this.dataset = constructBinnedDataset(train.matrix, meta, params);
    this.objective = new BinaryObjective(this.labels, {
      sigmoid: params.sigmoid,
      isUnbalance: params.is_unbalance,
      scalePosWeight: params.scale_pos_weight,
    });
    const n = this.dataset.numRows;
    this.learner = new TreeLearner(this.dataset, params);
    this.initScore = params.boost_from_average ? this.objective.initialScore() : 0;
    if (Math.abs(this.initScore) <= 1e-15) this.initScore = 0;
    // Scores and leaf-of-row live in the histogram kernel's memory when it runs the gradient loop.
    this.fastGradients = params.num_leaves <= MAX_GRADIENT_LEAVES ? this.learner.gradientKernel : null;
    this.scores = (this.fastGradients?.scores ?? new Float64Array(n)).fill(this.initScore);
    this.fastGradients?.setObjective(this.labels, params.sigmoid, this.objective.labelWeights);
    this.metric = createMetric(params.metric);
    this.baggingRandom = new SeededRandom(params.seed ^ 0x3c6ef372);
    this.featureRandom = new SeededRandom(params.seed ^ 0x1b873593);
    this.featureAllowed = new Uint8Array(this.dataset.numFeatures);
    this.inBag = new Uint8Array(n);
    const maxLeaves = params.num_leaves;
    this.leafOfRow =
      this.fastGradients?.leafOfRow ??
      (maxLeaves <= 256 ? new Uint8Array(n) : maxLeaves <= 65536 ? new Uint16Array(n) : new Int32Array(n));
    if (valid) {
      const labels = toBinaryLabels(valid.labels);
      if (labels.length !== valid.matrix.numRows) {
        throw new Error(`Got ${labels.length} labels for ${valid.matrix.numRows} validation rows`);
      }
      this.valid = {
        dataset: binWithReference(this.dataset, valid.matrix),
        labels,
        scores: new Float64Array(valid.matrix.numRows).fill(this.initScore),
      };
    } else {
      this.valid = null;
    }
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Iteration (1-based) with the best validation metric, when early stopping is on. */
  get bestIterationFound(): number {
    return this.bestIteration;
  }

  /** Grows one tree and updates scores. */
  trainOneIteration(): IterationResult {
    if (this.finished) return { iteration: this.iteration, shouldContinue: false };
    const params = this.params;
    if (!this.gradientsCurrent) this.objective.computeGradients(this.scores, this.learner.gradientPairs);
    this.gradientsCurrent = false;
    this.sampleBag();
    this.sampleFeatures();
    this.learner.train(this.bag, this.featureAllowed);
    const builder = this.learner.builder;
    if (builder.numLeaves <= 1) {
      // Nothing left to split: a first tree still carries the initial score, later ones end training.
      if (this.trees.length === 0) {
        builder.reset(this.dataset.numRows);
        builder.leafValue[0] = this.initScore;
        this.trees.push(builder.toTree());
      }
      this.finished = true;
      return { iteration: this.iteration, shouldContinue: false };
    }
    this.iteration++;
    builder.shrink(params.learning_rate);
    this.updateTrainScores();
    if (this.valid) {
      const { dataset, scores } = this.valid;
      for (let row = 0; row < dataset.numRows; row++) {
        scores[row] += builder.leafValue[builder.leafOfBinnedRow(dataset.bins, row)];
      }
    }
    if (this.trees.length === 0 && this.initScore !== 0) builder.addBias(this.initScore);
    this.trees.push(builder.toTree());

    const result: IterationResult = { iteration: this.iteration, shouldContinue: true };
    if (params.is_provide_training_metric) {
      result.trainMetric = this.evaluate(this.labels, this.scores);
    }
    if (this.valid) {
      const score = this.evaluate(this.valid.labels, this.valid.scores);
      result.validMetric = score;
      this.checkEarlyStopping(score);
    }
    if (this.iteration >= params.num_iterations) this.finished = true;
    result.shouldContinue = !this.finished;
    return result;
  }

  /** The metric on probabilities (the metric module's convention; AUC is unchanged by the sigmoid). */
  private evaluate(labels: Uint8Array, rawScores: Float64Array): number {
    if (this.probabilities.length < rawScores.length) this.probabilities = new Float64Array(rawScores.length);
    const probabilities = this.probabilities.subarray(0, rawScores.length);
    const sigmoid = this.params.sigmoid;
    for (let i = 0; i < rawScores.length; i++) probabilities[i] = 1 / (1 + Math.exp(-sigmoid * rawScores[i]));
    return this.metric.evaluate(labels, probabilities);
  }

  private checkEarlyStopping(score: number): void {
    if (isImprovement(this.metric, score, this.bestScore)) {
      this.bestScore = score;
      this.bestIteration = this.iteration;
      return;
    }
    const patience = this.params.early_stopping_round;
    if (patience > 0 && this.iteration - this.bestIteration >= patience) {
      // Keep the trees up to the best iteration, as LightGBM does when it stops early.
      this.trees.length = this.bestIteration;
      this.finished = true;
    }
  }

  private updateTrainScores(): void {
    const learner = this.learner;
    const builder = learner.builder;
    const scores = this.scores;
    const indices = learner.indices;
    if (!this.bag) {
      // Every row is in some leaf's range: note each row's leaf (byte writes, cheap even out of
      // order), then add outputs in row order, together with the next iteration's gradients.
      const leafOfRow = this.leafOfRow;
      const fast = this.fastGradients;
      for (let leaf = 0; leaf < builder.numLeaves; leaf++) {
        const begin = learner.leafBegin[leaf];
        const end = begin + learner.leafRows[leaf];
        if (fast) fast.markLeaf(begin, end - begin, leaf);
        else for (let k = begin; k < end; k++) leafOfRow[indices[k]] = leaf;
      }
      if (this.iteration < this.params.num_iterations) {
        if (this.fastGradients) {
          this.fastGradients.addOutputsAndComputeGradients(builder.leafValue, builder.numLeaves);
        } else {
          this.objective.addOutputsAndComputeGradients(
            scores,
            leafOfRow,
            builder.leafValue,
            learner.gradientPairs,
          );
        }
        this.gradientsCurrent = true;
      } else {
        const values = builder.leafValue;
        for (let row = 0; row < scores.length; row++) scores[row] += values[leafOfRow[row]];
      }
      return;
    }
    for (let leaf = 0; leaf < builder.numLeaves; leaf++) {
      const value = builder.leafValue[leaf];
      const begin = learner.leafBegin[leaf];
      const end = begin + learner.leafRows[leaf];
      for (let k = begin; k < end; k++) scores[indices[k]] += value;
    }
    if (this.bag) {
      // Out-of-bag rows were not partitioned: route them through the tree on their bins.
      const inBag = this.inBag;
      const bins = this.dataset.bins;
      for (let row = 0; row < scores.length; row++) {
        if (inBag[row] === 0) scores[row] += builder.leafValue[builder.leafOfBinnedRow(bins, row)];
      }
    }
  }

  private sampleBag(): void {
    const { bagging_fraction: fraction, bagging_freq: frequency } = this.params;
    if (frequency <= 0 || fraction >= 1) return;
    if (this.iteration % frequency !== 0 && this.bag) return;
    const n = this.dataset.numRows;
    const count = Math.max(1, Math.trunc(fraction * n));
    this.bag = this.baggingRandom.sampleSorted(n, count);
    this.inBag.fill(0);
    for (const row of this.bag) this.inBag[row] = 1;
  }

  private sampleFeatures(): void {
    const used = this.dataset.usedFeatures;
    const allowed = this.featureAllowed;
    allowed.fill(0);
    const fraction = this.params.feature_fraction;
    if (fraction >= 1) {
      for (const feature of used) allowed[feature] = 1;
      return;
    }
    const count = Math.max(Math.round(used.length * fraction), Math.min(2, used.length));
    const chosen = this.featureRandom.sampleSorted(used.length, count);
    for (const index of chosen) allowed[used[index]] = 1;
  }

  /** The trained model in the io module's representation. */
  toModel(inputSchema?: InputSchema): Model {
    const dataset = this.dataset;
    const params = this.params;
    const categorical = dataset.categorical.flatMap((isCategorical, feature) =>
      isCategorical ? [feature] : [],
    );
    const parameters = trainingParamNames.map((name) => `[${name}: ${formatParam(params[name])}]`);
    parameters.push(`[categorical_feature: ${categorical.join(',')}]`);
    const model: Model = {
      numClass: 1,
      numTreePerIteration: 1,
      labelIndex: 0,
      maxFeatureIdx: dataset.numFeatures - 1,
      objective: this.objective.describe(),
      sigmoid: params.sigmoid,
      averageOutput: false,
      featureNames: [...dataset.featureNames],
      featureInfos: featureInfos(dataset),
      trees: [...this.trees],
      parameters,
    };
    if (inputSchema) model.inputSchema = inputSchema;
    return model;
  }
}

function formatParam(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}
