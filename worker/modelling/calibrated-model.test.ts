import { describe, expect, it } from 'vitest';
import { reorderColumns } from './calibrated-model.ts';

describe('reading examples for a model trained on another feature list', () => {
  it('lays the columns out in the model order by name, missing where the examples lack one', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const out = reorderColumns(values, ['a', 'b', 'c'], ['c', 'x', 'a']);
    expect([...out]).toEqual([3, Number.NaN, 1, 6, Number.NaN, 4]);
    expect(reorderColumns(values, ['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(values);
  });
});
