import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRawRecords } from '../io/input-schema.ts';
import { encodeTable } from './encode-table.ts';
import { inferTableSchema, MAX_CATEGORIES } from './infer-table-schema.ts';
import { TableError } from './table-error.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-schema-warnings-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function csv(name: string, header: string, rows: string[]): string {
  const file = path.join(directory, name);
  writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
  return file;
}

describe('column warnings', () => {
  const rows = Array.from({ length: 100 }, (_, index) => `${index % 7},${index % 2}`);
  rows[56] = 'abc,1';
  rows[80] = 'n/a,0';
  const typo = csv('typo.csv', 'visits,converted', rows);

  it('names every text cell of a numeric column, with rows and lines', async () => {
    const inferred = await inferTableSchema(typo, { label: 'converted' });
    expect(inferred.warnings).toEqual([
      'column `visits`: 2 of 100 values are not numbers (row 57, line 58: "abc"; row 81, line 82: "n/a"); treated as categorical; use --numeric visits to force numbers and read the rest as missing',
    ]);
    expect(inferred.schema.features[0].kind).toBe('categorical');
  });

  it('reads text as missing in a --numeric column, in training files and in scored records', async () => {
    const options = { label: 'converted', numeric: ['visits'] };
    const inferred = await inferTableSchema(typo, options);
    expect(inferred.schema.features[0]).toEqual({
      name: 'visits',
      kind: 'numeric',
      categories: [],
      textAsMissing: true,
    });
    const table = await encodeTable(typo, inferred.schema, { label: 'required' });
    expect(table.matrix[56]).toBeNaN();
    expect(table.matrix[57]).toBe(57 % 7);
    expect([...encodeRawRecords(inferred.schema, [{ visits: 'lots' }, { visits: '3' }])]).toEqual([
      Number.NaN,
      3,
    ]);
  });

  it('does not call a column with a few numbers among text a numeric column', async () => {
    const mixed = Array.from(
      { length: 40 },
      (_, index) => `${index < 30 ? 'web' : String(index)},${index % 2}`,
    );
    const inferred = await inferTableSchema(csv('mixed.csv', 'source,converted', mixed), {
      label: 'converted',
    });
    expect(inferred.warnings).toEqual([]);
  });

  it('leaves out a text column of distinct values past the category limit instead of failing', async () => {
    const many = Array.from(
      { length: MAX_CATEGORIES + 10 },
      (_, index) => `user${index}@example.com,${index % 3},${index % 2}`,
    );
    const file = csv('emails.csv', 'email,plan,converted', many);
    const inferred = await inferTableSchema(file, { label: 'converted' });
    expect(inferred.warnings).toEqual([
      'column `email`: more than 50,000 distinct values in 50,010 (an id or an email?); left out of the model; use --keep email to keep it as a categorical feature',
    ]);
    expect(inferred.schema.features.map((feature) => feature.name)).toEqual(['plan']);
    await expect(inferTableSchema(file, { label: 'converted', keep: ['email'] })).rejects.toThrow(TableError);
  });

  it('refuses a column given to both --numeric and --categorical, and an unknown --keep', async () => {
    await expect(
      inferTableSchema(typo, { label: 'converted', numeric: ['visits'], categorical: ['visits'] }),
    ).rejects.toThrow('a column cannot be both --numeric and --categorical');
    await expect(inferTableSchema(typo, { label: 'converted', keep: ['email'] })).rejects.toThrow(
      '--keep names a column that is not in the header',
    );
  });
});
