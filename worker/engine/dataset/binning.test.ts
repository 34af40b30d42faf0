import { describe, expect, it } from 'vitest';
import { MissingType } from '../tree/tree.ts';
import { type BinningOptions, findBins, valueToBin } from './bin-mapper.ts';
import { binWithReference, constructBinnedDataset, featureInfos } from './binned-dataset.ts';
import { formatPrecision15, nextUp, ZERO_THRESHOLD } from './float-format.ts';

const options: BinningOptions = {
  maxBin: 255,
  minDataInBin: 3,
  minSplitData: 1,
  useMissing: true,
  preFilter: true,
};
const params = {
  max_bin: 255,
  min_data_in_bin: 3,
  min_data_in_leaf: 1,
  bin_construct_sample_cnt: 200000,
  use_missing: true,
  feature_pre_filter: true,
  seed: 0,
};

function repeat(values: number[], times: number): Float64Array {
  return Float64Array.from(values.flatMap((value) => new Array<number>(times).fill(value)));
}

describe('float formatting', () => {
  it('steps one ulp up', () => {
    expect(nextUp(766.5)).toBe(766.5000000000001);
    expect(nextUp(-1)).toBe(-0.9999999999999999);
    expect(nextUp(1)).toBe(1 + Number.EPSILON);
    expect(nextUp(2 ** -1022 - 2 ** -1074)).toBe(2 ** -1022);
    expect(nextUp(-Number.MIN_VALUE)).toBe(-0);
  });

  it('writes numbers the way C++ does with precision 15', () => {
    expect(formatPrecision15(766.5)).toBe('766.5');
    expect(formatPrecision15(2272)).toBe('2272');
    expect(formatPrecision15(0.1)).toBe('0.1');
    expect(formatPrecision15(1 / 3)).toBe('0.333333333333333');
    expect(formatPrecision15(-0.00012)).toBe('-0.00012');
    expect(formatPrecision15(0.000012)).toBe('1.2e-05');
    expect(formatPrecision15(1.2345678901234568e17)).toBe('1.23456789012346e+17');
  });
});

describe('numerical bins', () => {
  it('puts bin bounds one ulp above the midpoints between distinct values, with zero in its own bin', () => {
    const mapper = findBins('numerical', repeat([1, 2, 3], 5), 15, options);
    expect(mapper.missingType).toBe(MissingType.None);
    expect(Array.from(mapper.upperBounds)).toEqual([ZERO_THRESHOLD, nextUp(1.5), nextUp(2.5), Infinity]);
    expect(valueToBin(mapper, 1)).toBe(1);
    expect(valueToBin(mapper, 1.5)).toBe(1);
    expect(valueToBin(mapper, 2.9)).toBe(3);
    expect(valueToBin(mapper, -5)).toBe(0);
  });

  it('splits negative and positive values around a zero bin', () => {
    // 10 sampled rows: 3 negatives, 4 zeros (implied), 3 positives.
    const mapper = findBins('numerical', Float64Array.from([-2, -2, -2, 5, 5, 5]), 10, options);
    expect(Array.from(mapper.upperBounds)).toEqual([-ZERO_THRESHOLD, ZERO_THRESHOLD, Infinity]);
    expect(Array.from(mapper.countInBin)).toEqual([3, 4, 3]);
    expect(mapper.minValue).toBe(-2);
    expect(mapper.maxValue).toBe(5);
  });

  it('keeps a last bin for missing values when the sample has NaN', () => {
    const mapper = findBins(
      'numerical',
      Float64Array.from([1, 1, 1, 2, 2, 2, Number.NaN, Number.NaN]),
      8,
      options,
    );
    expect(mapper.missingType).toBe(MissingType.NaN);
    expect(mapper.numBins).toBe(4);
    expect(Number.isNaN(mapper.upperBounds[3])).toBe(true);
    expect(valueToBin(mapper, Number.NaN)).toBe(3);
    expect(mapper.countInBin[3]).toBe(2);
  });

  it('merges values with fewer than min_data_in_bin rows into the next bin', () => {
    const mapper = findBins('numerical', Float64Array.from([1, 2, 3, 3, 3, 4, 4, 4]), 8, options);
    // 1 and 2 hold one row each: the first bound comes after 3.
    expect(Array.from(mapper.upperBounds)).toEqual([ZERO_THRESHOLD, nextUp(3.5), Infinity]);
  });

  it('never makes more than max_bin bins and keeps them near equal in size', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => i + 1);
    const mapper = findBins('numerical', values, 10_000, { ...options, maxBin: 64 });
    expect(mapper.numBins).toBeLessThanOrEqual(64);
    expect(mapper.numBins).toBeGreaterThan(60);
    const counts = Array.from(mapper.countInBin).slice(1);
    expect(Math.max(...counts)).toBeLessThan(200);
    expect(Math.min(...counts)).toBeGreaterThan(120);
  });
});

