/**
 * numpy's legacy `np.random.RandomState(seed)` for the two calls that pick a train/test split:
 * `random_sample` and `permutation`. scikit-learn's `train_test_split(..., random_state=seed)` holds
 * out the first ceil(test_size × n) rows of `RandomState(seed).permutation(n)`, so reproducing the
 * permutation reproduces the rows a Python run trained and tested on.
 *
 * The generator is the Mersenne Twister MT19937 with its reference integer seeding (init_genrand);
 * `permutation` is numpy's legacy Fisher-Yates shuffle from the last index down, each index drawn
 * by masked rejection from 32-bit outputs.
 */
const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

export class NumpyRandomState {
  private readonly state = new Uint32Array(N);
  private position = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState seed must be an integer in 0..2^32-1, got ${seed}`);
    }
    const state = this.state;
    state[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const previous = state[i - 1] ^ (state[i - 1] >>> 30);
      // 1812433253 × previous + i, modulo 2^32, without losing bits to float rounding.
      state[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
  }

  /** The next 32-bit output (genrand_int32), as an unsigned number. */
  nextUint32(): number {
    if (this.position >= N) this.twist();
    let y = this.state[this.position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: 53 random bits from two outputs, in [0, 1). */
  randomSample(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform integer in [0, max] (numpy's random_interval for max below 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** `permutation(n)`: 0..n-1 shuffled in place from the last position down. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new RangeError(`permutation needs a non-negative integer length, got ${n}`);
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  private twist(): void {
    const state = this.state;
    for (let i = 0; i < N; i++) {
      const y = (state[i] & UPPER_MASK) | (state[(i + 1) % N] & LOWER_MASK);
      state[i] = state[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.position = 0;
  }
}

export interface TrainTestSplit {
  /** Rows in the order the split lists them (permutation order, not file order). */
  train: Int32Array;
  test: Int32Array;
}

/**
 * scikit-learn's `train_test_split(rows, test_size=testFraction, random_state=seed)` for a float
 * test size and no stratification: test = the first ceil(testFraction × n) entries of the seeded
 * permutation, train = the next floor((1 - testFraction) × n).
 */
export function sklearnTrainTestSplit(rows: number, testFraction: number, seed: number): TrainTestSplit {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`test fraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  const testCount = Math.ceil(testFraction * rows);
  const trainCount = Math.floor((1 - testFraction) * rows);
  if (testCount < 1 || trainCount < 1) {
    throw new RangeError(`cannot split ${rows} row(s) into a non-empty train and test set`);
  }
  const order = new NumpyRandomState(seed).permutation(rows);
  return { test: order.slice(0, testCount), train: order.slice(testCount, testCount + trainCount) };
}
