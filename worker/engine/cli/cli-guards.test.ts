import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Model } from '../io/model.ts';
import type { Tree } from '../tree/tree.ts';
import { checkOutputPath } from './check-output-path.ts';
import { writeLeadsCsv } from './cli-test-leads.ts';
import { estimateModelBytes, TEXT_BYTES_PER_LEAF } from './model-size-guard.ts';
import { type CliRun, runLeadscore } from './run-leadscore.ts';
import { finishedModelWarnings } from './train-command.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-guards-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const leads = path.join(directory, 'leads.csv');
writeLeadsCsv(leads, 200);
const base = ['train', '--train', leads, '--label', 'converted', '--drop', 'lead_id,email', '--quiet'];
const folder = path.join(directory, 'a-folder');
mkdirSync(folder);

function file(name: string, text: string): string {
  const target = path.join(directory, name);
  writeFileSync(target, text);
  return target;
}

/** Exit code 2 and exactly one line on stderr, which is returned. */
function badInputLine(run: CliRun): string {
  expect(run.code).toBe(2);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

function warnings(run: CliRun): string[] {
  return run.stderr.split('\n').filter((line) => line.startsWith('warning: '));
}

describe('output paths are checked before any work', () => {
  it('refuses a --model in a folder that does not exist', async () => {
    const missing = path.join(directory, 'no-such-folder', 'model.txt');
    const run = await runLeadscore([...base, '--iterations', '99999999', '--model', missing]);
    // The path is refused first, before the (also refused) size: nothing else was looked at.
    expect(badInputLine(run)).toBe(
      `error: leadscore train: --model ${missing}: the folder ${path.dirname(missing)} does not exist; create it first`,
    );
  });

  it('refuses a --model in a folder it cannot write, and a read-only file', () => {
    // Root may write anywhere, so permission bits prove nothing under CI: the access check is
    // answered as the kernel answers an ordinary user for a read-only folder or file.
    const denied = (target: string): never => {
      throw Object.assign(new Error(`EACCES: permission denied, access '${target}'`), { code: 'EACCES' });
    };
    const target = path.join(folder, 'model.txt');
    expect(() => checkOutputPath('train', 'model', target, denied)).toThrow(
      `leadscore train: --model ${target}: the folder ${folder} is not writable`,
    );
    const existing = file('read-only-model.txt', 'tree\n');
    expect(() => checkOutputPath('train', 'model', existing, denied)).toThrow(
      `leadscore train: --model ${existing}: the file is not writable`,
    );
    expect(() => checkOutputPath('train', 'model', target)).not.toThrow();
  });

  it('refuses a --model whose folder is a file', async () => {
    const notAFolder = file('plain-file', 'x');
    const target = path.join(notAFolder, 'model.txt');
    const run = await runLeadscore([...base, '--model', target]);
    expect(badInputLine(run)).toBe(
      `error: leadscore train: --model ${target}: ${notAFolder} is not a folder`,
    );
  });

  it('refuses a --report that is a folder', async () => {
    const run = await runLeadscore([...base, '--model', path.join(directory, 'm.txt'), '--report', folder]);
    expect(badInputLine(run)).toBe(
      `error: leadscore train: --report ${folder}: is a folder; give a file name`,
    );
  });

  it("refuses predict's --out and --matrix-out before reading the model", async () => {
    const missing = path.join(directory, 'gone', 'scores.csv');
    const notModel = path.join(directory, 'not-there.txt');
    const out = await runLeadscore(['predict', '--model', notModel, '--data', leads, '--out', missing]);
    expect(badInputLine(out)).toBe(
      `error: leadscore predict: --out ${missing}: the folder ${path.dirname(missing)} does not exist; create it first`,
    );
    const matrix = await runLeadscore([
      'predict',
      '--model',
      notModel,
      '--data',
      leads,
      '--out',
      path.join(directory, 'scores.csv'),
      '--matrix-out',
      folder,
    ]);
    expect(badInputLine(matrix)).toBe(
      `error: leadscore predict: --matrix-out ${folder}: is a folder; give a file name`,
    );
  });
});

describe('training warnings', () => {
  it('warns before training about a learning rate above 1', async () => {
    const run = await runLeadscore([
      ...base,
      '--iterations',
      '3',
      '--learning-rate',
      '1.5',
      '--model',
      path.join(directory, 'lr.txt'),
    ]);
    expect(run.code).toBe(0);
    expect(warnings(run)).toEqual([
      'warning: learning_rate 1.5 is above 1: each tree overshoots the correction it learned and training usually diverges; values from 0.01 to 0.3 are usual',
    ]);
  });

  it('warns before training about min_data_in_leaf above half the rows, and after it about a constant model', async () => {
    const run = await runLeadscore([
      ...base,
      '--iterations',
      '3',
      '--min-data-in-leaf',
      '150',
      '--model',
      path.join(directory, 'constant.txt'),
    ]);
    expect(run.code).toBe(0);
    expect(warnings(run)).toEqual([
      'warning: min_data_in_leaf 150 is above half of the 200 training rows: no split can leave that many rows on both sides, so the model will be constant',
      'warning: the model never split: every tree is one leaf, so every lead gets the same score; check the label, min_data_in_leaf and the features',
    ]);
  });

  it('says when a model that split stopped after one tree', () => {
    const tree = (numLeaves: number): Tree => ({ numLeaves }) as Tree;
    const model = (trees: Tree[]): Model => ({ trees, numTreePerIteration: 1 }) as Model;
    expect(finishedModelWarnings(model([tree(3)]), 100)).toEqual([
      'training stopped after one tree of the 100 asked for: no further split improved the model',
    ]);
    expect(finishedModelWarnings(model([tree(3)]), 1)).toEqual([]);
    expect(finishedModelWarnings(model([tree(3), tree(2)]), 100)).toEqual([]);
  });
});

describe('column warnings of the training file', () => {
  const rows = Array.from({ length: 40 }, (_, index) => {
    const visits = String(index % 9);
    return [
      index % 2 === 0 ? 'yes' : 'no',
      visits,
      `${1000 + index * 37}.5`,
      `user${index}@example.com`,
      index % 3 === 0 ? 1 : 0,
    ];
  });

  it('names the text cells of a numeric column and suggests --numeric', async () => {
    const cells = rows.map((row) => [...row]);
    cells[20][1] = 'abc';
    const table = file(
      'typo.csv',
      `promo,TotalVisits,revenue,email,converted\n${cells.map((row) => row.join(',')).join('\n')}\n`,
    );
    const run = await runLeadscore([
      'train',
      '--train',
      table,
      '--label',
      'converted',
      '--iterations',
      '2',
      '--min-data-in-leaf',
      '2',
      '--quiet',
      '--model',
      path.join(directory, 'typo.txt'),
    ]);
    expect(run.code).toBe(0);
    expect(warnings(run)).toEqual([
      'warning: column `TotalVisits`: 1 of 40 values is not a number (row 21, line 22: "abc"); treated as categorical; use --numeric TotalVisits to force numbers and read the rest as missing',
      'warning: column `email`: 40 of 40 values are distinct (an id or an email?); left out of the model; use --keep email to keep it as a categorical feature',
    ]);
    // The distinct numbers of revenue never make it an identifier: 3 features, email left out.
    expect(run.stdout).toMatch(/^trained 2 iterations on 40 rows × 3 features/);

    const forced = await runLeadscore([
      'train',
      '--train',
      table,
      '--label',
      'converted',
      '--numeric',
      'TotalVisits',
      '--keep',
      'email',
      '--iterations',
      '2',
      '--min-data-in-leaf',
      '2',
      '--quiet',
      '--model',
      path.join(directory, 'forced.txt'),
    ]);
    expect(forced.code).toBe(0);
    expect(warnings(forced)).toEqual([
      'warning: column `TotalVisits`: 1 of 40 values is not a number (row 21, line 22: "abc"); read as missing (--numeric)',
    ]);
    expect(forced.stdout).toMatch(/× 4 features/);
    const schema = readFileSync(path.join(directory, 'forced.txt'), 'utf8');
    expect(schema).toContain('"name":"TotalVisits","kind":"numeric","categories":[],"textAsMissing":true');
  });

  it('gives the line of a text cell after a quoted value that spans lines', async () => {
    const text = `note,visits,converted\n"two\nlines",1,0\n${Array.from({ length: 25 }, (_, index) => `n,${index === 10 ? 'x' : index},${index % 2}`).join('\n')}\n`;
    const run = await runLeadscore([
      'train',
      '--train',
      file('multiline.csv', text),
      '--label',
      'converted',
      '--iterations',
      '1',
      '--min-data-in-leaf',
      '2',
      '--quiet',
      '--model',
      path.join(directory, 'ml.txt'),
    ]);
    expect(run.code).toBe(0);
    expect(warnings(run)).toEqual([
      'warning: column `visits`: 1 of 26 values is not a number (row 12, line 14: "x"); treated as categorical; use --numeric visits to force numbers and read the rest as missing',
    ]);
  });
});

describe('the model size estimate', () => {
  it('is measured: a real model of fully grown trees stays under it, and not far under', async () => {
    const big = path.join(directory, 'big-leads.csv');
    writeLeadsCsv(big, 2000, 7);
    const modelFile = path.join(directory, 'big.txt');
    const run = await runLeadscore([
      'train',
      '--train',
      big,
      '--label',
      'converted',
      '--drop',
      'lead_id,email',
      '--iterations',
      '20',
      '--min-data-in-leaf',
      '1',
      '--quiet',
      '--model',
      modelFile,
    ]);
    expect(run.code).toBe(0);
    const text = readFileSync(modelFile, 'utf8');
    const leaves = [...text.matchAll(/^num_leaves=(\d+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    const trees = text.slice(text.indexOf('Tree=0'), text.indexOf('end of trees'));
    const bytesPerLeaf = trees.length / leaves;
    expect(bytesPerLeaf).toBeLessThanOrEqual(TEXT_BYTES_PER_LEAF);
    expect(bytesPerLeaf).toBeGreaterThan(0.8 * TEXT_BYTES_PER_LEAF);
    expect(text.length).toBeLessThan(estimateModelBytes({ num_iterations: 20, num_leaves: 31 }));
  });
});
