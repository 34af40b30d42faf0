import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.ts';
import { parseIsoTime } from './time-column.ts';
import { checkWindows, splitByTime } from './time-split.ts';

const rowsOf = (windows: ReturnType<typeof splitByTime>): number[][] =>
  windows.map((window) => Array.from(window.rows));

describe('time-ordered split', () => {
  it('puts the oldest 70% in train, the next 10% in validation and the newest 20% in test', () => {
    // Rows written newest first: the split follows the times, not the file order.
    const times = Float64Array.from({ length: 20 }, (_, row) => 100 - row);
    const windows = splitByTime(times, new Float64Array(20));
    expect(rowsOf(windows)).toEqual([
      [19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6],
      [5, 4],
      [3, 2, 1, 0],
    ]);
  });

  it('sends rows sharing a time at a cut to the later window, in file order', () => {
    // 10 rows: the first cut (7) falls inside the tie of time 7 (sorted positions 6 and 7).
    const times = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 7, 9, 10]);
    const windows = splitByTime(times, new Float64Array(10));
    expect(rowsOf(windows)).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7],
      [8, 9],
    ]);
    // The second cut (8) falls inside the tie of time 9 and moves back to 7: the tie goes to test.
    const later = splitByTime(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 9, 9, 10]), new Float64Array(10));
    expect(rowsOf(later)).toEqual([[0, 1, 2, 3, 4, 5, 6], [], [7, 8, 9]]);
  });

  it('gives the same windows whatever the order of rows with equal times in the sort', () => {
    const times = Float64Array.from({ length: 1000 }, (_, row) => Math.floor(row / 7) % 50);
    const first = rowsOf(splitByTime(times, new Float64Array(1000)));
    const second = rowsOf(splitByTime(times, new Float64Array(1000)));
    expect(first).toEqual(second);
    const [train, validation, test] = first.map((rows) => rows.map((row) => times[row]));
    expect(Math.max(...train)).toBeLessThan(Math.min(...validation));
    expect(Math.max(...validation)).toBeLessThan(Math.min(...test));
  });

  it('leaves rows without a time out of every window', () => {
    const times = Float64Array.from({ length: 20 }, (_, row) => (row === 3 ? Number.NaN : row));
    const windows = splitByTime(times, new Float64Array(20));
    expect(windows.flatMap((window) => Array.from(window.rows))).not.toContain(3);
    expect(windows.reduce((sum, window) => sum + window.rows.length, 0)).toBe(19);
  });

  it('refuses a window with too few rows or a single class, naming it and its counts', () => {
    const range = (): string => 'day 1 to day 2';
    const labels = Float64Array.from({ length: 40 }, (_, row) => (row % 2 === 0 ? 1 : 0));
    const small = splitByTime(
      Float64Array.from({ length: 40 }, (_, row) => row),
      labels,
    );
    expect(() => checkWindows(small, range)).toThrow(
      new CliError(
        'leadscore backtest: the validation window has 4 rows (day 1 to day 2); each window needs at least 10 ' +
          '(the split is 70% / 10% / 20% of the rows by time, and rows sharing a time at a cut stay together)',
      ),
    );
    const onlyEarlyWins = Float64Array.from({ length: 200 }, (_, row) =>
      row < 100 && row % 3 === 0 ? 1 : 0,
    );
    const windows = splitByTime(
      Float64Array.from({ length: 200 }, (_, row) => row),
      onlyEarlyWins,
    );
    expect(() => checkWindows(windows, range)).toThrow(
      'leadscore backtest: the validation window has no positive label in its 20 rows (day 1 to day 2); each window needs both classes',
    );
  });
});

describe('time cells', () => {
  it('reads ISO dates and timestamps as UTC unless they carry an offset', () => {
    expect(parseIsoTime('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
    expect(parseIsoTime('2026-03-01T09:30:00Z')).toBe(Date.UTC(2026, 2, 1, 9, 30));
    expect(parseIsoTime('2026-03-01 09:30')).toBe(Date.UTC(2026, 2, 1, 9, 30));
    expect(parseIsoTime('2026-03-01T09:30:00.250+02:00')).toBe(Date.UTC(2026, 2, 1, 7, 30, 0, 250));
    expect(parseIsoTime('2026-03-01T09:30:00-0130')).toBe(Date.UTC(2026, 2, 1, 11, 0));
  });

  it('refuses days that are not on the calendar and text that is not a date', () => {
    for (const text of [
      '2026-02-30',
      '2026-13-01',
      '2026-03-01T24:00',
      'yesterday',
      '03/01/2026',
      '20260301',
    ]) {
      expect(parseIsoTime(text), text).toBeUndefined();
    }
  });
});
