import { describe, expect, it } from 'vitest';
import { readGolden, readGoldenColumn, readGoldenSample } from '../io/golden-fixtures.ts';
import { parseLightGbmModel } from '../io/parse-lightgbm-model.ts';
import { predictProbability, predictRaw } from './predict.ts';

describe('prediction on the LightGBM golden model', () => {
  const model = parseLightGbmModel(readGolden('xe.model.txt'));
  const sample = readGoldenSample();

  it('reproduces LightGBM raw scores within 1e-9 on all 500 rows', () => {
    const expected = readGoldenColumn('xe.raw.txt');
    const raw = predictRaw(model, sample.matrix);
    expect(raw.length).toBe(500);
    let worst = 0;
    raw.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - expected[i]));
    });
    expect(worst).toBeLessThan(1e-9);
  });

  it('reproduces LightGBM probabilities within 1e-9 on all 500 rows', () => {
    const expected = readGoldenColumn('xe.pred.txt');
    const probability = predictProbability(model, sample.matrix);
    let worst = 0;
    probability.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - expected[i]));
    });
    expect(worst).toBeLessThan(1e-9);
  });

  it('scores with the current trees after trees are added to a model already scored', () => {
    const growing = { ...model, trees: model.trees.slice(0, 10) };
    const first = predictRaw(growing, sample.matrix.subarray(0, 34));
    growing.trees.push(...model.trees.slice(10));
    const full = predictRaw(growing, sample.matrix.subarray(0, 34));
    expect(first[0]).not.toBe(full[0]);
    expect(full[0]).toBe(predictRaw(model, sample.matrix.subarray(0, 34))[0]);
  });

  it('rejects a matrix whose length is not a whole number of rows', () => {
    expect(() => predictRaw(model, new Float64Array(35))).toThrow(
      "the input matrix has 35 values, not a multiple of the model's 34 features per row",
    );
  });
});
