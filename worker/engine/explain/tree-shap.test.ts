import { describe, expect, it } from 'vitest';
import { GOLDEN_MODELS, readGoldenModel, readGoldenSample, readGoldenTable } from '../io/golden-fixtures.ts';
import { buildModel, buildTree, type NodeSpec } from '../io/model-builder.ts';
import { parseLightGbmModel } from '../io/parse-lightgbm-model.ts';
import { predictRaw } from '../predict/predict.ts';
import {
  defaultExplainKernel,
  type ExplainKernel,
  explainContributions,
  explainMatrix,
  explainMatrixWasm,
} from './fast-tree-shap.ts';
import { randomModel, randomRows } from './random-model.ts';
import { bruteForceShapley } from './shapley-brute-force.ts';
import { createTreeShapExplainer } from './tree-shap-explainer.ts';
import { explainReference } from './tree-shap-reference.ts';
import { layOutWasmKernel } from './wasm-kernel-layout.ts';
import { createWasmKernel } from './wasm-tree-shap-kernel.ts';

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Largest |sum of a contribution row - raw score| over all rows. */
function worstSumError(contributions: Float64Array, raw: Float64Array): number {
  const width = contributions.length / raw.length;
  let worst = 0;
  raw.forEach((score, row) => {
    let sum = 0;
    for (let j = 0; j < width; j += 1) sum += contributions[row * width + j];
    worst = Math.max(worst, Math.abs(sum - score));
  });
  return worst;
}

const kernels: ExplainKernel[] = ['wasm', 'js'];

const goldenCases = kernels.flatMap((kernel) => GOLDEN_MODELS.map((name) => ({ kernel, name })));

describe.each(goldenCases)(
  'TreeSHAP on the LightGBM $name golden model with the $kernel kernel',
  ({ kernel, name }) => {
    const model = parseLightGbmModel(readGoldenModel(name));
    const sample = readGoldenSample();
    const width = sample.width + 1;
    const contributions = explainContributions(model, sample.matrix, kernel);

    it('reproduces LightGBM predict_contrib within 1e-6 on all 500 rows, expected value included', () => {
      const expected = readGoldenTable(`${name}-contrib.txt`);
      expect(expected.length).toBe(500);
      expect(expected[0].length).toBe(20);
      expect(maxDifference(contributions, expected.flat())).toBeLessThan(1e-6);
    });

    it('gives contributions that sum to the raw score within 1e-9', () => {
      expect(worstSumError(contributions, predictRaw(model, sample.matrix))).toBeLessThan(1e-9);
    });

    it('agrees with the recursive reference TreeSHAP to 1e-12', () => {
      for (let row = 0; row < 40; row += 1) {
        const reference = explainReference(model, sample.matrix, row * sample.width);
        const fast = contributions.subarray(row * width, row * width + width);
        expect(maxDifference(fast, reference)).toBeLessThan(1e-12);
      }
    });

    it('gives exactly 0 to features no tree splits on', () => {
      const used = new Set(model.trees.flatMap((tree) => Array.from(tree.splitFeature)));
      const unused = Array.from({ length: sample.width }, (_, j) => j).filter((j) => !used.has(j));
      expect(unused.length).toBeGreaterThan(0);
      for (let row = 0; row < 500; row += 1) {
        for (const j of unused) expect(Object.is(contributions[row * width + j], 0)).toBe(true);
      }
    });
  },
);

