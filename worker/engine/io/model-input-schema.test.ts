import { describe, expect, it } from 'vitest';
import { predictRaw } from '../predict/predict.ts';
import { readGolden, readGoldenColumn, readGoldenSample } from './golden-fixtures.ts';
import { encodeRawRecords, type RawRecord } from './input-schema.ts';
import { inputSchemaOf } from './model-input-schema.ts';
import { parseLightGbmModel } from './parse-lightgbm-model.ts';

describe('inputSchemaOf', () => {
  const model = parseLightGbmModel(readGolden('xe.model.txt'));

  it('reads every column of a file without schema or pandas lists as a number, codes included', () => {
    const schema = inputSchemaOf(model);
    expect(schema.features.length).toBe(34);
    expect(schema.features[0]).toEqual({ name: 'Column_0', kind: 'numeric', categories: [] });
    expect(schema.features.every((feature) => feature.kind === 'numeric')).toBe(true);
    expect(schema.label.column).toBe('label');
  });

  it('scores raw records through the derived schema as LightGBM scores the matrix', () => {
    const sample = readGoldenSample();
    const schema = inputSchemaOf(model);
    const records: RawRecord[] = [];
    for (let row = 0; row < sample.rows; row += 1) {
      const record: RawRecord = {};
      schema.features.forEach((feature, j) => {
        const value = sample.matrix[row * sample.width + j];
        record[feature.name] = Number.isNaN(value) ? '' : String(value);
      });
      records.push(record);
    }
    const raw = predictRaw(model, encodeRawRecords(schema, records));
    const expected = readGoldenColumn('xe.raw.txt');
    let worst = 0;
    raw.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - expected[i]));
    });
    expect(worst).toBeLessThan(1e-9);
  });

  it('takes category names from pandas_categorical when it has one list per categorical feature', () => {
    const lists = Array.from({ length: 17 }, (_, i) => [`a${i}`, `b${i}`]);
    const withPandas = { ...model, pandasCategorical: lists };
    const schema = inputSchemaOf(withPandas);
    expect(schema.features[0].categories).toEqual(['a0', 'b0']);
    expect(schema.features[33].categories).toEqual(['a16', 'b16']);
    expect(schema.features[3]).toEqual({ name: 'Column_3', kind: 'numeric', categories: [] });
    // The 12 unused features (feature_infos "none") cannot be told apart, so 17 lists are expected.
    expect(schema.features.filter((feature) => feature.kind === 'categorical').length).toBe(17);
    expect(inputSchemaOf({ ...model, pandasCategorical: lists.slice(1) }).features[0].kind).toBe('numeric');
  });
});
