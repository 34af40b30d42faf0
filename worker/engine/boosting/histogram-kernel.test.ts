import { describe, expect, it } from 'vitest';
import { constructBinnedDataset } from '../dataset/binned-dataset.ts';
import { parseTrainingParams } from '../params/training-params.ts';
import { SeededRandom } from '../random/seeded-random.ts';
import { createHistogramKernel } from './histogram-kernel.ts';
import { TreeLearner } from './tree-learner.ts';

function fillRandomGradients(pairs: Float32Array, seed: number): void {
  const random = new SeededRandom(seed);
  for (let i = 0; i < pairs.length; i += 2) {
    pairs[i] = random.nextFloat() - 0.5;
    pairs[i + 1] = random.nextFloat() * 0.25;
  }
}

describe('histogram kernels', () => {
  it.each([
    ['wasm-simd', 16],
    ['wasm', 16],
    ['wasm-simd', 300],
    ['wasm', 300],
  ] as const)(
    'sum gradients and hessians per slot in %s with %i bins per feature exactly as typed-array code does',
    (kind, binsPerFeature) => {
      const numRows = 1000;
      const numFeatures = 5; // odd, so the 16-bit slot layout pads a column
      const featureSlots = Int32Array.from({ length: numFeatures }, (_, j) => 2 * binsPerFeature * j);
      const numBins = new Int32Array(numFeatures).fill(binsPerFeature);
      const numSlots = 2 * numFeatures * binsPerFeature;
      const wasm = createHistogramKernel(numRows, featureSlots, numBins, numSlots, kind);
      const js = createHistogramKernel(numRows, featureSlots, numBins, numSlots, 'js');
      expect(wasm.kind).toBe(kind);
      expect(js.kind).toBe('js');
      const random = new SeededRandom(9);
      for (let j = 0; j < numFeatures; j++) {
        const column = Uint16Array.from({ length: numRows }, () => random.nextInt(binsPerFeature));
        wasm.setFeatureBins(j, column);
        js.setFeatureBins(j, column);
      }
      // Leaf rows in an order that jumps around, over more rows than one touch-then-add block.
      for (let k = 0; k < numRows; k++) {
        wasm.indices[k] = (k * 389) % numRows;
        js.indices[k] = (k * 389) % numRows;
      }
      fillRandomGradients(wasm.gradientPairs, 4);
      fillRandomGradients(js.gradientPairs, 4);
      const fromWasm = new Float64Array(numSlots).fill(7);
      const fromJs = new Float64Array(numSlots).fill(7);
      wasm.accumulate(fromWasm, 100, 600);
      js.accumulate(fromJs, 100, 600);
      expect(Array.from(fromWasm)).toEqual(Array.from(fromJs));
      // Hessians of feature 0 add up to the hessians of the 600 rows.
      let expected = 0;
      for (let k = 100; k < 700; k++) expected += js.gradientPairs[2 * js.indices[k] + 1];
      let total = 0;
      for (let bin = 0; bin < binsPerFeature; bin++) total += fromJs[2 * bin + 1];
      expect(total).toBeCloseTo(expected, 9);
    },
  );

  it('grow the same tree with either kernel', () => {
    const random = new SeededRandom(3);
    const numRows = 2000;
    const columns = Array.from({ length: 3 }, () =>
      Float64Array.from({ length: numRows }, () => random.nextFloat()),
    );
    const params = parseTrainingParams({ num_leaves: 15, min_data_in_leaf: 5 });
    const dataset = constructBinnedDataset({ numRows, numFeatures: 3, values: columns }, {}, params);
    const allowed = new Uint8Array(3).fill(1);
    const trees = (['wasm-simd', 'wasm', 'js'] as const).map((kind) => {
      const learner = new TreeLearner(dataset, params, kind);
      expect(learner.kernelKind).toBe(kind);
      fillRandomGradients(learner.gradientPairs, 8);
      learner.train(null, allowed);
      return learner.builder.toTree();
    });
    expect(trees[0].numLeaves).toBe(15);
    expect(trees[0]).toEqual(trees[1]);
    expect(trees[0]).toEqual(trees[2]);
  });
});
