import { readFile } from 'node:fs/promises';
import type { InputSchema } from '../io/input-schema.ts';
import { type Model, ModelFormatError } from '../io/model.ts';
import { parseLightGbmModel } from '../io/parse-lightgbm-model.ts';
import { CliError } from './cli-error.ts';

/** Reads and parses a model file; a file that is not a LightGBM model is bad input (exit 2). */
export async function readModelFile(file: string): Promise<Model> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read the model file (${code ?? String(error)}); check --model`);
  }
  try {
    return parseLightGbmModel(text);
  } catch (error) {
    if (error instanceof ModelFormatError) {
      throw new CliError(`${file}: not a LightGBM model: ${error.message}`);
    }
    throw error;
  }
}

/**
 * The raw-column mapping of a model. Models trained here carry one; a model trained by LightGBM
 * itself does not, so its CSV columns are found by the model's feature names and read as numbers
 * (categorical features as their integer codes, as LightGBM reads them).
 */
export function modelInputSchema(model: Model): InputSchema {
  if (model.inputSchema !== undefined) return model.inputSchema;
  return {
    features: model.featureNames.map((name) => ({ name, kind: 'numeric' as const, categories: [] })),
    label: { column: 'label' },
  };
}
