import {
  canonicalLabel,
  encodeLabel,
  type InputFeature,
  type InputSchema,
  type LabelRule,
  normalizeCell,
  parseNumericCell,
} from '../io/input-schema.ts';
import { orderCategories } from './cell-values.ts';
import { type CsvHeader, readCsv } from './csv-records.ts';
import {
  describeIdentifierColumn,
  describeTextInNumbers,
  isIdentifierLike,
  isMostlyNumeric,
  MAX_TEXT_EXAMPLES,
  type TextCell,
} from './schema-warnings.ts';
import { TableError } from './table-error.ts';

/** The options a user gives about a table's columns (the command line's flags). */
export interface TableOptions {
  label: string;
  positive?: string;
  drop?: string[];
  categorical?: string[];
  /** Columns read as numbers even when some cells are text; those cells become missing. */
  numeric?: string[];
  /** Text columns kept even when nearly every value is distinct (which otherwise marks an id). */
  keep?: string[];
}

/** A categorical column with more values than this is an identifier, not a feature. */
export const MAX_CATEGORIES = 50_000;
/**
 * Distinct values kept for a column that still looks numeric, in case a later cell turns it
 * categorical. Past this many the set is dropped (numeric columns rarely turn), and a column that
 * does turn later gets its categories from one extra pass.
 */
const NUMERIC_DISTINCT_LIMIT = 1000;

interface ColumnState {
  name: string;
  index: number;
  numeric: boolean;
  /** Distinct non-empty cells seen so far; undefined once a numeric column passed the limit. */
  distinct: Set<string> | undefined;
  /** Categorical, but values seen before it turned were not kept: collect them in another pass. */
  recollect: boolean;
  /** Where the column first stopped being numeric, to locate a too-many-categories error. */
  firstText?: { row: number; line: number };
  /** Non-empty cells, and how many of them are not numbers (the first few kept to name them). */
  values: number;
  textCount: number;
  textExamples: TextCell[];
  /** --numeric: stays numeric, text cells become missing. */
  forcedNumeric: boolean;
  /** --keep or --categorical: never left out for having nearly all values distinct. */
  kept: boolean;
  /** A text column whose values are nearly all distinct (an id, an email): left out of the model. */
  identifier: boolean;
}

export interface InferredTable {
  schema: InputSchema;
  rows: number;
  /** Label counts: [negatives, positives]. */
  classCounts: [number, number];
  /** One line each about columns read differently than their header suggests, for the user to check. */
  warnings: string[];
}

/**
 * First pass over a training file: decides each column's type, collects category lists and checks
 * the label, without keeping the rows. The second pass (encodeTable) fills the matrix.
 */
export async function inferTableSchema(file: string, options: TableOptions): Promise<InferredTable> {
  let columns: ColumnState[] = [];
  let labelIndex = -1;
  let rows = 0;
  const label = new LabelTally(file, options);
  const forced = new Set(options.categorical ?? []);

  await readCsv(file, {
    header: (header) => {
      ({ columns, labelIndex } = planColumns(file, header, options));
    },
    record: (item) => {
      rows = item.row;
      const where = { file, row: item.row, line: item.line };
      label.observe(item.cells[labelIndex], where);
      for (const column of columns) observeCell(column, item.cells[column.index], forced, where);
    },
  });
  const late = columns.filter((column) => column.recollect);
  if (late.length > 0) await recollectCategories(file, late);

  const warnings: string[] = [];
  for (const column of columns) {
    if (column.name === '') continue;
    if (!column.identifier && !column.numeric && !column.kept && !isMostlyNumeric(column)) {
      column.identifier = isIdentifierLike(column.values, column.distinct?.size ?? 0);
    }
    if (column.identifier)
      warnings.push(
        describeIdentifierColumn(column.name, column.values, column.distinct?.size, MAX_CATEGORIES),
      );
    else if (
      column.textCount > 0 &&
      (column.forcedNumeric || (!forced.has(column.name) && isMostlyNumeric(column)))
    ) {
      warnings.push(describeTextInNumbers(column, column.forcedNumeric));
    }
  }
  const features = columns
    .filter((column) => column.name !== '' && !column.identifier)
    .map((column) => toFeature(file, column));
  return { schema: { features, label: label.rule() }, rows, classCounts: label.classCounts, warnings };
}

/** Checks label cells row by row and counts the classes. */
class LabelTally {
  readonly classCounts: [number, number] = [0, 0];
  private readonly values = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly options: TableOptions,
  ) {}

  observe(cell: string, where: { file: string; row: number; line: number }): void {
    const { label, positive } = this.options;
    if (normalizeCell(cell) === null) {
      throw new TableError({ ...where, column: label }, 'label is empty; every row needs a label');
    }
    // Without --positive, 1/true and 0/false are one class each, so mixed spellings are not extra values.
    const known = positive === undefined ? encodeLabel({ column: label }, cell) : undefined;
    const canonical = known === undefined ? canonicalLabel(cell) : String(known);
    if (!this.values.has(canonical)) {
      if (this.values.size === 2) {
        const seen = [...this.values, canonical].map((value) => JSON.stringify(value)).join(', ');
        throw new TableError(
          { ...where, column: label },
          `label has more than two values (${seen}); a label must be binary`,
        );
      }
      this.values.add(canonical);
    }
    if (positive === undefined && known === undefined) {
      throw new TableError(
        { ...where, column: label },
        `label value ${JSON.stringify(cell.trim())} is not 0/1 or true/false; pass --positive <value> to say which value is the positive class`,
      );
    }
    const value = positive === undefined ? known : encodeLabel({ column: label, positive }, cell);
    this.classCounts[value ?? 0] += 1;
  }

  rule(): LabelRule {
    const { label, positive } = this.options;
    if (positive !== undefined && this.classCounts[1] === 0) {
      throw new TableError(
        { file: this.file, column: label },
        `no row has the positive label value ${JSON.stringify(positive)}; check --positive`,
      );
    }
    if (this.classCounts[0] === 0 || this.classCounts[1] === 0) {
      throw new TableError(
        { file: this.file, column: label },
        'label has only one class; training needs both',
      );
    }
    if (positive === undefined) return { column: label };
    const negative = [...this.values].find((value) => value !== canonicalLabel(positive));
    return { column: label, positive, ...(negative === undefined ? {} : { negative }) };
  }
}

