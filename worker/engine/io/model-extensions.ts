import type { InputSchema } from './input-schema.ts';
import { parseNumericCell } from './input-schema.ts';

/**
 * Where the input mapping lives in a LightGBM text model, and why there.
 *
 * LightGBM's C++ loader (GBDT::LoadModelFromString, used by the command line, the C API and therefore
 * the Python and R packages) reads every header line before `Tree=0` as `key=value` into a map and
 * only looks up the keys it knows, so an extra header key is ignored. The one hard rule: a header line
 * with more than one '=' is fatal ("Wrong line at model file") unless it is feature_names, so every
 * '=' inside our JSON is written as the JSON escape \u003d (JSON only has '=' inside strings).
 *
 * Next to it we write the Python package's own `pandas_categorical:` line as the file's last line:
 * the C++ loader never reads past `end of parameters`, and lightgbm.Booster reads that line to map a
 * pandas DataFrame's category columns to the same integer codes. So a data scientist who loads our
 * model in Python and passes a DataFrame with category columns gets our codes.
 */
export const INPUT_SCHEMA_KEY = 'leadscore_input_schema';

export function escapeSchemaJson(schema: InputSchema): string {
  return JSON.stringify(schema).replaceAll('=', '\\u003d');
}

/**
 * The `pandas_categorical` value for a schema: the category lists of the categorical features in
 * feature order, as pandas would hold them. Lists whose every value is a plain number are written as
 * numbers, because pandas reads such CSV columns as numeric categories.
 */
export function pandasCategoricalOf(schema: InputSchema): unknown[] {
  return schema.features
    .filter((feature) => feature.kind === 'categorical')
    .map((feature) => {
      const numbers = feature.categories.map((category) => parseNumericCell(category));
      const allNumbers = numbers.every(
        (value, index) => value !== undefined && String(value) === feature.categories[index],
      );
      return allNumbers ? numbers : feature.categories;
    });
}

/** JSON in Python's `json.dumps` default style (", " and ": " separators, non-ASCII escaped). */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`).join(', ')}}`;
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return JSON.stringify(value) ?? 'null';
}
