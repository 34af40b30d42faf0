import type { InputSchema } from '../io/input-schema.ts';
import { encodeTable } from './encode-table.ts';
import { inferTableSchema, type TableOptions } from './infer-table-schema.ts';

export interface TrainingTable {
  schema: InputSchema;
  rows: number;
  features: number;
  /** Rows × features, row-major. */
  matrix: Float64Array;
  labels: Float64Array;
  /** Column warnings from reading the file (see infer-table-schema.ts), one line each. */
  warnings: string[];
}

/**
 * Loads a training CSV in two streaming passes (types and categories first, then values), so the
 * only large allocation is the numeric matrix itself.
 */
export async function loadTrainingTable(file: string, options: TableOptions): Promise<TrainingTable> {
  const inferred = await inferTableSchema(file, options);
  const encoded = await encodeTable(file, inferred.schema, {
    label: 'required',
    expectedRows: inferred.rows,
  });
  return {
    schema: inferred.schema,
    rows: encoded.rows,
    features: encoded.features,
    matrix: encoded.matrix,
    labels: encoded.labels ?? new Float64Array(encoded.rows),
    warnings: inferred.warnings,
  };
}
