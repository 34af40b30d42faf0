import { encodeTable, type UnseenCategories } from '../data/encode-table.ts';
import type { InputSchema } from '../io/input-schema.ts';
import { predictRaw, rawToProbability } from '../predict/predict.ts';
import { checkOutputPath } from './check-output-path.ts';
import { explainRows } from './explain-rows.ts';
import { readIdColumn } from './id-column.ts';
import { modelInputSchema, readModelFile } from './model-file.ts';
import type { PredictArgs } from './predict-args.ts';
import { topFactors } from './top-factors.ts';
import { type OutputColumn, writeNumberTable } from './write-number-table.ts';

export interface PredictSummary {
  rows: number;
  features: number;
}

/**
 * Scores a CSV with a saved model: one output row per input row, in input order. With `contrib`,
 * the exact SHAP contribution of every feature follows (`contrib_<feature>`), then the expected raw
 * score (LightGBM's predict_contrib layout), so each row's contributions add up to its raw score.
 * `note` receives lines for stderr (which id column was picked).
 */
export async function runPredict(
  args: PredictArgs,
  note: (line: string) => void = () => {},
): Promise<PredictSummary> {
  checkOutputPath('predict', 'out', args.outFile);
  if (args.matrixOutFile !== undefined) checkOutputPath('predict', 'matrix-out', args.matrixOutFile);
  const model = await readModelFile(args.modelFile);
  const schema = modelInputSchema(model);
  const table = await encodeTable(args.dataFile, schema, { label: 'ignore' });
  const ids = await readIdColumn(args.dataFile, args.idColumn, schema.label.column);
  if (ids !== undefined && args.idColumn === undefined) {
    note(
      `note: copying column ${JSON.stringify(ids.column)} into the output as the row id; use --id-column to choose another, or --id-column none`,
    );
  }
  for (const warning of unseenCategoryWarnings(table.unseenCategories)) note(warning);
  const raw = predictRaw(model, table.matrix);
  const probability = rawToProbability(model, raw);
  const columns: OutputColumn[] = [];
  if (ids !== undefined) columns.push({ name: ids.column, text: (row) => ids.values[row] ?? '' });
  columns.push(
    { name: 'probability', value: (row) => probability[row] },
    { name: 'raw_score', value: (row) => raw[row] },
  );
  if (args.contrib || args.top > 0) {
    const width = table.features + 1;
    const contributions = await explainRows(model, table.matrix);
    if (args.contrib) {
      const names = [...schema.features.map((feature) => `contrib_${feature.name}`), 'expected_raw_score'];
      names.forEach((name, column) => {
        columns.push({ name, value: (row) => contributions[row * width + column] });
      });
    }
    if (args.top > 0) columns.push(...factorColumns(schema, table.matrix, contributions, args.top));
  }
  await writeNumberTable(args.outFile, table.rows, columns, { header: true });
  if (args.matrixOutFile !== undefined) {
    const width = table.features;
    const matrixColumns = schema.features.map((feature, column) => ({
      name: feature.name,
      value: (row: number) => table.matrix[row * width + column],
    }));
    await writeNumberTable(args.matrixOutFile, table.rows, matrixColumns, { header: true });
  }
  return { rows: table.rows, features: table.features };
}

function factorColumns(
  schema: InputSchema,
  matrix: Float64Array,
  contributions: Float64Array,
  top: number,
): OutputColumn[] {
  // Computed row by row as the writer asks, so only one row's factors are held at a time.
  let cachedRow = -1;
  let cached: string[] = [];
  const factorsOf = (row: number): string[] => {
    if (row !== cachedRow) {
      cached = topFactors(schema, matrix, contributions, row, top);
      cachedRow = row;
    }
    return cached;
  };
  return Array.from({ length: top }, (_, index) => ({
    name: `factor_${index + 1}`,
    text: (row: number) => factorsOf(row)[index] ?? '',
  }));
}

/**
 * A few categories the model never saw are normal (new job titles); most of a column unseen means the
 * wrong file, or codes where the model expects the raw text (a `--matrix-out` file fed back in).
 */
export function unseenCategoryWarnings(columns: readonly UnseenCategories[]): string[] {
  return columns
    .filter(({ unseen, present }) => unseen > present / 2)
    .map(
      ({ column, unseen, present, example }) =>
        `warning: column \`${column}\`: ${unseen.toLocaleString('en-US')} of ${present.toLocaleString('en-US')} values never appeared in training (e.g. ${JSON.stringify(example)}); they score as missing. The model reads the raw export's text, not category codes`,
    );
}
