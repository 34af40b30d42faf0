import { describe, expect, it } from 'vitest';
import { buildModel, buildTree, type SplitSpec } from '../io/model-builder.ts';
import { predictRaw } from './predict.ts';

const LEFT = 1;
const RIGHT = 2;

/** Which side a single-split tree sends each value to (1 = left, 2 = right). */
function sides(split: Omit<SplitSpec, 'left' | 'right'>, values: number[]): number[] {
  const tree = buildTree({ ...split, left: { value: LEFT, count: 1 }, right: { value: RIGHT, count: 1 } });
  return Array.from(predictRaw(buildModel([tree], 1), Float64Array.from(values)));
}

const tiny = Math.fround(1e-35);

describe('LightGBM decision rules', () => {
  it('sends values <= threshold left and treats NaN as 0 when the missing type is none', () => {
    expect(sides({ feature: 0, threshold: 0.5 }, [0.5, 0.6, -3, Number.NaN])).toEqual([
      LEFT,
      RIGHT,
      LEFT,
      LEFT,
    ]);
    expect(sides({ feature: 0, threshold: -0.5 }, [Number.NaN])).toEqual([RIGHT]);
  });

  it('sends zero, values within 1e-35f of zero and NaN the default way when the missing type is zero', () => {
    const values = [0, tiny, -tiny, Number.NaN, 2 * tiny, -1];
    expect(sides({ feature: 0, threshold: -0.5, missing: 1, defaultLeft: true }, values)).toEqual([
      LEFT,
      LEFT,
      LEFT,
      LEFT,
      RIGHT,
      LEFT,
    ]);
    expect(sides({ feature: 0, threshold: 0.5, missing: 1, defaultLeft: false }, values)).toEqual([
      RIGHT,
      RIGHT,
      RIGHT,
      RIGHT,
      LEFT,
      LEFT,
    ]);
  });

  it('sends only NaN the default way when the missing type is NaN, zero compares normally', () => {
    expect(sides({ feature: 0, threshold: 0.5, missing: 2, defaultLeft: false }, [Number.NaN, 0, 1])).toEqual(
      [RIGHT, LEFT, RIGHT],
    );
    expect(sides({ feature: 0, threshold: 0.5, missing: 2, defaultLeft: true }, [Number.NaN, 0, 1])).toEqual([
      LEFT,
      LEFT,
      RIGHT,
    ]);
  });

  it('sends listed categories left, truncating like a C++ int cast, and NaN, negatives and unseen codes right', () => {
    const split = { feature: 0, categories: [0, 3, 40], missing: 2 as const, defaultLeft: true };
    expect(sides(split, [0, 3, 40, 3.9, -0.5, 1, 39, 64, 1e12, -1, Number.NaN])).toEqual([
      LEFT,
      LEFT,
      LEFT,
      LEFT,
      LEFT,
      RIGHT,
      RIGHT,
      RIGHT,
      RIGHT,
      RIGHT,
      RIGHT,
    ]);
  });
});