describe.each(kernels)('TreeSHAP against Shapley values from the definition with the %s kernel', (kernel) => {
  it('matches brute-force Shapley values on random depth-4 trees with categorical and missing splits', () => {
    for (let seed = 1; seed <= 30; seed += 1) {
      const model = randomModel({
        seed,
        numTrees: 3,
        numLeaves: 12,
        maxDepth: 4,
        numFeatures: 6,
        categoricalFeatures: [1, 4],
        rootCount: 200,
      });
      const rows = randomRows(seed + 100, 8, 6);
      const fast = explainContributions(model, rows, kernel);
      for (let row = 0; row < 8; row += 1) {
        const exact = bruteForceShapley(model, rows.subarray(row * 6, row * 6 + 6));
        expect(maxDifference(fast.subarray(row * 7, row * 7 + 7), exact)).toBeLessThan(1e-12);
      }
    }
  });

  it('handles a feature split on twice along one path, both numerically and by category', () => {
    const tree = buildTree({
      feature: 0,
      threshold: 1.5,
      missing: 2,
      defaultLeft: true,
      left: {
        feature: 1,
        categories: [0, 2],
        left: {
          feature: 0,
          threshold: 0.5,
          missing: 1,
          left: { value: 3, count: 10 },
          right: { value: -1, count: 30 },
        },
        right: {
          feature: 1,
          categories: [3],
          left: { value: 2, count: 5 },
          right: { value: 0.5, count: 15 },
        },
      },
      right: { value: -2, count: 40 },
    });
    const model = buildModel([tree], 3);
    const rows = Float64Array.from([0.7, 2, 9, Number.NaN, 3, 0, 0, Number.NaN, 1, 2, 0, 4]);
    const fast = explainContributions(model, rows, kernel);
    for (let row = 0; row < 4; row += 1) {
      const exact = bruteForceShapley(model, rows.subarray(row * 3, row * 3 + 3));
      expect(maxDifference(fast.subarray(row * 4, row * 4 + 4), exact)).toBeLessThan(1e-12);
      expect(fast[row * 4 + 2]).toBe(0);
    }
  });

  it('stays exact on leaves too deep for a table, which fall back to per-row evaluation', () => {
    // A chain 16 splits deep over 15 distinct features (feature 3 twice), then a random forest on top.
    const chain = (depth: number): NodeSpec =>
      depth === 16
        ? { value: 0.75, count: 3 }
        : {
            feature: depth === 9 ? 3 : depth % 15,
            threshold: depth === 9 ? 0.2 : 0.5,
            missing: (depth % 3) as 0 | 1 | 2,
            defaultLeft: depth % 2 === 0,
            left: depth % 4 === 1 ? { value: depth / 10, count: 7 + depth } : chain(depth + 1),
            right: depth % 4 === 1 ? chain(depth + 1) : { value: -depth / 10, count: 5 + depth },
          };
    const forest = randomModel({ seed: 5, numTrees: 4, numLeaves: 31, numFeatures: 16, rootCount: 5000 });
    const model = buildModel([buildTree(chain(0)), ...forest.trees], 16);
    const explainer = createTreeShapExplainer(model);
    expect(Array.from(explainer.tableOffset).filter((offset) => offset < 0).length).toBeGreaterThan(2);
    const rows = randomRows(9, 30, 16);
    const fast = explainMatrix(explainer, rows, kernel);
    for (let row = 0; row < 30; row += 1) {
      const reference = explainReference(model, rows, row * 16);
      expect(maxDifference(fast.subarray(row * 17, row * 17 + 17), reference)).toBeLessThan(1e-12);
    }
    expect(worstSumError(fast, predictRaw(model, rows))).toBeLessThan(1e-9);
  });

  it('stays exact when a leaf holds no training rows (a zero cover ratio)', () => {
    const tree = buildTree({
      feature: 0,
      threshold: 0.5,
      left: { feature: 1, threshold: 0.5, left: { value: 4, count: 0 }, right: { value: 1, count: 6 } },
      right: { value: -1, count: 4 },
    });
    const model = buildModel([tree], 2);
    const rows = Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]);
    const fast = explainContributions(model, rows, kernel);
    for (let row = 0; row < 4; row += 1) {
      const exact = bruteForceShapley(model, rows.subarray(row * 2, row * 2 + 2));
      expect(maxDifference(fast.subarray(row * 3, row * 3 + 3), exact)).toBeLessThan(1e-12);
    }
  });

  it('stays exact when the table budget runs out and the deepest leaves are evaluated per row', () => {
    const model = randomModel({ seed: 8, numTrees: 10, numLeaves: 31, numFeatures: 12, rootCount: 5000 });
    const limited = createTreeShapExplainer(model, { maxTableEntries: 2000 });
    const fallbacks = Array.from(limited.tableOffset).filter((offset) => offset < 0).length;
    expect(fallbacks).toBeGreaterThan(100);
    expect(limited.tables.length).toBeLessThanOrEqual(2000);
    const rows = randomRows(21, 70, 12);
    const full = explainMatrix(createTreeShapExplainer(model), rows, kernel);
    expect(maxDifference(explainMatrix(limited, rows, kernel), full)).toBeLessThan(1e-12);
  });

  it('gives one-leaf trees only to the expected value', () => {
    const model = buildModel([buildTree({ value: 0.25, count: 10 })], 2);
    expect(Array.from(explainContributions(model, Float64Array.from([1, 2]), kernel))).toEqual([0, 0, 0.25]);
  });
});

describe('the WebAssembly kernel', () => {
  it('is the default where WebAssembly exists, as in Node', () => {
    expect(defaultExplainKernel()).toBe('wasm');
  });

  it('agrees with the JavaScript kernel to 1e-12 over several blocks of rows and a partial one', () => {
    const model = randomModel({
      seed: 3,
      numTrees: 40,
      numLeaves: 31,
      numFeatures: 30,
      categoricalFeatures: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
      categoryCount: 40,
      rootCount: 100_000,
    });
    const explainer = createTreeShapExplainer(model);
    const rows = randomRows(11, 3 * 128 + 17, 30);
    // Categories beyond 32 (a second bitset word) and values that are negative fractions or huge.
    rows[20] = 37;
    rows[21] = -0.5;
    rows[22] = 3e9;
    // Sibling leaves and chains of two nodes share tables with a region per inside state, so the
    // kernel holds more entries than the leaves.
    expect(layOutWasmKernel(explainer).tableEntries).toBeGreaterThan(explainer.tables.length);
    const wasm = explainMatrix(explainer, rows, 'wasm');
    expect(maxDifference(wasm, explainMatrix(explainer, rows, 'js'))).toBeLessThan(1e-12);
    expect(worstSumError(wasm, predictRaw(model, rows))).toBeLessThan(1e-9);
  });

  it('stays exact with leaves on their own, in pairs, in chains, and when chains exceed the budget', () => {
    const model = randomModel({
      seed: 12,
      numTrees: 25,
      numLeaves: 31,
      numFeatures: 10,
      categoricalFeatures: [7, 8],
      rootCount: 50_000,
    });
    const explainer = createTreeShapExplainer(model);
    const rows = randomRows(13, 300, 10);
    const reference = explainMatrix(explainer, rows, 'js');
    const sizes = [0, 1, 2].map((maxInside) => {
      const kernel = createWasmKernel(explainer, { maxInside });
      expect(maxDifference(explainMatrixWasm(explainer, rows, kernel), reference)).toBeLessThan(1e-12);
      return kernel.tableEntries;
    });
    expect(sizes[0]).toBe(explainer.tables.length);
    expect(sizes[1]).toBeGreaterThan(sizes[0]);
    expect(sizes[2]).toBeGreaterThan(sizes[1]);
    // A budget below the chains' needs falls back to pairs.
    const limited = createWasmKernel(explainer, { maxInside: 2, maxTableEntries: sizes[1] });
    expect(limited.tableEntries).toBe(sizes[1]);
    expect(maxDifference(explainMatrixWasm(explainer, rows, limited), reference)).toBeLessThan(1e-12);
  });
});
