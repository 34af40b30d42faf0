import { readCsv } from '../../data/csv-records.ts';
import { TableError } from '../../data/table-error.ts';
import { normalizeCell, parseNumericCell } from '../../io/input-schema.ts';

/** How a time column is written: ISO 8601 dates/timestamps, or plain numbers (epoch, week index...). */
export type TimeKind = 'iso' | 'number';

/** A row left out because its time cell could not be placed on the time line. */
export interface SkippedRow {
  /** 1-based data row. */
  row: number;
  line: number;
  cell: string;
  reason: string;
}

export interface TimeColumn {
  kind: TimeKind;
  /** One value per data row (ms since 1970 for ISO cells); NaN for a skipped row. */
  times: Float64Array;
  /** The cells as written (trimmed), to show window ranges in the user's own format. */
  cells: string[];
  /** The header's column names. */
  columns: string[];
  skipped: SkippedRow[];
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since 1970 for an ISO 8601 date or date-time, or undefined when the text is not one
 * or names no real calendar moment (2026-02-30). A time without an offset is read as UTC, so the
 * order never depends on the machine's time zone.
 */
export function parseIsoTime(text: string): number | undefined {
  const match = ISO_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
  const fields = [year, month, day, hour, minute, second].map(Number);
  const [y, mo, d, h, mi, s] = fields;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, Number(`0.${fraction || '0'}`) * 1000);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return undefined;
  }
  return ms - offsetMinutes(zone) * 60_000;
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/**
 * Reads the time column in one streaming pass. The column's kind is
 * set by its first non-empty cell. An empty cell, a cell that is not a time, or a cell of the other
 * kind is an error naming the row, unless `skipBadTimes` is set: then the row is recorded as skipped
 * and belongs to no window.
 */
export async function readTimeColumn(
  file: string,
  options: { column: string; skipBadTimes: boolean },
): Promise<TimeColumn> {
  let timeIndex = -1;
  let columns: string[] = [];
  let kind: TimeKind | undefined;
  const times: number[] = [];
  const cells: string[] = [];
  const skipped: SkippedRow[] = [];

  await readCsv(file, {
    header: (header) => {
      timeIndex = header.names.indexOf(options.column);
      if (timeIndex < 0) {
        throw new TableError(
          { file, line: 1, column: options.column },
          `--time-column names a column that is not in the header (columns: ${header.names.join(', ')})`,
        );
      }
      columns = header.names;
    },
    record: (item) => {
      const text = normalizeCell(item.cells[timeIndex]) ?? '';
      cells.push(text);
      const where = { file, row: item.row, line: item.line, column: options.column };
      const problem = (reason: string): void => {
        if (!options.skipBadTimes) {
          throw new TableError(
            where,
            `${reason}; every row needs a time to be placed in a window (or pass --skip-bad-times to report and skip such rows)`,
          );
        }
        skipped.push({ row: item.row, line: item.line, cell: text, reason });
        times.push(Number.NaN);
      };
      if (text === '') {
        problem('time is empty');
        return;
      }
      const iso = parseIsoTime(text);
      const number = iso === undefined ? parseNumericCell(text) : undefined;
      const found: TimeKind | undefined =
        iso !== undefined ? 'iso' : number !== undefined ? 'number' : undefined;
      if (found === undefined) {
        problem(
          `time ${JSON.stringify(text)} is neither an ISO 8601 date (2026-03-01T09:30:00Z) nor a number`,
        );
        return;
      }
      kind ??= found;
      if (found !== kind) {
        problem(
          `time ${JSON.stringify(text)} is ${found === 'iso' ? 'a date' : 'a number'} but the column's first time is ${kind === 'iso' ? 'a date' : 'a number'}`,
        );
        return;
      }
      times.push(iso ?? number ?? Number.NaN);
    },
  });
  if (kind === undefined) {
    throw new TableError({ file, column: options.column }, 'the time column has no usable time in any row');
  }
  return { kind, times: Float64Array.from(times), cells, columns, skipped };
}
