import { describe, expect, it } from 'vitest';
import { applyCalibrator, fitCalibrator } from '../calibration/calibrate.ts';
import { formatLightGbmModel } from '../io/format-lightgbm-model.ts';
import type { Model } from '../io/model.ts';
import { logisticSet, logLoss } from './test-support/synthetic-data.ts';
import { rawScores } from './test-support/tree-scoring.ts';
import { TrainingCancelledError, trainModel, trainModelSync } from './train.ts';

const data = logisticSet(3000, 11);
const sampling = {
  num_iterations: 15,
  num_leaves: 8,
  bagging_fraction: 0.6,
  bagging_freq: 1,
  feature_fraction: 0.5,
};

/** Every number of every tree, in order: equal strings mean identical models. */
function fingerprint(model: Model): string {
  return JSON.stringify(
    model.trees.map((tree) =>
      Object.entries(tree).map(([key, value]) => [
        key,
        ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value,
      ]),
    ),
  );
}

describe('bagging and feature fraction', () => {
  it('gives an identical model for the same data, parameters and seed', () => {
    const a = trainModelSync({ matrix: data.matrix, labels: data.labels }, { ...sampling, seed: 7 });
    const b = trainModelSync({ matrix: data.matrix, labels: data.labels }, { ...sampling, seed: 7 });
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(formatLightGbmModel(a)).toBe(formatLightGbmModel(b));
  });

  it('gives different models for different seeds', () => {
    const a = trainModelSync({ matrix: data.matrix, labels: data.labels }, { ...sampling, seed: 7 });
    const b = trainModelSync({ matrix: data.matrix, labels: data.labels }, { ...sampling, seed: 8 });
    expect(fingerprint(a)).not.toBe(fingerprint(b));
    expect(formatLightGbmModel(a)).not.toBe(formatLightGbmModel(b));
  });

  it('fits each tree on a bag of bagging_fraction of the rows, redrawn every bagging_freq iterations', () => {
    const model = trainModelSync(
      { matrix: data.matrix, labels: data.labels },
      { num_iterations: 4, num_leaves: 8, bagging_fraction: 0.6, bagging_freq: 2, seed: 1 },
    );
    for (const tree of model.trees) expect(tree.internalCount[0]).toBe(1800);
  });

  it('lets a tree split on at most feature_fraction of the features', () => {
    const model = trainModelSync(
      { matrix: data.matrix, labels: data.labels },
      { num_iterations: 10, num_leaves: 16, feature_fraction: 0.5, seed: 2 },
    );
    const featureSets = model.trees.map((tree) => new Set(tree.splitFeature));
    for (const features of featureSets) expect(features.size).toBeLessThanOrEqual(3);
    expect(new Set(featureSets.map((features) => [...features].sort().join(','))).size).toBeGreaterThan(1);
  });

  it('keeps the scores of out-of-bag rows up to date with every tree', () => {
    const losses: number[] = [];
    const model = trainModelSync(
      { matrix: data.matrix, labels: data.labels },
      { ...sampling, seed: 3, is_provide_training_metric: true },
      { onProgress: (_iteration, trainMetric) => losses.push(trainMetric ?? Number.NaN) },
    );
    // The trainer's incremental scores (bagged rows by leaf, out-of-bag rows by routing) must match
    // a fresh pass of every row through the saved trees.
    expect(losses[losses.length - 1]).toBeCloseTo(logLoss(data.labels, rawScores(model, data.matrix)), 12);
  });
});

describe('early stopping', () => {
  it('stops early_stopping_round iterations after the best one and keeps the trees up to it', () => {
    // The validation rows carry the opposite labels, so every tree after the first makes them worse.
    const flipped = Uint8Array.from(data.labels, (label) => 1 - label);
    const seen: number[] = [];
    const model = trainModelSync(
      { matrix: data.matrix, labels: data.labels },
      { num_iterations: 50, early_stopping_round: 5, metric: 'binary_logloss' },
      { valid: { matrix: data.matrix, labels: flipped }, onProgress: (iteration) => seen.push(iteration) },
    );
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(model.trees).toHaveLength(1);
  });

  it('keeps training while the validation AUC improves', () => {
    const valid = logisticSet(2000, 12);
    const aucs: number[] = [];
    const model = trainModelSync(
      { matrix: data.matrix, labels: data.labels },
      { num_iterations: 8, num_leaves: 4, early_stopping_round: 3, metric: 'auc' },
      { valid, onProgress: (_iteration, _train, validMetric) => aucs.push(validMetric ?? Number.NaN) },
    );
    expect(aucs).toHaveLength(8);
    expect(model.trees).toHaveLength(8);
    expect(aucs[7]).toBeGreaterThan(aucs[0]);
  });
});

describe('cancellation', () => {
  it('stops with TrainingCancelledError once the signal is aborted', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = trainModel(
      { matrix: data.matrix, labels: data.labels },
      { num_iterations: 100 },
      {
        signal: controller.signal,
        onProgress: (iteration) => {
          seen.push(iteration);
          if (iteration === 3) controller.abort();
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(TrainingCancelledError);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('hands back the model from the asynchronous trainer when not cancelled', async () => {
    const model = await trainModel({ matrix: data.matrix, labels: data.labels }, { num_iterations: 5 });
    const sync = trainModelSync({ matrix: data.matrix, labels: data.labels }, { num_iterations: 5 });
    expect(model).toEqual(sync);
  });
});

describe('class imbalance', () => {
  it('ranks positives into the top decile at three times the base rate or more with is_unbalance', () => {
    const train = logisticSet(20000, 21, -7.2);
    const test = logisticSet(10000, 22, -7.2);
    const baseRate = test.labels.reduce((sum, label) => sum + label, 0) / test.labels.length;
    expect(baseRate).toBeGreaterThan(0.01);
    expect(baseRate).toBeLessThan(0.03);
    const model = trainModelSync(
      { matrix: train.matrix, labels: train.labels },
      { num_iterations: 60, num_leaves: 15, learning_rate: 0.05, is_unbalance: true },
    );
    const scores = rawScores(model, test.matrix);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
    const top = order.slice(0, test.labels.length / 10);
    const topRate = top.reduce((sum, row) => sum + test.labels[row], 0) / top.length;
    expect(topRate).toBeGreaterThanOrEqual(3 * baseRate);
  });

  it.each(['platt', 'isotonic'] as const)(
    'brings the mean probability within a tenth of the observed rate after %s calibration on validation rows',
    (method) => {
      const train = logisticSet(20000, 21, -7.2);
      const valid = logisticSet(20000, 23, -7.2);
      const test = logisticSet(20000, 22, -7.2);
      const model = trainModelSync(
        { matrix: train.matrix, labels: train.labels },
        { num_iterations: 60, num_leaves: 15, learning_rate: 0.05, is_unbalance: true },
      );
      const mean = (values: ArrayLike<number>) =>
        Array.from(values).reduce((sum, value) => sum + value, 0) / values.length;
      const observed = mean(test.labels);
      // Class weighting inflates the raw probabilities far above the observed rate...
      const testRaw = rawScores(model, test.matrix);
      expect(mean(Array.from(testRaw, (raw) => 1 / (1 + Math.exp(-raw))))).toBeGreaterThan(3 * observed);
      // ...and calibration on the validation window makes them honest again.
      const calibrator = fitCalibrator(method, rawScores(model, valid.matrix), valid.labels, {
        input: 'raw_score',
      });
      const calibrated = applyCalibrator(calibrator, testRaw);
      expect(Math.abs(mean(calibrated) - observed) / observed).toBeLessThan(0.1);
    },
  );
});
