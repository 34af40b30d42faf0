import { describe, expect, it } from 'vitest';
import { GOLDEN_MODELS, readGoldenColumn, readGoldenModel, readGoldenSample } from '../io/golden-fixtures.ts';
import { parseLightGbmModel } from '../io/parse-lightgbm-model.ts';
import { predictProbability, predictRaw } from './predict.ts';

const sample = readGoldenSample();

describe.each(GOLDEN_MODELS)('prediction on the LightGBM golden model with %s missing values', (name) => {
  const model = parseLightGbmModel(readGoldenModel(name));

  it('reproduces LightGBM raw scores within 1e-9 on all 500 rows', () => {
    const expected = readGoldenColumn(`${name}-raw.txt`);
    const raw = predictRaw(model, sample.matrix);
    expect(raw.length).toBe(500);
    expect(expected.length).toBe(500);
    let worst = 0;
    raw.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - expected[i]));
    });
    expect(worst).toBeLessThan(1e-9);
  });

  it('reproduces LightGBM probabilities within 1e-9 on all 500 rows', () => {
    const expected = readGoldenColumn(`${name}-pred.txt`);
    const probability = predictProbability(model, sample.matrix);
    expect(expected.length).toBe(500);
    let worst = 0;
    probability.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - expected[i]));
    });
    expect(worst).toBeLessThan(1e-9);
  });
});

describe('prediction on a model that changes', () => {
  const model = parseLightGbmModel(readGoldenModel('nan'));
  const firstRow = sample.matrix.subarray(0, sample.width);

  it('scores with the current trees after trees are added to a model already scored', () => {
    const growing = { ...model, trees: model.trees.slice(0, 10) };
    const first = predictRaw(growing, firstRow);
    growing.trees.push(...model.trees.slice(10));
    const full = predictRaw(growing, firstRow);
    expect(first[0]).not.toBe(full[0]);
    expect(full[0]).toBe(predictRaw(model, firstRow)[0]);
  });

  it('rejects a matrix whose length is not a whole number of rows', () => {
    expect(sample.width).toBe(19);
    expect(() => predictRaw(model, new Float64Array(20))).toThrow(
      "the input matrix has 20 values, not a multiple of the model's 19 features per row",
    );
  });
});
