import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../main.ts';
import { BACKTEST_HELP } from './backtest-args.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-backtest-errors-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A CSV of `rows` leads, one a day from 2026-01-01, converting where `converts(row)` says. */
function leads(name: string, rows: number, converts: (row: number) => boolean, time = isoDay): string {
  const lines = ['lead_id,created_at,visits,source,converted'];
  for (let row = 0; row < rows; row += 1) {
    lines.push(
      `L${row},${time(row)},${(row * 7) % 11},${row % 3 === 0 ? 'web' : 'email'},${converts(row) ? 1 : 0}`,
    );
  }
  const file = path.join(directory, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function isoDay(row: number): string {
  return new Date(Date.UTC(2026, 0, 1) + row * 86_400_000).toISOString().slice(0, 10);
}

async function backtest(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await runCli(['backtest', ...args, '--out', path.join(directory, 'report.html')], {
    stdout,
    stderr,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Exit code 2 and exactly one line on stderr, which is returned. */
async function badInputLine(args: string[]): Promise<string> {
  const run = await backtest(args);
  expect(run.code).toBe(2);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

const everyFifth = (row: number): boolean => row % 5 === 0;
const good = leads('good.csv', 300, everyFifth);

describe('leadscore backtest with bad input', () => {
  it('prints its help with every flag, default and range, and exits 0', async () => {
    const run = await backtest(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(BACKTEST_HELP);
    expect(BACKTEST_HELP).toContain('--time-column <column>');
    expect(BACKTEST_HELP).toContain(
      'early_stopping_round: default 20 in a backtest (0 turns it off); an integer >= 0',
    );
    expect(BACKTEST_HELP).toContain(
      '--num-leaves N          num_leaves: default 31; an integer >= 2 and <= 131072',
    );
  });

  it('asks for --time-column when it is missing', async () => {
    expect(await badInputLine(['--data', good, '--label', 'converted'])).toBe(
      'error: leadscore backtest: --time-column is required',
    );
  });

  it('names a time column that is not in the header, with the columns that are', async () => {
    expect(await badInputLine(['--data', good, '--label', 'converted', '--time-column', 'signup'])).toBe(
      `error: ${good}, line 1, column "signup": --time-column names a column that is not in the header (columns: lead_id, created_at, visits, source, converted)`,
    );
  });

  it('names a label column that is not in the header', async () => {
    expect(await badInputLine(['--data', good, '--label', 'won', '--time-column', 'created_at'])).toContain(
      `${good}, line 1, column "won": --label names a column that is not in the header`,
    );
  });

  it('names the row of an empty or unreadable time, and the flag that skips such rows', async () => {
    const unreadable = leads('unreadable.csv', 300, everyFifth, (row) =>
      row === 41 ? 'last tuesday' : isoDay(row),
    );
    expect(
      await badInputLine(['--data', unreadable, '--label', 'converted', '--time-column', 'created_at']),
    ).toBe(
      `error: ${unreadable}, row 42 (line 43), column "created_at": time "last tuesday" is neither an ISO 8601 date (2026-03-01T09:30:00Z) nor a number; ` +
        'every row needs a time to be placed in a window (or pass --skip-bad-times to report and skip such rows)',
    );
    const empty = leads('empty-time.csv', 300, everyFifth, (row) => (row === 7 ? '' : isoDay(row)));
    expect(
      await badInputLine(['--data', empty, '--label', 'converted', '--time-column', 'created_at']),
    ).toContain(`${empty}, row 8 (line 9), column "created_at": time is empty; every row needs a time`);
    const mixed = leads('mixed-time.csv', 300, everyFifth, (row) => (row === 9 ? '20260110' : isoDay(row)));
    expect(
      await badInputLine(['--data', mixed, '--label', 'converted', '--time-column', 'created_at']),
    ).toContain(
      `row 10 (line 11), column "created_at": time "20260110" is a number but the column's first time is a date`,
    );
  });

  it('names the window that has too few rows, with its count and dates', async () => {
    const small = leads('small.csv', 40, (row) => row % 2 === 0);
    expect(await badInputLine(['--data', small, '--label', 'converted', '--time-column', 'created_at'])).toBe(
      'error: leadscore backtest: the validation window has 4 rows (2026-01-29 to 2026-02-01); each window needs at least 10 ' +
        '(the split is 70% / 10% / 20% of the rows by time, and rows sharing a time at a cut stay together)',
    );
  });

  it('names the window without a positive, with its row count and dates', async () => {
    const lateDrought = leads('drought.csv', 300, (row) => row < 240 && row % 4 === 0);
    expect(
      await badInputLine(['--data', lateDrought, '--label', 'converted', '--time-column', 'created_at']),
    ).toBe(
      'error: leadscore backtest: the test window has no positive label in its 60 rows (2026-08-29 to 2026-10-27); each window needs both classes',
    );
  });

  it('refuses the label as the time column and a bad training parameter, naming the flag', async () => {
    expect(await badInputLine(['--data', good, '--label', 'converted', '--time-column', 'converted'])).toBe(
      'error: leadscore backtest: --time-column and --label name the same column',
    );
    expect(
      await badInputLine([
        '--data',
        good,
        '--label',
        'converted',
        '--time-column',
        'created_at',
        '--num-leaves',
        '1',
      ]),
    ).toContain('error: leadscore backtest: --num-leaves: ');
  });

  it('refuses an output in a folder that does not exist before reading the data', async () => {
    const missing = path.join(directory, 'no-such-folder', 'predictions.csv');
    expect(
      await badInputLine([
        '--data',
        good,
        '--label',
        'converted',
        '--time-column',
        'created_at',
        '--predictions',
        missing,
      ]),
    ).toBe(
      `error: leadscore backtest: --predictions ${missing}: the folder ${path.dirname(missing)} does not exist; create it first`,
    );
  });

  it('orders plain-number times numerically, whatever the file order', async () => {
    // Week numbers written newest first: 300 rows, weeks 1000 down to 701.
    const weeks = leads('weeks.csv', 300, everyFifth, (row) => String(1000 - row));
    const run = await backtest([
      '--data',
      weeks,
      '--label',
      'converted',
      '--time-column',
      'created_at',
      '--quiet',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^train +210 +\d+ +[\d.]+% +701 +910$/m);
    expect(run.stdout).toMatch(/^validation +30 +\d+ +[\d.]+% +911 +940$/m);
    expect(run.stdout).toMatch(/^test +60 +\d+ +[\d.]+% +941 +1000$/m);
  });

  it('skips rows with a bad time when asked, and says how many and which', async () => {
    const holes = leads('holes.csv', 300, everyFifth, (row) => (row === 5 || row === 77 ? '' : isoDay(row)));
    const run = await backtest([
      '--data',
      holes,
      '--label',
      'converted',
      '--time-column',
      'created_at',
      '--skip-bad-times',
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'skipped 2 rows with a bad time (row 6: time is empty; row 78: time is empty)',
    );
    expect(run.stdout).toMatch(/^train +209 /m);
  });
});
