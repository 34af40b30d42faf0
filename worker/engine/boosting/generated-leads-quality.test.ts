import { describe, expect, it } from 'vitest';
import { readGoldenColumn, readGoldenFigures, readGoldenModel } from '../io/golden-fixtures.ts';
import { parseLightGbmModel } from '../io/parse-lightgbm-model.ts';
import { rocAuc } from '../metric/ranking-metrics.ts';
import { loadGoldenLeadsSplit } from './test-support/load-golden-leads.ts';
import { rawScores } from './test-support/tree-scoring.ts';
import { trainModelSync } from './train.ts';

const split = loadGoldenLeadsSplit();
const lightGbm = readGoldenFigures().quality;

describe('quality on the generated leads of the golden run', () => {
  it('records a LightGBM test AUC that its own test predictions reproduce', () => {
    const predictions = readGoldenColumn('quality-pred.txt');
    expect(predictions).toHaveLength(1329);
    expect(rocAuc(split.test.labels, predictions)).toBeCloseTo(lightGbm.testAuc, 6);
    expect(lightGbm.testAuc).toBeCloseTo(0.7572, 4);
  });

  it('reaches a test AUC within 0.002 of LightGBM with the reference parameters', () => {
    expect(split.train.matrix.numRows).toBe(5313);
    const model = trainModelSync(
      { ...split.train, featureNames: split.featureNames, categorical: split.categorical },
      { num_leaves: 31, learning_rate: 0.05, num_iterations: 300, min_data_in_leaf: 20, max_bin: 255 },
    );
    expect(model.trees).toHaveLength(300);
    const auc = rocAuc(split.test.labels, rawScores(model, split.test.matrix));
    expect(Math.abs(auc - lightGbm.testAuc)).toBeLessThan(0.002);
  });

  it('grows the first tree of LightGBM’s NaN model split for split', () => {
    const golden = parseLightGbmModel(readGoldenModel('nan')).trees[0];
    const model = trainModelSync(
      { ...split.train, featureNames: split.featureNames, categorical: split.categorical },
      { num_leaves: 15, learning_rate: 0.1, num_iterations: 1, min_data_in_leaf: 20, max_bin: 255 },
    );
    const tree = model.trees[0];
    expect(Array.from(tree.splitFeature)).toEqual(Array.from(golden.splitFeature));
    expect(Array.from(tree.threshold)).toEqual(Array.from(golden.threshold));
    expect(Array.from(tree.decisionType)).toEqual(Array.from(golden.decisionType));
    expect(Array.from(tree.leftChild)).toEqual(Array.from(golden.leftChild));
    expect(Array.from(tree.catThreshold)).toEqual(Array.from(golden.catThreshold));
    expect(Array.from(tree.leafCount)).toEqual(Array.from(golden.leafCount));
    let worst = 0;
    tree.leafValue.forEach((value, leaf) => {
      worst = Math.max(worst, Math.abs(value - golden.leafValue[leaf]));
    });
    expect(worst).toBeLessThan(1e-9);
  });
});
