import { describe, expect, it } from 'vitest';
import { BinaryObjective } from '../objective/binary-objective.ts';
import { SeededRandom } from '../random/seeded-random.ts';
import { createHistogramKernel } from './histogram-kernel.ts';

/** Scores spread over every branch of the exponential: tiny, near ±ln2/2 and ±1.5 ln2, exactly 1, large. */
function spreadScores(random: SeededRandom, count: number): Float64Array {
  const specials = [
    0, -0, 1, -1, 1e-9, -1e-9, 0.3465, 0.3466, 1.0397, 1.0398, 699.9, -699.9, 700.1, -800, 800,
  ];
  return Float64Array.from({ length: count }, (_, i) => {
    if (i < specials.length) return specials[i];
    const kind = random.nextInt(4);
    if (kind === 0) return (random.nextFloat() - 0.5) * 4;
    if (kind === 1) return (random.nextFloat() - 0.5) * 60;
    if (kind === 2) return (random.nextFloat() - 0.5) * 2 ** -random.nextInt(40);
    return (random.nextFloat() - 0.5) * 1600;
  });
}

describe('the WebAssembly gradient loop', () => {
  it.each(['wasm-simd', 'wasm'] as const)('computes e^x in %s with the same bits as Math.exp', (kind) => {
    const numRows = 400_001;
    const kernel = createHistogramKernel(numRows, Int32Array.of(0), Int32Array.of(4), 8, kind);
    const fast = kernel.gradients;
    if (fast === null) throw new Error('the byte kernel should run the gradient loop');
    const random = new SeededRandom(5);
    const inputs = spreadScores(random, numRows);
    // A quarter of the inputs are arbitrary bit patterns (NaN, infinities and subnormals included).
    const bits = new Uint32Array(inputs.buffer);
    for (let i = 300_000; i < numRows - 1; i++) {
      bits[2 * i] = random.nextInt(2 ** 31) * 2 + random.nextInt(2);
      bits[2 * i + 1] = random.nextInt(2 ** 31) * 2 + random.nextInt(2);
    }
    fast.scores.set(inputs);
    fast.expScores();
    let differences = 0;
    for (let i = 0; i < numRows; i++) if (!Object.is(fast.scores[i], Math.exp(inputs[i]))) differences++;
    expect(differences).toBe(0);
    expect(fast.scores[2]).toBe(Math.E);
  });

  it.each([
    ['wasm-simd', 1, false, 1],
    ['wasm-simd', 2.5, true, 1],
    ['wasm-simd', 0.7, false, 0.1],
    ['wasm', 1, false, 1],
  ] as const)(
    'in %s writes bit for bit the scores and gradients of the JavaScript objective (sigmoid %f, is_unbalance %s, scale_pos_weight %f)',
    (kind, sigmoid, isUnbalance, scalePosWeight) => {
      const numRows = 20_001;
      const random = new SeededRandom(11);
      const labels = Uint8Array.from({ length: numRows }, () => (random.nextFloat() < 0.3 ? 1 : 0));
      const objective = new BinaryObjective(labels, { sigmoid, isUnbalance, scalePosWeight });
      const kernel = createHistogramKernel(numRows, Int32Array.of(0), Int32Array.of(4), 8, kind);
      const fast = kernel.gradients;
      if (fast === null) throw new Error('the byte kernel should run the gradient loop');
      fast.setObjective(labels, sigmoid, objective.labelWeights);

      const scores = spreadScores(random, numRows);
      fast.scores.set(scores);
      const leafValues = Float64Array.from({ length: 31 }, (_, leaf) =>
        leaf === 0 ? 0 : (random.nextFloat() - 0.5) * 0.2,
      );
      for (let row = 0; row < numRows; row++) fast.leafOfRow[row] = random.nextInt(31);
      const expectedPairs = new Float32Array(2 * numRows);
      objective.addOutputsAndComputeGradients(scores, fast.leafOfRow, leafValues, expectedPairs);
      fast.addOutputsAndComputeGradients(leafValues, 31);

      let differences = 0;
      for (let row = 0; row < numRows; row++) {
        if (!Object.is(fast.scores[row], scores[row])) differences++;
        if (!Object.is(kernel.gradientPairs[2 * row], expectedPairs[2 * row])) differences++;
        if (!Object.is(kernel.gradientPairs[2 * row + 1], expectedPairs[2 * row + 1])) differences++;
      }
      expect(differences).toBe(0);
      // The loop did run: scores moved by their leaf's value.
      expect(fast.scores[20]).toBe(scores[20]);
      expect(Math.abs(kernel.gradientPairs[40])).toBeGreaterThan(0);
    },
  );
});
