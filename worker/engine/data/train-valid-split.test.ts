import { describe, expect, it } from 'vitest';
import { splitRows, takeRows } from './train-valid-split.ts';

describe('splitRows', () => {
  it('holds out the requested share and gives the same split for the same seed', () => {
    const first = splitRows(1000, 0.2, 42);
    expect(first.valid.length).toBe(200);
    expect(first.train.length).toBe(800);
    const all = new Set([...first.train, ...first.valid]);
    expect(all.size).toBe(1000);
    expect(Array.from(splitRows(1000, 0.2, 42).valid)).toEqual(Array.from(first.valid));
    expect(Array.from(splitRows(1000, 0.2, 7).valid)).not.toEqual(Array.from(first.valid));
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => splitRows(10, 1, 1)).toThrow('between 0 and 1');
  });
});

describe('takeRows', () => {
  it('copies the chosen rows and labels', () => {
    const matrix = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const labels = Float64Array.from([0, 1, 0]);
    const taken = takeRows(matrix, labels, 2, Int32Array.from([0, 2]));
    expect(Array.from(taken.matrix)).toEqual([1, 2, 5, 6]);
    expect(Array.from(taken.labels)).toEqual([0, 0]);
  });
});
