import { type IntentSignal, intentSignalSchema } from '../../../../shared/schemas/intent-signal.ts';
import { validateRecord } from '../../../../shared/schemas/validate.ts';

/** The four columns an intent file needs, each with the header spellings accepted for it. */
export const INTENT_COLUMNS = {
  domain: ['domain', 'company_domain', 'account_domain', 'website', 'company_website'],
  topic: ['topic', 'intent_topic', 'topic_name', 'keyword'],
  surge_score: ['surge_score', 'surge', 'score', 'intent_score', 'surge_value'],
  observed_at: ['observed_at', 'observed', 'observed_on', 'date', 'timestamp', 'week', 'seen_at'],
} as const;

export type IntentColumn = keyof typeof INTENT_COLUMNS;

/** Which cell holds each column, and the header name it was found under. */
export type IntentColumnMap = Record<IntentColumn, { index: number; header: string }>;

export type ColumnMatch =
  | { ok: true; columns: IntentColumnMap; ignored: string[] }
  | { ok: false; missing: IntentColumn[] };

/** `Surge Score`, `surgeScore`, `SURGE-SCORE` and `surge_score` all read as `surge_score`. */
export function normalizeHeader(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Finds the four columns in a header; the first header matching a column wins. */
export function matchIntentColumns(headers: readonly string[]): ColumnMatch {
  const normalized = headers.map(normalizeHeader);
  const found: Partial<IntentColumnMap> = {};
  const used = new Set<number>();
  const missing: IntentColumn[] = [];
  for (const column of Object.keys(INTENT_COLUMNS) as IntentColumn[]) {
    const accepted: readonly string[] = INTENT_COLUMNS[column];
    const index = accepted
      .map((spelling) => normalized.findIndex((name, at) => name === spelling && !used.has(at)))
      .find((at) => at >= 0);
    if (index === undefined) {
      missing.push(column);
      continue;
    }
    used.add(index);
    found[column] = { index, header: headers[index].trim() };
  }
  if (missing.length > 0) return { ok: false, missing };
  const ignored = headers.map((name) => name.trim()).filter((_, at) => !used.has(at));
  return { ok: true, columns: found as IntentColumnMap, ignored };
}

export interface RowProblem {
  /** The header the user wrote for the offending column. */
  column: string;
  /** Reads after the column name: `"high" is not a number between 0 and 100`. */
  reason: string;
}

export type RowResult = { ok: true; signal: IntentSignal } | { ok: false; problems: RowProblem[] };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const CONTROL_CHARACTER = /\p{Cc}/u;

function quoted(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/**
 * One data row as an intent signal, or every problem with it. Domains are lower-cased, a plain
 * date (2026-03-01) means midnight UTC, and everything else is checked by the intent schema.
 */
export function readIntentRow(cells: readonly string[], columns: IntentColumnMap): RowResult {
  const cell = (column: IntentColumn): string => (cells[columns[column].index] ?? '').trim();
  const problems: RowProblem[] = [];
  const problem = (column: IntentColumn, reason: string): void => {
    problems.push({ column: columns[column].header, reason });
  };
  for (const column of Object.keys(INTENT_COLUMNS) as IntentColumn[]) {
    if (columns[column].index >= cells.length) problem(column, 'is missing (the row has too few fields)');
    else if (cell(column) === '') problem(column, 'is empty');
  }
  const surgeText = cell('surge_score');
  const surgeScore = Number(surgeText);
  if (surgeText !== '' && (!Number.isFinite(surgeScore) || surgeScore < 0 || surgeScore > 100)) {
    problem('surge_score', `${quoted(surgeText)} is not a number between 0 and 100`);
  }
  const topic = cell('topic');
  if (CONTROL_CHARACTER.test(topic)) problem('topic', `${quoted(topic)} must not contain control characters`);
  if (problems.length > 0) return { ok: false, problems };

  const observedText = cell('observed_at');
  const record = {
    domain: cell('domain').toLowerCase(),
    topic,
    surgeScore,
    observedAt: DATE_ONLY.test(observedText) ? `${observedText}T00:00:00Z` : observedText,
  };
  const result = validateRecord(intentSignalSchema, record);
  if (result.ok) {
    // The store keys signals by instant; one spelling per instant keeps re-imports idempotent.
    const at = Date.parse(result.value.observedAt);
    if (Number.isNaN(at)) {
      return {
        ok: false,
        problems: [
          { column: columns.observed_at.header, reason: `${quoted(observedText)} is not a real date` },
        ],
      };
    }
    return { ok: true, signal: { ...result.value, observedAt: new Date(at).toISOString() } };
  }
  const byField: Record<string, IntentColumn> = {
    domain: 'domain',
    topic: 'topic',
    surgeScore: 'surge_score',
    observedAt: 'observed_at',
  };
  const original: Record<IntentColumn, string> = {
    domain: cell('domain'),
    topic,
    surge_score: surgeText,
    observed_at: observedText,
  };
  return {
    ok: false,
    problems: result.problems.map(({ field, reason }) => {
      const column = byField[field];
      return column === undefined
        ? { column: field, reason }
        : { column: columns[column].header, reason: `${quoted(original[column])} ${reason}` };
    }),
  };
}

/** `line 7: surge_score "high" is not a number between 0 and 100; topic is empty`. */
export function describeRowProblems(line: number, problems: readonly RowProblem[]): string {
  return `line ${line}: ${problems.map(({ column, reason }) => `${column} ${reason}`).join('; ')}`;
}