describe('categorical bins', () => {
  it('orders categories by count after a first bin for missing and rare categories', () => {
    const values = Float64Array.from([
      ...repeat([3], 50),
      ...repeat([1], 30),
      ...repeat([2], 30),
      ...repeat([7], 20),
    ]);
    const mapper = findBins('categorical', values, 130 + 10, options); // 10 zeros implied
    expect(Array.from(mapper.binToCategory)).toEqual([-1, 3, 1, 2, 7, 0]);
    expect(mapper.missingType).toBe(MissingType.None);
    expect(valueToBin(mapper, 2)).toBe(3);
    expect(valueToBin(mapper, 99)).toBe(0);
    expect(valueToBin(mapper, Number.NaN)).toBe(0);
  });

  it('sends categories rarer than min_data_in_bin into the missing bin', () => {
    const values = Float64Array.from([...repeat([1], 1000), ...repeat([2], 500), 5, 6]);
    const mapper = findBins('categorical', values, values.length, options);
    expect(Array.from(mapper.binToCategory)).toEqual([-1, 1, 2]);
    expect(mapper.missingType).toBe(MissingType.NaN);
    expect(mapper.countInBin[0]).toBe(2);
  });
});

describe('binned dataset', () => {
  it('bins columns, leaves single-valued features unused and writes feature_infos like LightGBM', () => {
    const numRows = 40;
    const values = new Float64Array(numRows * 3);
    for (let row = 0; row < numRows; row++) {
      values[row * 3] = row % 2 === 0 ? 1.25 : 8;
      values[row * 3 + 1] = 4; // constant
      values[row * 3 + 2] = row % 4; // category codes 0..3
    }
    const dataset = constructBinnedDataset({ numRows, numFeatures: 3, values }, { categorical: [2] }, params);
    expect(Array.from(dataset.usedFeatures)).toEqual([0, 2]);
    expect(dataset.bins[1]).toBeNull();
    expect(dataset.bins[0]).toBeInstanceOf(Uint8Array);
    expect(featureInfos(dataset)).toEqual(['[1.25:8]', 'none', '-1:0:1:2:3']);
    expect(Array.from(dataset.bins[0]?.subarray(0, 4) ?? [])).toEqual([1, 2, 1, 2]);
    expect(dataset.featureNames).toEqual(['Column_0', 'Column_1', 'Column_2']);
  });

  it('accepts columns as well as row-major values, with the same bins', () => {
    const a = Float64Array.from({ length: 30 }, (_, i) => (i * 7) % 11);
    const b = Float64Array.from({ length: 30 }, (_, i) => (i % 5 === 0 ? Number.NaN : i / 3));
    const rowMajor = new Float64Array(60);
    for (let i = 0; i < 30; i++) {
      rowMajor[i * 2] = a[i];
      rowMajor[i * 2 + 1] = b[i];
    }
    const fromRows = constructBinnedDataset({ numRows: 30, numFeatures: 2, values: rowMajor }, {}, params);
    const fromColumns = constructBinnedDataset({ numRows: 30, numFeatures: 2, values: [a, b] }, {}, params);
    expect(fromColumns.bins).toEqual(fromRows.bins);
    expect(fromRows.mappers[1].missingType).toBe(MissingType.NaN);
  });

  it('bins validation rows with the training bounds', () => {
    const train = Float64Array.from({ length: 50 }, (_, i) => i);
    const dataset = constructBinnedDataset({ numRows: 50, numFeatures: 1, values: [train] }, {}, params);
    const valid = binWithReference(dataset, {
      numRows: 3,
      numFeatures: 1,
      values: [Float64Array.from([-10, 24.2, 1000])],
    });
    const mapper = dataset.mappers[0];
    expect(Array.from(valid.bins[0] ?? [])).toEqual([0, valueToBin(mapper, 24.2), mapper.numBins - 1]);
  });

  it('reports a matrix whose size does not match its shape', () => {
    expect(() =>
      constructBinnedDataset({ numRows: 3, numFeatures: 2, values: new Float64Array(5) }, {}, params),
    ).toThrow('Row-major values hold 5 numbers but numRows × numFeatures is 6');
  });
});
