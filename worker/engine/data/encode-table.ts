import {
  categoryCodes,
  encodeLabel,
  type InputSchema,
  normalizeCell,
  parseNumericCell,
} from '../io/input-schema.ts';
import { type CsvHeader, type CsvRecord, readCsv } from './csv-records.ts';
import { TableError } from './table-error.ts';

/** Rows × features, row-major, missing values as NaN, categories as their integer codes. */
export interface EncodedTable {
  rows: number;
  features: number;
  matrix: Float64Array;
  /** 0/1 per row when the file has the label column (always for training files). */
  labels: Float64Array | undefined;
  /** Per categorical feature with values the model never saw: how many, of how many present, and one. */
  unseenCategories: UnseenCategories[];
}

export interface UnseenCategories {
  column: string;
  unseen: number;
  present: number;
  example: string;
}

export interface EncodeOptions {
  /**
   * `required`: the label column must be there (training, testing); `optional`: read it when present;
   * `ignore`: never read it (scoring open leads, whose label cells are empty).
   */
  label: 'required' | 'optional' | 'ignore';
  /** Row count when known (second pass over a training file), to allocate once. */
  expectedRows?: number;
}

/**
 * Reads a CSV file into the numeric matrix a model sees, using a schema fixed beforehand (inferred
 * from the training file). Columns are found by name, so extra or reordered columns are fine.
 * A category never seen in training becomes missing, as the model has no code for it.
 */
export async function encodeTable(
  file: string,
  schema: InputSchema,
  options: EncodeOptions,
): Promise<EncodedTable> {
  const width = schema.features.length;
  let capacity = Math.max(options.expectedRows ?? 1024, 1);
  let matrix: Float64Array = new Float64Array(capacity * width);
  let labels: Float64Array | undefined;
  let columnIndex: number[] = [];
  let labelIndex = -1;
  const codes = categoryCodes(schema);
  const textAsMissing = schema.features.map((feature) => feature.textAsMissing === true);
  const present = new Float64Array(width);
  const unseen = new Float64Array(width);
  const unseenExample: string[] = new Array(width).fill('');
  let rows = 0;

  const onHeader = (header: CsvHeader): void => {
    const position = new Map(header.names.map((name, index) => [name, index]));
    columnIndex = schema.features.map((feature) => {
      const index = position.get(feature.name);
      if (index === undefined) {
        throw new TableError(
          { file, line: 1, column: feature.name },
          'the model uses this column but the file has no such column in its header',
        );
      }
      return index;
    });
    labelIndex = position.get(schema.label.column) ?? -1;
    if (labelIndex < 0 && options.label === 'required') {
      throw new TableError(
        { file, line: 1, column: schema.label.column },
        'label column is missing from the header; check --label',
      );
    }
    if (labelIndex >= 0 && options.label !== 'ignore') labels = new Float64Array(capacity);
  };
  const onRecord = (item: CsvRecord): void => {
    if (item.row > capacity) {
      capacity *= 2;
      matrix = grow(matrix, capacity * width);
      if (labels !== undefined) labels = grow(labels, capacity);
    }
    const base = (item.row - 1) * width;
    for (let feature = 0; feature < width; feature += 1) {
      const cell = item.cells[columnIndex[feature]];
      const value = encodeCell(cell, codes[feature], textAsMissing[feature], () => ({
        file,
        row: item.row,
        line: item.line,
        column: schema.features[feature].name,
      }));
      matrix[base + feature] = value;
      if (codes[feature] !== undefined && cell !== undefined) {
        const text = normalizeCell(cell);
        if (text !== null) {
          present[feature] += 1;
          if (Number.isNaN(value)) {
            if (unseen[feature] === 0) unseenExample[feature] = text;
            unseen[feature] += 1;
          }
        }
      }
    }
    if (labels !== undefined) {
      const value = encodeLabel(schema.label, item.cells[labelIndex]);
      if (value === undefined) {
        throw new TableError(
          { file, row: item.row, line: item.line, column: schema.label.column },
          `label value ${JSON.stringify(item.cells[labelIndex].trim())} is not one of the training file's label values`,
        );
      }
      labels[item.row - 1] = value;
    }
    rows = item.row;
  };
  await readCsv(file, { header: onHeader, record: onRecord });
  return {
    rows,
    features: width,
    matrix: matrix.length === rows * width ? matrix : matrix.slice(0, rows * width),
    labels: labels === undefined || labels.length === rows ? labels : labels.slice(0, rows),
    unseenCategories: schema.features.flatMap((feature, index) =>
      unseen[index] > 0
        ? [
            {
              column: feature.name,
              unseen: unseen[index],
              present: present[index],
              example: unseenExample[index],
            },
          ]
        : [],
    ),
  };
}

function encodeCell(
  cell: string,
  codes: Map<string, number> | undefined,
  textAsMissing: boolean,
  where: () => { file: string; row: number; line: number; column: string },
): number {
  const text = normalizeCell(cell);
  if (text === null) return Number.NaN;
  if (codes !== undefined) return codes.get(text) ?? Number.NaN;
  const value = parseNumericCell(text);
  if (value === undefined) {
    if (textAsMissing) return Number.NaN;
    throw new TableError(where(), `expected a number, found ${JSON.stringify(text)}`);
  }
  return value;
}

function grow(array: Float64Array, length: number): Float64Array {
  const bigger = new Float64Array(length);
  bigger.set(array);
  return bigger;
}
