import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTable } from './encode-table.ts';
import { loadTrainingTable } from './load-training-table.ts';
import { TableError } from './table-error.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-table-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let fileCount = 0;
function csvFile(text: string): string {
  fileCount += 1;
  const file = path.join(directory, `table-${fileCount}.csv`);
  writeFileSync(file, text);
  return file;
}

async function tableError(promise: Promise<unknown>): Promise<TableError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TableError);
  return error as TableError;
}

describe('loadTrainingTable', () => {
  it('types columns, orders categories and encodes missing cells as NaN', async () => {
    const file = csvFile(
      'id,visits,source,plan,won\n1,3,web,10,1\n2,,email,2,0\n3,1.5,,10,true\n4,2e1,web,,false\n',
    );
    const table = await loadTrainingTable(file, { label: 'won', drop: ['id'], categorical: ['plan'] });
    expect(table.schema.features).toEqual([
      { name: 'visits', kind: 'numeric', categories: [] },
      { name: 'source', kind: 'categorical', categories: ['email', 'web'] },
      { name: 'plan', kind: 'categorical', categories: ['2', '10'] },
    ]);
    expect(table.rows).toBe(4);
    expect(table.features).toBe(3);
    expect(Array.from(table.matrix)).toEqual([
      3,
      1,
      1,
      Number.NaN,
      0,
      0,
      1.5,
      Number.NaN,
      1,
      20,
      1,
      Number.NaN,
    ]);
    expect(Array.from(table.labels)).toEqual([1, 0, 1, 0]);
  });

  it('treats a column with one non-numeric cell as categorical', async () => {
    const file = csvFile('score,y\n1,0\n2,1\nn/a,0\n');
    const table = await loadTrainingTable(file, { label: 'y' });
    expect(table.schema.features[0]).toEqual({
      name: 'score',
      kind: 'categorical',
      categories: ['1', '2', 'n/a'],
    });
    expect(Array.from(table.matrix)).toEqual([0, 1, 2]);
  });

  it('maps the --positive value to 1 and the other value to 0', async () => {
    const file = csvFile('x,status\n1,Won\n2,Lost\n3,Won\n');
    const table = await loadTrainingTable(file, { label: 'status', positive: 'Won' });
    expect(Array.from(table.labels)).toEqual([1, 0, 1]);
    expect(table.schema.label).toEqual({ column: 'status', positive: 'Won', negative: 'Lost' });
  });

  it('ignores an unnamed trailing column whose cells are all empty', async () => {
    const file = csvFile('a,y,\n1,0,\n2,1,\n');
    const table = await loadTrainingTable(file, { label: 'y' });
    expect(table.schema.features.map((feature) => feature.name)).toEqual(['a']);
  });

  it('reports a missing label column with the file and the columns it has', async () => {
    const file = csvFile('a,b\n1,0\n');
    const error = await tableError(loadTrainingTable(file, { label: 'converted' }));
    expect(error.describe()).toBe(
      `${file}, line 1, column "converted": --label names a column that is not in the header (columns: a, b)`,
    );
  });

  it('reports an unknown column named in --drop or --categorical', async () => {
    const file = csvFile('a,y\n1,0\n2,1\n');
    const dropError = await tableError(loadTrainingTable(file, { label: 'y', drop: ['nope'] }));
    expect(dropError.location.column).toBe('nope');
    expect(dropError.message).toContain('--drop');
    const categoricalError = await tableError(loadTrainingTable(file, { label: 'y', categorical: ['zip'] }));
    expect(categoricalError.message).toContain('--categorical');
  });

  it('reports a label with a third value at the row where it appears', async () => {
    const file = csvFile('a,y\n1,0\n2,1\n3,2\n');
    const error = await tableError(loadTrainingTable(file, { label: 'y' }));
    expect(error.describe()).toBe(
      `${file}, row 3 (line 4), column "y": label has more than two values ("0", "1", "2"); a label must be binary`,
    );
  });

  it('asks for --positive when the label is not 0/1 or true/false', async () => {
    const file = csvFile('a,y\n1,yes\n2,no\n');
    const error = await tableError(loadTrainingTable(file, { label: 'y' }));
    expect(error.location).toMatchObject({ row: 1, column: 'y' });
    expect(error.message).toContain('--positive');
  });

  it('reports an empty file and a header without rows', async () => {
    const empty = await tableError(loadTrainingTable(csvFile(''), { label: 'y' }));
    expect(empty.message).toContain('file is empty');
    const headerOnly = await tableError(loadTrainingTable(csvFile('a,y\n'), { label: 'y' }));
    expect(headerOnly.message).toBe('file has a header but no data rows');
  });

  it('reports a ragged row with its row and line numbers', async () => {
    const file = csvFile('a,b,y\n1,2,0\n\n3,1\n');
    const error = await tableError(loadTrainingTable(file, { label: 'y' }));
    expect(error.location).toEqual({ file, row: 2, line: 4 });
    expect(error.message).toContain('row has 2 fields but the header has 3');
  });

  it('reports an empty label cell and a label with a single class', async () => {
    const emptyLabel = await tableError(loadTrainingTable(csvFile('a,y\n1,0\n2,\n'), { label: 'y' }));
    expect(emptyLabel.location).toMatchObject({ row: 2, column: 'y' });
    const oneClass = await tableError(loadTrainingTable(csvFile('a,y\n1,0\n2,0\n'), { label: 'y' }));
    expect(oneClass.message).toContain('only one class');
  });

  it('reports a file that does not exist', async () => {
    const error = await tableError(loadTrainingTable(path.join(directory, 'absent.csv'), { label: 'y' }));
    expect(error.message).toContain('file not found');
  });
});

