import { describe, expect, it } from 'vitest';
import { NumpyRandomState, sklearnTrainTestSplit } from './numpy-random-state.ts';

describe("numpy's legacy RandomState", () => {
  it('gives the reference first output of MT19937 for the default seed 5489', () => {
    expect(new NumpyRandomState(5489).nextUint32()).toBe(3499211612);
  });

  it('draws the same random_sample values as np.random.RandomState(42)', () => {
    const random = new NumpyRandomState(42);
    expect([random.randomSample(), random.randomSample(), random.randomSample()]).toEqual([
      0.3745401188473625, 0.9507143064099162, 0.7319939418114051,
    ]);
    expect(new NumpyRandomState(0).randomSample()).toBe(0.5488135039273248);
  });

  it('permutes like np.random.RandomState(42).permutation(10)', () => {
    expect(Array.from(new NumpyRandomState(42).permutation(10))).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  });

  it('draws bounded integers within [0, max] only', () => {
    const random = new NumpyRandomState(7);
    for (const max of [1, 2, 5, 1000, 2 ** 31 + 5, 0xffffffff]) {
      for (let draw = 0; draw < 200; draw++) {
        const value = random.interval(max);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(max);
      }
    }
    expect(random.interval(0)).toBe(0);
  });

  it('rejects seeds numpy rejects', () => {
    expect(() => new NumpyRandomState(-1)).toThrow(/seed must be an integer in 0..2\^32-1, got -1/);
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(RangeError);
  });
});

describe("scikit-learn's train_test_split", () => {
  it('holds out the iris test rows of train_test_split(test_size=0.2, random_state=42)', () => {
    const split = sklearnTrainTestSplit(150, 0.2, 42);
    // The widely printed y_test of that call: iris rows are 50 of each class in order.
    expect(Array.from(split.test, (row) => Math.floor(row / 50)).join('')).toBe(
      '102110121120000121120202222200',
    );
    expect(Array.from(split.test.subarray(0, 5))).toEqual([73, 18, 118, 78, 76]);
    expect(split.train).toHaveLength(120);
  });

  it('sizes the sets as ceil(test fraction × n) and floor((1 - test fraction) × n)', () => {
    const split = sklearnTrainTestSplit(9240, 0.2, 42);
    expect(split.test).toHaveLength(1848);
    expect(split.train).toHaveLength(7392);
    const seen = new Uint8Array(9240);
    for (const row of [...split.test, ...split.train]) seen[row]++;
    expect(seen.every((count) => count === 1)).toBe(true);
    expect(sklearnTrainTestSplit(11, 0.25, 1).test).toHaveLength(3);
  });
});