/** Extra pass for columns that turned categorical after their early values were let go. */
async function recollectCategories(file: string, columns: ColumnState[]): Promise<void> {
  for (const column of columns) column.distinct = new Set();
  await readCsv(file, {
    header: () => {},
    record: (item) => {
      for (const column of columns) {
        const text = normalizeCell(item.cells[column.index]);
        if (text === null || column.distinct === undefined) continue;
        column.distinct.add(text);
        if (column.distinct.size > MAX_CATEGORIES) {
          if (column.kept || !isIdentifierLike(column.values, column.distinct.size)) {
            throw tooManyCategories(file, column);
          }
          column.identifier = true;
          column.distinct = undefined;
        }
      }
    },
  });
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
  for (const name of options.numeric ?? []) known(name, '--numeric');
  for (const name of options.keep ?? []) known(name, '--keep');
  const flagged = [options.drop, options.categorical, options.numeric, options.keep];
  if (flagged.some((names) => names?.includes(options.label))) {
    throw new TableError(
      { file, line: 1, column: options.label },
      'the label column cannot be dropped, kept or declared categorical or numeric',
    );
  }
  const both = options.numeric?.find((name) => options.categorical?.includes(name));
  if (both !== undefined) {
    throw new TableError(
      { file, line: 1, column: both },
      'a column cannot be both --numeric and --categorical',
    );
  }
  const dropped = new Set(options.drop ?? []);
  const numeric = new Set(options.numeric ?? []);
  const kept = new Set([...(options.keep ?? []), ...(options.categorical ?? [])]);
  const columns: ColumnState[] = [];
  header.names.forEach((name, index) => {
    if (name === '' || name === options.label || dropped.has(name)) return;
    columns.push({
      ...newColumn(name, index),
      forcedNumeric: numeric.has(name),
      kept: kept.has(name),
    });
  });
  const unnamed = header.names.map((name, index) => ({ name, index })).filter(({ name }) => name === '');
  return {
    columns: [...columns, ...unnamed.map(({ index }) => unnamedGuard(index))],
    labelIndex: seen.get(options.label) ?? -1,
  };
}

function newColumn(name: string, index: number): ColumnState {
  return {
    name,
    index,
    numeric: true,
    distinct: new Set(),
    recollect: false,
    values: 0,
    textCount: 0,
    textExamples: [],
    forcedNumeric: false,
    kept: false,
    identifier: false,
  };
}

/** An unnamed column (a trailing comma in the header) is accepted only while all its cells are empty. */
function unnamedGuard(index: number): ColumnState {
  return { ...newColumn('', index), distinct: undefined };
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
  column.values += 1;
  const isNumber = parseNumericCell(text) !== undefined;
  if (!isNumber) {
    column.textCount += 1;
    if (column.textExamples.length < MAX_TEXT_EXAMPLES) {
      column.textExamples.push({ row: where.row, line: where.line, text });
    }
  }
  if (column.numeric && !column.forcedNumeric && (!isNumber || forced.has(column.name))) {
    turnCategorical(column, where);
  }
  if (column.forcedNumeric || column.recollect || column.identifier) return;
  if (column.distinct === undefined) return;
  column.distinct.add(text);
  if (column.numeric) {
    if (column.distinct.size > NUMERIC_DISTINCT_LIMIT) column.distinct = undefined;
  } else if (column.distinct.size > MAX_CATEGORIES) {
    if (column.kept || !isIdentifierLike(column.values, column.distinct.size)) {
      throw tooManyCategories(where.file, column);
    }
    column.identifier = true;
    column.distinct = undefined;
  }
}

function turnCategorical(column: ColumnState, where: { row: number; line: number }): void {
  column.numeric = false;
  column.firstText = { row: where.row, line: where.line };
  if (column.distinct === undefined) column.recollect = true;
}

function tooManyCategories(file: string, column: ColumnState): TableError {
  return new TableError(
    { file, column: column.name, ...(column.firstText ?? {}) },
    `categorical column has more than ${MAX_CATEGORIES} distinct values (an identifier?); drop it with --drop`,
  );
}

function toFeature(file: string, column: ColumnState): InputFeature {
  if (column.numeric) {
    return column.forcedNumeric
      ? { name: column.name, kind: 'numeric', categories: [], textAsMissing: true }
      : { name: column.name, kind: 'numeric', categories: [] };
  }
  if (column.distinct === undefined) throw tooManyCategories(file, column);
  return { name: column.name, kind: 'categorical', categories: orderCategories(column.distinct) };
}
