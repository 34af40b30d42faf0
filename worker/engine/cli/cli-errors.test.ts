import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR } from '../io/golden-fixtures.ts';
import { type CliRun, runLeadscore } from './run-leadscore.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const target = path.join(directory, name);
  writeFileSync(target, text);
  return target;
}

const good = file('good.csv', 'visits,source,converted\n3,web,1\n1,email,0\n4,web,1\n0,email,0\n');
const model = path.join(directory, 'model.txt');
const goldenModel = path.join(GOLDEN_DIR, 'nan-model.txt');

/** Exit code 2 and exactly one line on stderr, which is returned. */
function badInputLine(run: CliRun): string {
  expect(run.code).toBe(2);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('leadscore train with bad input', () => {
  it('names the file and the column when the label column is missing', async () => {
    const run = await runLeadscore(['train', '--train', good, '--label', 'won', '--model', model]);
    expect(badInputLine(run)).toBe(
      `error: ${good}, line 1, column "won": --label names a column that is not in the header (columns: visits, source, converted)`,
    );
  });

  it('names an unknown column given to --drop', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      good,
      '--label',
      'converted',
      '--drop',
      'id',
      '--model',
      model,
    ]);
    expect(badInputLine(run)).toContain(
      `${good}, line 1, column "id": --drop names a column that is not in the header`,
    );
  });

  it('names an unknown column given to --categorical', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      good,
      '--label',
      'converted',
      '--categorical',
      'source,zip',
      '--model',
      model,
    ]);
    expect(badInputLine(run)).toContain('column "zip": --categorical names a column');
  });

  it('reports a label with more than two values at its row', async () => {
    const three = file('three.csv', 'x,y\n1,0\n2,1\n3,2\n');
    const run = await runLeadscore(['train', '--train', three, '--label', 'y', '--model', model]);
    expect(badInputLine(run)).toBe(
      `error: ${three}, row 3 (line 4), column "y": label has more than two values ("0", "1", "2"); a label must be binary`,
    );
  });

  it('asks for --positive when the label is text', async () => {
    const text = file('text-label.csv', 'x,y\n1,won\n2,lost\n');
    const run = await runLeadscore(['train', '--train', text, '--label', 'y', '--model', model]);
    expect(badInputLine(run)).toContain(
      'row 1 (line 2), column "y": label value "won" is not 0/1 or true/false',
    );
  });

  it('reports an empty file', async () => {
    const empty = file('empty.csv', '');
    const run = await runLeadscore(['train', '--train', empty, '--label', 'y', '--model', model]);
    expect(badInputLine(run)).toBe(
      `error: ${empty}: file is empty; expected a header line with column names, then data rows`,
    );
  });

  it('reports a ragged row with its row and line', async () => {
    const ragged = file('ragged.csv', 'a,b,y\n1,2,0\n1,2,3,1\n');
    const run = await runLeadscore(['train', '--train', ragged, '--label', 'y', '--model', model]);
    expect(badInputLine(run)).toBe(
      `error: ${ragged}, row 2 (line 3): row has 4 fields but the header has 3; every row needs one value per column (quote values that contain commas)`,
    );
  });

  it('reports text in a numeric column of the test file', async () => {
    const test = file('test-text.csv', 'visits,source,converted\nmany,web,1\n');
    const run = await runLeadscore([
      'train',
      '--train',
      good,
      '--test',
      test,
      '--label',
      'converted',
      '--model',
      model,
    ]);
    expect(badInputLine(run)).toBe(
      `error: ${test}, row 1 (line 2), column "visits": expected a number, found "many"`,
    );
  });

  it('refuses a missing required flag, an unknown flag and a malformed number', async () => {
    expect(badInputLine(await runLeadscore(['train', '--train', good, '--model', model]))).toBe(
      'error: leadscore train: --label is required',
    );
    expect(badInputLine(await runLeadscore(['train', '--trian', good]))).toContain(
      "Unknown option '--trian'",
    );
    const notNumber = await runLeadscore([
      'train',
      '--train',
      good,
      '--label',
      'converted',
      '--iterations',
      'ten',
      '--model',
      model,
    ]);
    expect(badInputLine(notNumber)).toBe(
      'error: leadscore train: --iterations must be an integer, got "ten"',
    );
  });

  it('names the flag when a training parameter is out of range', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      good,
      '--label',
      'converted',
      '--num-leaves',
      '1',
      '--model',
      model,
    ]);
    expect(badInputLine(run)).toContain(
      'error: leadscore train: --num-leaves: Invalid training parameter num_leaves',
    );
  });

  it('requires --valid-fraction with --early-stopping', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      good,
      '--label',
      'converted',
      '--early-stopping',
      '5',
      '--model',
      model,
    ]);
    expect(badInputLine(run)).toContain('--early-stopping needs --valid-fraction');
  });

  it('refuses an unknown command', async () => {
    expect(badInputLine(await runLeadscore(['fit']))).toBe(
      'error: leadscore: unknown command "fit"; use train or predict',
    );
  });
});

describe('leadscore predict with bad input', () => {
  it('refuses a model file that is not a LightGBM model', async () => {
    const notModel = file('not-model.txt', 'hello\nworld\n');
    const out = path.join(directory, 'out.csv');
    const run = await runLeadscore(['predict', '--model', notModel, '--data', good, '--out', out]);
    expect(badInputLine(run)).toBe(
      `error: ${notModel}: not a LightGBM model: line 1: not a LightGBM text model: the first line must be 'tree', found 'hello'`,
    );
  });

  it('reports a model file that does not exist', async () => {
    const absent = path.join(directory, 'absent.txt');
    const run = await runLeadscore([
      'predict',
      '--model',
      absent,
      '--data',
      good,
      '--out',
      path.join(directory, 'o.csv'),
    ]);
    expect(badInputLine(run)).toBe(`error: ${absent}: cannot read the model file (ENOENT); check --model`);
  });

  it('names a model column that the data file lacks', async () => {
    const run = await runLeadscore([
      'predict',
      '--model',
      goldenModel,
      '--data',
      good,
      '--out',
      path.join(directory, 'o.csv'),
    ]);
    expect(badInputLine(run)).toBe(
      `error: ${good}, line 1, column "employees": the model uses this column but the file has no such column in its header`,
    );
  });
});
