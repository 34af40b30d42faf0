import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLeadsCsv } from './cli-test-leads.ts';
import { unseenCategoryWarnings } from './predict-command.ts';
import { runLeadscore } from './run-leadscore.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-missing-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const leads = path.join(directory, 'leads.csv');
const model = path.join(directory, 'model.txt');

beforeAll(async () => {
  writeLeadsCsv(leads, 400);
  const run = await runLeadscore([
    ...['train', '--train', leads, '--label', 'converted', '--drop', 'lead_id,email'],
    ...['--iterations', '20', '--model', model, '--quiet'],
  ]);
  expect(run.code, run.stderr).toBe(0);
});

function probabilities(file: string): number[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const column = header.split(',').indexOf('probability');
  return rows.map((row) => Number(row.split(',')[column]));
}

describe('missing values written as nan', () => {
  it('scores a numeric cell written nan, NaN or NAN exactly as an empty one', async () => {
    // The first 30 rows lose their pricing_page_views (the strongest driver), as nan, NaN or NAN.
    const lines = readFileSync(leads, 'utf8').trim().split('\n');
    const edited = (marker: (row: number) => string) =>
      lines.map((line, index) =>
        index >= 1 && index <= 30 ? line.replace(/,(\d+),(\d+),/, `,$1,${marker(index)},`) : line,
      );
    const blank = edited(() => '');
    const marked = edited((row) => ['nan', 'NaN', 'NAN'][row % 3]);
    writeFileSync(path.join(directory, 'blank.csv'), `${blank.join('\n')}\n`);
    writeFileSync(path.join(directory, 'marked.csv'), `${marked.join('\n')}\n`);
    for (const name of ['blank', 'marked']) {
      const run = await runLeadscore([
        ...['predict', '--model', model, '--data', path.join(directory, `${name}.csv`)],
        ...['--out', path.join(directory, `${name}-scores.csv`)],
      ]);
      expect(run.code, run.stderr).toBe(0);
    }
    const fromBlank = probabilities(path.join(directory, 'blank-scores.csv'));
    expect(probabilities(path.join(directory, 'marked-scores.csv'))).toEqual(fromBlank);
    // The edited rows really changed: missing is not read as 0 or as the old value.
    const original = await runLeadscore([
      'predict',
      '--model',
      model,
      '--data',
      leads,
      '--out',
      path.join(directory, 'o.csv'),
    ]);
    expect(original.code).toBe(0);
    expect(probabilities(path.join(directory, 'o.csv')).slice(0, 30)).not.toEqual(fromBlank.slice(0, 30));
  });
});

describe('a --matrix-out file fed back to predict', () => {
  it('warns that the categories are codes the model never saw', async () => {
    const matrix = path.join(directory, 'matrix.csv');
    const first = await runLeadscore([
      ...['predict', '--model', model, '--data', leads, '--out', path.join(directory, 'a.csv')],
      ...['--matrix-out', matrix],
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('never appeared in training');
    expect(readFileSync(matrix, 'utf8').split('\n')[0]).toBe('visits,pricing_page_views,source');

    const again = await runLeadscore([
      'predict',
      '--model',
      model,
      '--data',
      matrix,
      '--out',
      path.join(directory, 'b.csv'),
    ]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(
      'warning: column `source`: 400 of 400 values never appeared in training (e.g. "',
    );
  });

  it('stays quiet about a few new categories and speaks when most of a column is new', () => {
    expect(unseenCategoryWarnings([{ column: 'title', unseen: 40, present: 100, example: 'CRO' }])).toEqual(
      [],
    );
    expect(
      unseenCategoryWarnings([{ column: 'title', unseen: 1_234, present: 2_000, example: 'CRO' }]),
    ).toEqual([
      'warning: column `title`: 1,234 of 2,000 values never appeared in training (e.g. "CRO"); they score as missing. The model reads the raw export\'s text, not category codes',
    ]);
  });
});
