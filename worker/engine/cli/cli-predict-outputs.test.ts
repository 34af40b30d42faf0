import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLeadsCsv } from './cli-test-leads.ts';
import { looksLikeId } from './id-column.ts';
import { runLeadscore } from './run-leadscore.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-predict-out-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const leads = path.join(directory, 'leads.csv');
const modelFile = path.join(directory, 'model.txt');
const features = ['visits', 'pricing_page_views', 'source'];

function readCsv(file: string): string[][] {
  return parse(readFileSync(file)) as string[][];
}

beforeAll(async () => {
  writeLeadsCsv(leads, 150);
  const run = await runLeadscore([
    'train',
    '--train',
    leads,
    '--label',
    'converted',
    '--drop',
    'lead_id,email',
    '--iterations',
    '10',
    '--min-data-in-leaf',
    '5',
    '--quiet',
    '--model',
    modelFile,
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});

describe('leadscore predict outputs', () => {
  it('copies the first id-like column into the output and says so on stderr', async () => {
    const out = path.join(directory, 'scores.csv');
    const run = await runLeadscore(['predict', '--model', modelFile, '--data', leads, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'note: copying column "lead_id" into the output as the row id; use --id-column to choose another, or --id-column none\n',
    );
    const [header, ...rows] = readCsv(out);
    expect(header).toEqual(['lead_id', 'probability', 'raw_score']);
    const input = readCsv(leads).slice(1);
    expect(rows.map((row) => row[0])).toEqual(input.map((row) => row[0]));
  });

  it('copies the column named by --id-column, or none', async () => {
    const named = path.join(directory, 'by-email.csv');
    const none = path.join(directory, 'no-id.csv');
    const [byEmail, withoutId, unknown] = await Promise.all([
      runLeadscore([
        'predict',
        '--model',
        modelFile,
        '--data',
        leads,
        '--out',
        named,
        '--id-column',
        'email',
      ]),
      runLeadscore(['predict', '--model', modelFile, '--data', leads, '--out', none, '--id-column', 'none']),
      runLeadscore([
        'predict',
        '--model',
        modelFile,
        '--data',
        leads,
        '--out',
        none,
        '--id-column',
        'crm_key',
      ]),
    ]);
    expect(byEmail.stderr).toBe('');
    expect(readCsv(named)[1][0]).toBe('lead0@example.com');
    expect(withoutId.stderr).toBe('');
    expect(readCsv(none)[0]).toEqual(['probability', 'raw_score']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `error: ${leads}, line 1, column "crm_key": --id-column names a column that is not in the header (columns: lead_id, email, visits, pricing_page_views, source, converted)\n`,
    );
  });

  it('names contributions contrib_<feature>, ending with expected_raw_score, adding up to the raw score', async () => {
    const out = path.join(directory, 'contrib.csv');
    const run = await runLeadscore([
      'predict',
      '--model',
      modelFile,
      '--data',
      leads,
      '--out',
      out,
      '--contrib',
      '--id-column',
      'none',
    ]);
    expect(run.code).toBe(0);
    const [header, ...rows] = readCsv(out);
    expect(header).toEqual([
      'probability',
      'raw_score',
      ...features.map((name) => `contrib_${name}`),
      'expected_raw_score',
    ]);
    expect(rows).toHaveLength(150);
    for (const row of rows) {
      const [, raw, ...parts] = row.map(Number);
      expect(Math.abs(parts.reduce((sum, value) => sum + value, 0) - raw)).toBeLessThan(1e-9);
    }
  });

  it('writes the largest factors of each row as text with --top', async () => {
    const out = path.join(directory, 'top.csv');
    const run = await runLeadscore([
      'predict',
      '--model',
      modelFile,
      '--data',
      leads,
      '--out',
      out,
      '--contrib',
      '--top',
      '2',
      '--id-column',
      'none',
    ]);
    expect(run.code).toBe(0);
    const [header, ...rows] = readCsv(out);
    expect(header.slice(-2)).toEqual(['factor_1', 'factor_2']);
    const input = readCsv(leads);
    for (const [index, row] of rows.entries()) {
      const contributions = features.map((_, feature) => Number(row[2 + feature]));
      const order = features
        .map((name, feature) => ({ name, value: contributions[feature] }))
        .filter((entry) => entry.value !== 0)
        .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
      const expected = order.slice(0, 2).map(({ name, value }) => {
        const cell = input[index + 1][input[0].indexOf(name)];
        return `${name}=${cell} (${value > 0 ? '+' : '-'}${Math.abs(value).toFixed(2)})`;
      });
      expect(row.slice(-2)).toEqual([expected[0] ?? '', expected[1] ?? '']);
    }
    expect(rows[0][rows[0].length - 2]).toMatch(/^[a-z_]+=\w+ \([+-]\d+\.\d\d\)$/);
  });

  it('writes --matrix-out with the feature names as its header', async () => {
    const out = path.join(directory, 'm-scores.csv');
    const matrix = path.join(directory, 'matrix.csv');
    const run = await runLeadscore([
      'predict',
      '--model',
      modelFile,
      '--data',
      leads,
      '--out',
      out,
      '--matrix-out',
      matrix,
      '--id-column',
      'none',
    ]);
    expect(run.code).toBe(0);
    const [header, first] = readCsv(matrix);
    expect(header).toEqual(features);
    const input = readCsv(leads);
    expect(first.slice(0, 2)).toEqual([input[1][2], input[1][3]]);
  });

  it('quotes an id that holds a comma', async () => {
    const data = path.join(directory, 'quoted.csv');
    const text = readFileSync(leads, 'utf8').replace('\nL1000,', '\n"L1000, Inc",');
    writeFileSync(data, text);
    const out = path.join(directory, 'quoted-scores.csv');
    const run = await runLeadscore(['predict', '--model', modelFile, '--data', data, '--out', out]);
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[1]).toMatch(/^"L1000, Inc",/);
  });
});

describe('id-like column names', () => {
  it.each(['id', 'ID', 'lead_id', 'Prospect ID', 'crm-id', 'LeadId'])('takes %s for an id', (name) => {
    expect(looksLikeId(name)).toBe(true);
  });
  it.each(['paid', 'video', 'identity', 'Lead Number', 'valid'])('does not take %s for an id', (name) => {
    expect(looksLikeId(name)).toBe(false);
  });
});
