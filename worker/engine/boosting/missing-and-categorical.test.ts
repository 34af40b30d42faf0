import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { CATEGORICAL_MASK, isDefaultLeft, MissingType, missingType, type Tree } from '../tree/tree.ts';
import { treeOutput } from './test-support/tree-scoring.ts';
import { trainModelSync } from './train.ts';

function stepWithMissing(missingLabel: 0 | 1) {
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 500; i++) {
    values.push(Math.floor(i / 5));
    labels.push(Math.floor(i / 5) > 50 ? 1 : 0);
  }
  for (let i = 0; i < 100; i++) {
    values.push(Number.NaN);
    labels.push(missingLabel);
  }
  return { matrix: { numRows: values.length, numFeatures: 1, values: [Float64Array.from(values)] }, labels };
}

function leftCategories(tree: Tree, node: number): number[] {
  const k = tree.threshold[node];
  const categories: number[] = [];
  for (let word = tree.catBoundaries[k]; word < tree.catBoundaries[k + 1]; word++) {
    for (let bit = 0; bit < 32; bit++) {
      if ((tree.catThreshold[word] >>> bit) & 1) categories.push((word - tree.catBoundaries[k]) * 32 + bit);
    }
  }
  return categories;
}

describe('missing values', () => {
  it('sends missing values right when the rows with missing values are positive like the high values', () => {
    const model = trainModelSync(stepWithMissing(1), { num_iterations: 1, num_leaves: 2 });
    const tree = model.trees[0];
    expect(missingType(tree.decisionType[0])).toBe(MissingType.NaN);
    expect(isDefaultLeft(tree.decisionType[0])).toBe(false);
    expect(tree.decisionType[0]).toBe(8);
    expect(tree.threshold[0]).toBeCloseTo(50.5, 12);
    expect(Array.from(tree.leafCount)).toEqual([255, 345]);
    expect(treeOutput(tree, () => Number.NaN)).toBe(tree.leafValue[1]);
  });

  it('sends missing values left when the rows with missing values are negative like the low values', () => {
    const model = trainModelSync(stepWithMissing(0), { num_iterations: 1, num_leaves: 2 });
    const tree = model.trees[0];
    expect(tree.decisionType[0]).toBe(10);
    expect(isDefaultLeft(tree.decisionType[0])).toBe(true);
    expect(Array.from(tree.leafCount)).toEqual([355, 245]);
    expect(treeOutput(tree, () => Number.NaN)).toBe(tree.leafValue[0]);
  });

  it('marks features without missing values as missing type none', () => {
    const x = Float64Array.from({ length: 400 }, (_, i) => i % 40);
    const labels = Uint8Array.from(x, (value) => (value >= 20 ? 1 : 0));
    const model = trainModelSync(
      { matrix: { numRows: 400, numFeatures: 1, values: [x] }, labels },
      { num_iterations: 1, num_leaves: 2 },
    );
    expect(missingType(model.trees[0].decisionType[0])).toBe(MissingType.None);
  });
});

describe('categorical splits', () => {
  const random = new SeededRandom(5);

  function categorySet(numCategories: number, positive: Set<number>, perCategory: number) {
    const codes: number[] = [];
    const labels: number[] = [];
    for (let category = 0; category < numCategories; category++) {
      for (let i = 0; i < perCategory; i++) {
        codes.push(category);
        labels.push(random.nextFloat() < (positive.has(category) ? 0.9 : 0.1) ? 1 : 0);
      }
    }
    return {
      matrix: { numRows: codes.length, numFeatures: 1, values: [Float64Array.from(codes)] },
      labels,
      categorical: [0],
    };
  }

  it('groups the high-rate categories on one side of a many-vs-many split', () => {
    const model = trainModelSync(categorySet(10, new Set([2, 5, 7]), 200), {
      num_iterations: 1,
      num_leaves: 2,
    });
    const tree = model.trees[0];
    expect(tree.decisionType[0] & CATEGORICAL_MASK).toBe(1);
    expect(tree.numCat).toBe(1);
    expect(leftCategories(tree, 0)).toEqual([2, 5, 7]);
    expect(Array.from(tree.leafCount)).toEqual([600, 1400]);
    expect(tree.leafValue[0]).toBeGreaterThan(tree.leafValue[1]);
    expect(Array.from(tree.catBoundaries)).toEqual([0, 1]);
    expect(Array.from(tree.catThreshold)).toEqual([(1 << 2) | (1 << 5) | (1 << 7)]);
  });

  it('uses one category against the rest when there are few categories', () => {
    const model = trainModelSync(categorySet(3, new Set([1]), 300), { num_iterations: 1, num_leaves: 2 });
    const tree = model.trees[0];
    expect(leftCategories(tree, 0)).toEqual([1]);
    expect(Array.from(tree.leafCount)).toEqual([300, 600]);
    // Unseen categories and missing values go right, with the rest.
    expect(treeOutput(tree, () => 9)).toBe(tree.leafValue[1]);
    expect(treeOutput(tree, () => Number.NaN)).toBe(tree.leafValue[1]);
  });

  it('writes categorical feature_infos as the category list after -1', () => {
    const model = trainModelSync(categorySet(3, new Set([1]), 300), { num_iterations: 1, num_leaves: 2 });
    expect(model.featureInfos).toEqual(['-1:0:1:2']);
  });
});
