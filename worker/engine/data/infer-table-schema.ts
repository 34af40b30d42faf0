import {
  canonicalLabel,
  encodeLabel,
  type InputFeature,
  type InputSchema,
  normalizeCell,
  parseNumericCell,
} from '../io/input-schema.ts';
import { orderCategories } from './cell-values.ts';
import { type CsvHeader, isHeader, readCsvRecords } from './csv-records.ts';
import { TableError } from './table-error.ts';

/** The options a user gives about a table's columns (the command line's flags). */
export interface TableOptions {
  label: string;
  positive?: string;
  drop?: string[];
  categorical?: string[];
}

/** A categorical column with more values than this is an identifier, not a feature. */
export const MAX_CATEGORIES = 50_000;

interface ColumnState {
  name: string;
  index: number;
  numeric: boolean;
  /** Distinct non-empty cells; dropped (undefined) once a still-numeric column passes MAX_CATEGORIES. */
  distinct: Set<string> | undefined;
  /** Where the column first stopped being numeric, to explain a too-many-categories error. */
  firstText?: { row: number; line: number };
}

export interface InferredTable {
  schema: InputSchema;
  rows: number;
  /** Label counts: [negatives, positives]. */
  classCounts: [number, number];
}

/**
 * First pass over a training file: decides each column's type, collects category lists and checks
 * the label, without keeping the rows. The second pass (encodeTable) fills the matrix.
 */
export async function inferTableSchema(file: string, options: TableOptions): Promise<InferredTable> {
  let columns: ColumnState[] = [];
  let labelIndex = -1;
  let rows = 0;
  const labelValues = new Map<string, number>();
  const classCounts: [number, number] = [0, 0];
  const forced = new Set(options.categorical ?? []);

  for await (const item of readCsvRecords(file)) {
    if (isHeader(item)) {
      ({ columns, labelIndex } = planColumns(file, item, options));
      continue;
    }
    rows = item.row;
    const where = { file, row: item.row, line: item.line };
    const labelCell = item.cells[labelIndex];
    if (normalizeCell(labelCell) === null) {
      throw new TableError({ ...where, column: options.label }, 'label is empty; every row needs a label');
    }
    // Without --positive, 1/true and 0/false are one class each, so mixed spellings are not extra values.
    const knownClass =
      options.positive === undefined ? encodeLabel({ column: options.label }, labelCell) : undefined;
    const canonical = knownClass === undefined ? canonicalLabel(labelCell) : String(knownClass);
    if (!labelValues.has(canonical)) {
      if (labelValues.size === 2) {
        const seen = [...labelValues.keys(), canonical].map((value) => JSON.stringify(value)).join(', ');
        throw new TableError(
          { ...where, column: options.label },
          `label has more than two values (${seen}); a label must be binary`,
        );
      }
      labelValues.set(canonical, item.row);
    }
    if (options.positive === undefined) {
      const value = encodeLabel({ column: options.label }, labelCell);
      if (value === undefined) {
        throw new TableError(
          { ...where, column: options.label },
          `label value ${JSON.stringify(labelCell.trim())} is not 0/1 or true/false; pass --positive <value> to say which value is the positive class`,
        );
      }
      classCounts[value] += 1;
    } else {
      classCounts[encodeLabel({ column: options.label, positive: options.positive }, labelCell) ?? 0] += 1;
    }
    for (const column of columns) observeCell(column, item.cells[column.index], forced, where);
  }

  if (options.positive !== undefined && classCounts[1] === 0) {
    throw new TableError(
      { file, column: options.label },
      `no row has the positive label value ${JSON.stringify(options.positive)}; check --positive`,
    );
  }
  if (classCounts[0] === 0 || classCounts[1] === 0) {
    throw new TableError({ file, column: options.label }, 'label has only one class; training needs both');
  }

  const features = columns.filter((column) => column.name !== '').map((column) => toFeature(file, column));
  const negative =
    options.positive === undefined
      ? undefined
      : [...labelValues.keys()].find((value) => value !== canonicalLabel(options.positive ?? ''));
  const label =
    options.positive === undefined
      ? { column: options.label }
      : {
          column: options.label,
          positive: options.positive,
          ...(negative === undefined ? {} : { negative }),
        };
  return { schema: { features, label }, rows, classCounts };
}

function planColumns(
  file: string,
  header: CsvHeader,
  options: TableOptions,
): { columns: ColumnState[]; labelIndex: number } {
  const seen = new Map<string, number>();
  header.names.forEach((name, index) => {
    if (name === '') return;
    if (seen.has(name)) {
      throw new TableError(
        { file, line: 1, column: name },
        `column name appears twice in the header (columns ${(seen.get(name) ?? 0) + 1} and ${index + 1}); rename one`,
      );
    }
    seen.set(name, index);
  });
  const known = (name: string, flag: string): void => {
    if (!seen.has(name)) {
      throw new TableError(
        { file, line: 1, column: name },
        `${flag} names a column that is not in the header (columns: ${[...seen.keys()].join(', ')})`,
      );
    }
  };
  known(options.label, '--label');
  for (const name of options.drop ?? []) known(name, '--drop');
  for (const name of options.categorical ?? []) known(name, '--categorical');
  if (options.drop?.includes(options.label) || options.categorical?.includes(options.label)) {
    throw new TableError(
      { file, line: 1, column: options.label },
      'the label column cannot be dropped or declared categorical',
    );
  }
  const dropped = new Set(options.drop ?? []);
  const columns: ColumnState[] = [];
  header.names.forEach((name, index) => {
    if (name === '' || name === options.label || dropped.has(name)) return;
    columns.push({ name, index, numeric: true, distinct: new Set() });
  });
  const unnamed = header.names.map((name, index) => ({ name, index })).filter(({ name }) => name === '');
  return {
    columns: [...columns, ...unnamed.map(({ index }) => unnamedGuard(index))],
    labelIndex: seen.get(options.label) ?? -1,
  };
}

/** An unnamed column (a trailing comma in the header) is accepted only while all its cells are empty. */
function unnamedGuard(index: number): ColumnState {
  return { name: '', index, numeric: true, distinct: undefined };
}

function observeCell(
  column: ColumnState,
  cell: string,
  forced: Set<string>,
  where: { file: string; row: number; line: number },
): void {
  const text = normalizeCell(cell);
  if (text === null) return;
  if (column.name === '') {
    throw new TableError(
      { ...where },
      `column ${column.index + 1} has a value but no name in the header; name it or remove the value`,
    );
  }
  if (column.numeric && (forced.has(column.name) || parseNumericCell(text) === undefined)) {
    column.numeric = false;
    column.firstText = { row: where.row, line: where.line };
  }
  if (column.distinct === undefined) {
    if (!column.numeric) throw tooManyCategories(where.file, column);
    return;
  }
  column.distinct.add(text);
  if (column.distinct.size > MAX_CATEGORIES) {
    if (!column.numeric) throw tooManyCategories(where.file, column);
    column.distinct = undefined;
  }
}

function tooManyCategories(file: string, column: ColumnState): TableError {
  return new TableError(
    { file, column: column.name, ...(column.firstText ?? {}) },
    `categorical column has more than ${MAX_CATEGORIES} distinct values (an identifier?); drop it with --drop`,
  );
}

function toFeature(file: string, column: ColumnState): InputFeature {
  if (column.numeric) return { name: column.name, kind: 'numeric', categories: [] };
  if (column.distinct === undefined) throw tooManyCategories(file, column);
  return { name: column.name, kind: 'categorical', categories: orderCategories(column.distinct) };
}
