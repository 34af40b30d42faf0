import { describe, expect, it } from 'vitest';
import { constructBinnedDataset } from '../dataset/binned-dataset.ts';
import { parseTrainingParams } from '../params/training-params.ts';
import { SeededRandom } from '../random/seeded-random.ts';
import { createHistogramKernel } from './histogram-kernel.ts';
import { TreeLearner } from './tree-learner.ts';

function fillRandomGradients(pairs: Float64Array, seed: number): void {
  const random = new SeededRandom(seed);
  for (let i = 0; i < pairs.length; i += 2) {
    pairs[i] = random.nextFloat() - 0.5;
    pairs[i + 1] = random.nextFloat() * 0.25;
  }
}

describe('histogram kernels', () => {
  it.each(['wasm-simd', 'wasm'] as const)(
    'sum gradients and hessians per slot in %s exactly as typed-array code does',
    (kind) => {
      const numRows = 1000;
      const numFeatures = 5; // odd, so the WebAssembly kernel pads a column
      const numSlots = 2 * numFeatures * 16;
      const wasm = createHistogramKernel(numRows, numFeatures, numSlots, kind);
      const js = createHistogramKernel(numRows, numFeatures, numSlots, 'js');
      expect(wasm.kind).toBe(kind);
      expect(js.kind).toBe('js');
      const random = new SeededRandom(9);
      for (let row = 0; row < numRows; row++) {
        for (let j = 0; j < numFeatures; j++) {
          const slot = 2 * (16 * j + random.nextInt(16));
          wasm.rowBins[row * wasm.width + j] = slot;
          js.rowBins[row * js.width + j] = slot;
        }
      }
      for (let row = 0; row < numRows; row++) {
        wasm.indices[row] = numRows - 1 - row;
        js.indices[row] = numRows - 1 - row;
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
      for (let bin = 0; bin < 16; bin++) total += fromJs[2 * bin + 1];
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
