import { describe, expect, it } from 'vitest';
import { loadXEducationSplit } from './test-support/load-xeducation.ts';
import { rawScores, rocAuc } from './test-support/tree-scoring.ts';
import { trainModelSync } from './train.ts';

describe('quality on the X Education leads', () => {
  it('reaches a test AUC within 0.002 of LightGBM (0.9844) with the reference parameters', () => {
    const split = loadXEducationSplit();
    expect(split.train.matrix.numRows).toBe(7392);
    const model = trainModelSync(
      { ...split.train, featureNames: split.featureNames, categorical: split.categorical },
      { num_leaves: 31, learning_rate: 0.05, num_iterations: 300, min_data_in_leaf: 20, max_bin: 255 },
    );
    expect(model.trees).toHaveLength(300);
    const auc = rocAuc(split.test.labels, rawScores(model, split.test.matrix));
    expect(auc).toBeGreaterThanOrEqual(0.9824);
    expect(auc).toBeLessThanOrEqual(0.9864);
  });
});
