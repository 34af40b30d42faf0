import { encodeTable } from '../data/encode-table.ts';
import { predictRaw, rawToProbability } from '../predict/predict.ts';
import { explainRows } from './explain-rows.ts';
import { modelInputSchema, readModelFile } from './model-file.ts';
import type { PredictArgs } from './predict-args.ts';
import { type OutputColumn, writeNumberTable } from './write-number-table.ts';

export interface PredictSummary {
  rows: number;
  features: number;
}

/**
 * Scores a CSV with a saved model: one output row per input row, in input order. With `contrib`,
 * the exact SHAP contribution of every feature follows, then the expected value (LightGBM's
 * predict_contrib layout), so each row's contributions add up to its raw score.
 */
export async function runPredict(args: PredictArgs): Promise<PredictSummary> {
  const model = await readModelFile(args.modelFile);
  const schema = modelInputSchema(model);
  const table = await encodeTable(args.dataFile, schema, { label: 'ignore' });
  const raw = predictRaw(model, table.matrix);
  const probability = rawToProbability(model, raw);
  const columns: OutputColumn[] = [
    { name: 'probability', value: (row) => probability[row] },
    { name: 'raw_score', value: (row) => raw[row] },
  ];
  if (args.contrib) {
    const width = table.features + 1;
    const contributions = await explainRows(model, table.matrix);
    const names = [...schema.features.map((feature) => feature.name), 'expected_value'];
    names.forEach((name, column) => {
      columns.push({ name, value: (row) => contributions[row * width + column] });
    });
  }
  await writeNumberTable(args.outFile, table.rows, columns, { header: true });
  if (args.matrixOutFile !== undefined) {
    const width = table.features;
    const matrixColumns = schema.features.map((feature, column) => ({
      name: feature.name,
      value: (row: number) => table.matrix[row * width + column],
    }));
    await writeNumberTable(args.matrixOutFile, table.rows, matrixColumns, { header: false });
  }
  return { rows: table.rows, features: table.features };
}
