import { describe, expect, it } from 'vitest';
import { predictRaw } from '../predict/predict.ts';
import { readGoldenColumn, readGoldenModel, readGoldenSample } from './golden-fixtures.ts';
import { encodeRawRecords, type RawRecord } from './input-schema.ts';
import { inputSchemaOf } from './model-input-schema.ts';
import { parseLightGbmModel } from './parse-lightgbm-model.ts';

describe('inputSchemaOf', () => {
  const model = parseLightGbmModel(readGoldenModel('nan'));

  it('reads every column of a file without schema or pandas lists as a number, codes included', () => {
    const schema = inputSchemaOf(model);
    expect(schema.features.length).toBe(19);
    expect(schema.features[0]).toEqual({ name: 'employees', kind: 'numeric', categories: [] });
    expect(schema.features[15].name).toBe('industry');
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
    const expected = readGoldenColumn('nan-raw.txt');
    expect(raw.length).toBe(500);
    let worst = 0;
    raw.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - expected[i]));
    });
    expect(worst).toBeLessThan(1e-9);
  });

  it('takes category names from pandas_categorical when it has one list per categorical feature', () => {
    // Four features list categories in feature_infos (industry, country, lead_source, seniority).
    const lists = Array.from({ length: 4 }, (_, i) => [`a${i}`, `b${i}`]);
    const withPandas = { ...model, pandasCategorical: lists };
    const schema = inputSchemaOf(withPandas);
    expect(schema.features[15].categories).toEqual(['a0', 'b0']);
    expect(schema.features[18].categories).toEqual(['a3', 'b3']);
    expect(schema.features[0]).toEqual({ name: 'employees', kind: 'numeric', categories: [] });
    expect(schema.features.filter((feature) => feature.kind === 'categorical').length).toBe(4);
    expect(inputSchemaOf({ ...model, pandasCategorical: lists.slice(1) }).features[15].kind).toBe('numeric');
  });
});
