import { describe, expect, it } from 'vitest';
import { describeRowProblems, matchIntentColumns, normalizeHeader, readIntentRow } from './intent-csv.ts';

function columnsOf(header: string[]) {
  const match = matchIntentColumns(header);
  if (!match.ok) throw new Error(`missing ${match.missing.join(', ')}`);
  return match.columns;
}

describe('intent CSV columns', () => {
  it('reads spaces, dashes, camelCase and capitals as the same header', () => {
    expect(['Surge Score', 'surgeScore', 'SURGE-SCORE', ' surge_score '].map(normalizeHeader)).toEqual([
      'surge_score',
      'surge_score',
      'surge_score',
      'surge_score',
    ]);
  });

  it('finds the four columns under their variants, in any order, and names the ignored ones', () => {
    const match = matchIntentColumns(['Region', 'Date', 'Company Domain', 'Surge', 'Intent Topic']);
    expect(match).toEqual({
      ok: true,
      columns: {
        domain: { index: 2, header: 'Company Domain' },
        topic: { index: 4, header: 'Intent Topic' },
        surge_score: { index: 3, header: 'Surge' },
        observed_at: { index: 1, header: 'Date' },
      },
      ignored: ['Region'],
    });
  });

  it('prefers the exact name over a variant when both are present', () => {
    const columns = columnsOf(['score', 'surge_score', 'domain', 'topic', 'observed_at']);
    expect(columns.surge_score).toEqual({ index: 1, header: 'surge_score' });
  });

  it('lists every missing column', () => {
    expect(matchIntentColumns(['domain', 'weight', 'when'])).toEqual({
      ok: false,
      missing: ['topic', 'surge_score', 'observed_at'],
    });
  });
});

describe('intent CSV rows', () => {
  const columns = columnsOf(['domain', 'topic', 'surge_score', 'observed_at']);

  it('reads a good row, lower-casing the domain and normalizing the time to UTC', () => {
    expect(readIntentRow(['Acme.COM', 'crm software', '72.5', '2026-03-01T14:00:00+02:00'], columns)).toEqual(
      {
        ok: true,
        signal: {
          domain: 'acme.com',
          topic: 'crm software',
          surgeScore: 72.5,
          observedAt: '2026-03-01T12:00:00.000Z',
        },
      },
    );
  });

  it('reads a plain date as midnight UTC', () => {
    const row = readIntentRow(['acme.com', 'crm', '10', '2026-03-01'], columns);
    expect(row.ok && row.signal.observedAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it.each([
    [
      ['acme.com', 'crm', 'high', '2026-03-01'],
      'line 7: surge_score "high" is not a number between 0 and 100',
    ],
    [['acme.com', 'crm', '101', '2026-03-01'], 'line 7: surge_score "101" is not a number between 0 and 100'],
    [['acme.com', 'crm', '-1', '2026-03-01'], 'line 7: surge_score "-1" is not a number between 0 and 100'],
    [
      ['https://acme.com', 'crm', '50', '2026-03-01'],
      'line 7: domain "https://acme.com" must be a lower-case domain such as acme.com',
    ],
    [
      ['acme.com', 'crm', '50', 'last tuesday'],
      'line 7: observed_at "last tuesday" must be an ISO-8601 date-time such as 2026-03-01T12:00:00Z',
    ],
    [['acme.com', '', '', '2026-03-01'], 'line 7: topic is empty; surge_score is empty'],
    [
      ['acme.com', 'crm'],
      'line 7: surge_score is missing (the row has too few fields); observed_at is missing (the row has too few fields)',
    ],
    [
      ['acme.com', 'crm\x1fx', '5', '2026-03-01'],
      'line 7: topic "crm\\u001fx" must not contain control characters',
    ],
  ])('reports %j with the line, the column and the reason', (cells, expected) => {
    const row = readIntentRow(cells, columns);
    expect(row.ok).toBe(false);
    if (!row.ok) expect(describeRowProblems(7, row.problems)).toBe(expected);
  });

  it('names the column as the file wrote it', () => {
    const row = readIntentRow(
      ['acme.com', 'crm', 'lots', '2026-03-01'],
      columnsOf(['Website', 'Keyword', 'Surge', 'Week']),
    );
    expect(!row.ok && describeRowProblems(2, row.problems)).toBe(
      'line 2: Surge "lots" is not a number between 0 and 100',
    );
  });
});
