import { describe, expect, it } from 'vitest';
import { nextUp } from '../dataset/float-format.ts';
import { logisticSet, logLoss } from './test-support/synthetic-data.ts';
import { rawScores } from './test-support/tree-scoring.ts';
import { trainModelSync } from './train.ts';

describe('boosting on a known logistic problem', () => {
  const train = logisticSet(4000, 1);
  const test = logisticSet(2000, 2);

  it('lowers the training log loss at every iteration and beats the base rate on held-out rows', () => {
    const losses: number[] = [];
    const model = trainModelSync(
      { matrix: train.matrix, labels: train.labels },
      { num_iterations: 40, num_leaves: 8, is_provide_training_metric: true },
      { onProgress: (_iteration, trainMetric) => losses.push(trainMetric ?? Number.NaN) },
    );
    expect(losses).toHaveLength(40);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
    const positives = test.labels.reduce((sum, label) => sum + label, 0) / test.labels.length;
    const baseRate = -(positives * Math.log(positives) + (1 - positives) * Math.log(1 - positives));
    const heldOut = logLoss(test.labels, rawScores(model, test.matrix));
    expect(heldOut).toBeLessThan(0.75 * baseRate);
    // The true model's own log loss on these rows is about 0.40; boosting should get close.
    expect(heldOut).toBeLessThan(0.47);
  });

  it('writes LightGBM header fields and per-tree statistics consistently', () => {
    const model = trainModelSync(
      { matrix: train.matrix, labels: train.labels },
      { num_iterations: 3, learning_rate: 0.2 },
    );
    expect(model.objective).toBe('binary sigmoid:1');
    expect(model.maxFeatureIdx).toBe(5);
    expect(model.featureNames).toEqual([
      'Column_0',
      'Column_1',
      'Column_2',
      'Column_3',
      'Column_4',
      'Column_5',
    ]);
    expect(model.featureInfos[0]).toMatch(/^\[-1\.99\d+:1\.99\d+\]$/);
    expect(model.trees[0].shrinkage).toBe(1);
    expect(model.trees[1].shrinkage).toBe(0.2);
    for (const tree of model.trees) {
      const leafTotal = tree.leafCount.reduce((sum, count) => sum + count, 0);
      expect(leafTotal).toBe(4000);
      expect(tree.internalCount[0]).toBe(4000);
      // Every internal node's count is the sum of its children's counts.
      for (let node = 0; node < tree.numLeaves - 1; node++) {
        const childCount = (child: number) =>
          child < 0 ? tree.leafCount[~child] : tree.internalCount[child];
        expect(childCount(tree.leftChild[node]) + childCount(tree.rightChild[node])).toBe(
          tree.internalCount[node],
        );
      }
    }
    // The root of the first tree holds the initial score (log-odds of the label mean).
    const mean = train.labels.reduce((sum, label) => sum + label, 0) / 4000;
    expect(model.trees[0].internalValue[0]).toBeCloseTo(Math.log(mean / (1 - mean)), 12);
    expect(model.trees[1].internalValue[0]).toBe(0);
  });
});

describe('a single split', () => {
  it('learns the known threshold of a step function, written as the bin upper bound', () => {
    // Each value 0..99 five times, so every value gets its own bin (min_data_in_bin is 3).
    const x = Float64Array.from({ length: 500 }, (_, i) => Math.floor(i / 5));
    const labels = Uint8Array.from(x, (value) => (value > 37 ? 1 : 0));
    const model = trainModelSync(
      { matrix: { numRows: 500, numFeatures: 1, values: [x] }, labels },
      { num_iterations: 1, num_leaves: 2, min_data_in_leaf: 5 },
    );
    const tree = model.trees[0];
    expect(tree.numLeaves).toBe(2);
    expect(tree.splitFeature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(nextUp(37.5));
    expect(Array.from(tree.leafCount)).toEqual([190, 310]);
    expect(tree.leafValue[0]).toBeLessThan(tree.leafValue[1]);
  });
});
