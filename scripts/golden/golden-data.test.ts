import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, goldenDataFiles, SAMPLE_ROWS } from './golden-data.ts';

describe('the golden run’s input files', () => {
  const files = goldenDataFiles();

  it('are reproduced byte for byte from the generator by the step `npm run golden` runs', () => {
    expect(files.map((file) => file.name)).toEqual([
      'dataset.json',
      'leads-train.csv',
      'leads-test.csv',
      'train.matrix.csv',
      'test.matrix.csv',
      'sample.matrix.csv',
      'nan.conf',
      'zero.conf',
      'quality.conf',
    ]);
    for (const file of files) {
      const committed = readFileSync(path.join(GOLDEN_DIR, file.name), 'utf8');
      // Compare lengths first: a mismatch then names the file instead of printing two large texts.
      expect({ name: file.name, length: file.text.length }).toEqual({
        name: file.name,
        length: committed.length,
      });
      expect(file.text === committed, `${file.name} differs from the committed file`).toBe(true);
    }
  });

  it('give LightGBM one matrix row per table row, missing cells as nan and categories as codes', () => {
    const text = (name: string) => files.find((file) => file.name === name)?.text ?? '';
    const table = text('leads-test.csv').trimEnd().split('\n');
    const matrix = text('test.matrix.csv').trimEnd().split('\n');
    expect(matrix).toHaveLength(table.length);
    expect(text('sample.matrix.csv').trimEnd().split('\n')).toEqual(matrix.slice(0, SAMPLE_ROWS + 1));
    const header = table[0].split(',');
    expect(matrix[0].split(',')).toEqual(['converted', ...header.slice(1, -1)]);
    const cells = matrix.slice(1).map((line) => line.split(','));
    const column = (name: string) => cells.map((row) => row[matrix[0].split(',').indexOf(name)]);
    expect(column('days_since_last_activity')).toContain('nan');
    expect(column('email_opens')).not.toContain('nan');
    expect(column('email_opens')).toContain('0');
    expect(column('industry').every((cell) => cell === 'nan' || /^\d+$/.test(cell))).toBe(true);
    expect(column('industry')).toContain('nan');
  });
});