describe('encodeTable', () => {
  it('finds columns by name and turns unseen categories into missing values', async () => {
    const train = await loadTrainingTable(csvFile('a,c,y\n1,x,0\n2,z,1\n'), { label: 'y' });
    const scored = await encodeTable(csvFile('c,extra,a\nz,9,5\nnew,9,\n'), train.schema, {
      label: 'optional',
    });
    expect(scored.rows).toBe(2);
    expect(scored.labels).toBeUndefined();
    expect(Array.from(scored.matrix)).toEqual([5, 1, Number.NaN, Number.NaN]);
  });

  it('leaves the label alone when told to ignore it', async () => {
    const train = await loadTrainingTable(csvFile('a,y\n1,0\n2,1\n'), { label: 'y' });
    const open = await encodeTable(csvFile('a,y\n7,\n8,maybe\n'), train.schema, { label: 'ignore' });
    expect(open.labels).toBeUndefined();
    expect(Array.from(open.matrix)).toEqual([7, 8]);
  });

  it('grows its buffers past the first allocation', async () => {
    const lines = Array.from({ length: 3000 }, (_, index) => `${index},${index % 2}`);
    const train = await loadTrainingTable(csvFile(`a,y\n${lines.join('\n')}\n`), { label: 'y' });
    const again = await encodeTable(csvFile(`a,y\n${lines.join('\n')}\n`), train.schema, {
      label: 'required',
    });
    expect(again.rows).toBe(3000);
    expect(again.matrix[2999]).toBe(2999);
    expect(again.labels?.[2999]).toBe(1);
  });

  it('reports text in a numeric column and a missing model column', async () => {
    const train = await loadTrainingTable(csvFile('a,y\n1,0\n2,1\n'), { label: 'y' });
    const text = await tableError(encodeTable(csvFile('a\n1\nabc\n'), train.schema, { label: 'optional' }));
    expect(text.describe()).toContain('row 2 (line 3), column "a": expected a number, found "abc"');
    const missing = await tableError(encodeTable(csvFile('b\n1\n'), train.schema, { label: 'optional' }));
    expect(missing.location.column).toBe('a');
  });
});
