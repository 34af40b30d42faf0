import { describe, expect, it } from 'vitest';
import {
  encodeLabel,
  encodeRawRecords,
  InputEncodingError,
  type InputSchema,
  type InvalidCell,
  lightGbmFeatureNames,
  missingColumns,
  parseInputSchema,
} from './input-schema.ts';

const schema: InputSchema = {
  features: [
    { name: 'Total Visits', kind: 'numeric', categories: [] },
    { name: 'Lead Source', kind: 'categorical', categories: ['Google', 'Direct Traffic', 'Olark Chat'] },
  ],
  label: { column: 'Converted' },
};

describe('input schema', () => {
  it('encodes numbers, category codes and missing cells into a row-major matrix', () => {
    const matrix = encodeRawRecords(schema, [
      { 'Total Visits': '5', 'Lead Source': 'Olark Chat' },
      { 'Total Visits': ' 2.5 ', 'Lead Source': ' Google ' },
      { 'Total Visits': '', 'Lead Source': null },
      { 'Total Visits': 7, 'Lead Source': undefined },
    ]);
    expect(Array.from(matrix)).toEqual([5, 2, 2.5, 0, Number.NaN, Number.NaN, 7, Number.NaN]);
  });

  it('turns a category the model never saw into a missing value', () => {
    const matrix = encodeRawRecords(schema, [{ 'Total Visits': '1', 'Lead Source': 'Referral Sites' }]);
    expect(Number.isNaN(matrix[1])).toBe(true);
  });

  it('rejects text in a numeric column with the record and column named', () => {
    const run = () => encodeRawRecords(schema, [{ 'Total Visits': '1' }, { 'Total Visits': 'ten' }]);
    expect(run).toThrow(InputEncodingError);
    expect(run).toThrow('record 2, column "Total Visits": expected a number, found "ten"');
  });

  it('reports invalid cells to a handler and reads them as missing', () => {
    const seen: InvalidCell[] = [];
    const matrix = encodeRawRecords(schema, [{ 'Total Visits': '0x10', 'Lead Source': 'Google' }], {
      onInvalidCell: (cell) => seen.push(cell),
    });
    expect(seen).toEqual([
      { row: 0, column: 'Total Visits', value: '0x10', reason: 'expected a number, found "0x10"' },
    ]);
    expect(Number.isNaN(matrix[0])).toBe(true);
    expect(matrix[1]).toBe(0);
  });

  it('lists the model columns a source lacks', () => {
    expect(missingColumns(schema, ['Lead Source', 'Converted'])).toEqual(['Total Visits']);
  });

  it('reads labels as 0/1 by default and by a positive value when one is given', () => {
    expect(encodeLabel({ column: 'y' }, '1.0')).toBe(1);
    expect(encodeLabel({ column: 'y' }, 'FALSE')).toBe(0);
    expect(encodeLabel({ column: 'y' }, 'maybe')).toBeUndefined();
    expect(encodeLabel({ column: 'y', positive: 'won', negative: 'lost' }, 'won')).toBe(1);
    expect(encodeLabel({ column: 'y', positive: 'won', negative: 'lost' }, 'lost')).toBe(0);
    expect(encodeLabel({ column: 'y', positive: 'won', negative: 'lost' }, 'open')).toBeUndefined();
    expect(encodeLabel({ column: 'y' }, '')).toBeUndefined();
  });

  it('validates a schema and names every problem', () => {
    expect(parseInputSchema(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
    expect(() =>
      parseInputSchema({
        features: [
          { name: 'a', kind: 'numeric', categories: ['x'] },
          { name: 'a', kind: 'categorical', categories: ['x', 'x'] },
        ],
        label: { column: 'y' },
      }),
    ).toThrow(
      'invalid input schema: features.0.categories: a numeric feature has no categories; features.1.name: column "a" appears twice; features.1.categories: feature "a" lists a category twice',
    );
  });

  it('makes feature names LightGBM can store: no spaces or JSON characters, unique', () => {
    expect(lightGbmFeatureNames(['Total Visits', 'Total_Visits', 'a:b', '{x}', ''])).toEqual([
      'Total_Visits',
      'Total_Visits_2',
      'a_b',
      '_x_',
      'feature',
    ]);
  });
});
