import { z } from 'zod';

/**
 * How raw records (CSV cells, CRM fields) become the numeric rows a model sees. It is saved inside the
 * model file (see format-lightgbm-model.ts), so a saved model can score raw records by itself.
 *
 * Encoding rules, chosen to match what LightGBM itself does with the same data:
 * - a cell that is null, undefined, empty or only spaces is missing (NaN);
 * - numeric: a plain decimal number ("12", "-3.5", "1e-3"); anything else is invalid input;
 * - categorical: the trimmed text is looked up in `categories` and its index is the code. A category
 *   the model never saw becomes NaN: LightGBM sends NaN and unseen codes to the right child of every
 *   category split, and its Python package maps unseen pandas categories to NaN the same way.
 */
export const InputFeatureSchema = z.object({
  /** The raw column / field name, exactly as in the source data. */
  name: z.string().min(1, 'a feature needs a column name'),
  kind: z.enum(['numeric', 'categorical']),
  /** Category for each integer code (code = index); empty for numeric features. */
  categories: z.array(z.string()),
  /** Numeric only: a cell that is not a number reads as missing instead of being refused (--numeric). */
  textAsMissing: z.boolean().optional(),
});

export const LabelRuleSchema = z.object({
  column: z.string().min(1, 'the label needs a column name'),
  /** The raw value meaning "converted". Without it, labels are 0/1 or true/false. */
  positive: z.string().optional(),
  /** The one other raw value, in canonical spelling, when `positive` is given. */
  negative: z.string().optional(),
});

export const InputSchemaSchema = z
  .object({
    features: z.array(InputFeatureSchema).min(1, 'a model needs at least one feature'),
    label: LabelRuleSchema,
  })
  .superRefine((schema, context) => {
    const seen = new Set<string>();
    schema.features.forEach((feature, index) => {
      if (seen.has(feature.name)) {
        context.addIssue({
          code: 'custom',
          path: ['features', index, 'name'],
          message: `column ${JSON.stringify(feature.name)} appears twice`,
        });
      }
      seen.add(feature.name);
      if (feature.kind === 'numeric' && feature.categories.length > 0) {
        context.addIssue({
          code: 'custom',
          path: ['features', index, 'categories'],
          message: 'a numeric feature has no categories',
        });
      }
      if (new Set(feature.categories).size !== feature.categories.length) {
        context.addIssue({
          code: 'custom',
          path: ['features', index, 'categories'],
          message: `feature ${JSON.stringify(feature.name)} lists a category twice`,
        });
      }
    });
  });

export type InputFeature = z.infer<typeof InputFeatureSchema>;
export type LabelRule = z.infer<typeof LabelRuleSchema>;
export type InputSchema = z.infer<typeof InputSchemaSchema>;

/** A raw cell as records carry it. */
export type RawCell = string | number | null | undefined;
export type RawRecord = Record<string, RawCell>;

/** Invalid input to a model: the message names the record and the column. */
export class InputEncodingError extends Error {
  override readonly name = 'InputEncodingError';
  constructor(
    message: string,
    readonly row: number,
    readonly column: string,
  ) {
    super(message);
  }
}

export interface InvalidCell {
  /** 0-based index of the record in the batch. */
  row: number;
  column: string;
  value: RawCell;
  reason: string;
}

export interface EncodeOptions {
  /**
   * Called for a cell the model cannot read (text in a numeric column); the cell is then treated as
   * missing. Without it such a cell throws InputEncodingError, so nothing bad passes silently.
   */
  onInvalidCell?: (cell: InvalidCell) => void;
}

/** Validates a schema read from a file or built by code; throws with every problem named. */
export function parseInputSchema(value: unknown): InputSchema {
  const result = InputSchemaSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`invalid input schema: ${problems.join('; ')}`);
  }
  return result.data;
}

/** A plain decimal number: no hex, no "Infinity", no thousands separators, so codes like "0x1" stay text. */
const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * How LightGBM, numpy and our own `--matrix-out` write a missing value; read as missing so a matrix
 * written by any of them comes back in. Other markers ("NA", "null", "unknown") stay text: in a
 * numeric column they are reported, in a categorical one they may be a real category.
 */
const NAN_MARKER = /^nan$/i;

/** The trimmed text of a cell, or null when the cell is missing (empty, or `nan` in any case). */
export function normalizeCell(cell: RawCell): string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'number') return Number.isNaN(cell) ? null : String(cell);
  const text = cell.trim();
  return text === '' || NAN_MARKER.test(text) ? null : text;
}

/** The number in a non-empty numeric cell, or undefined when it is not a plain decimal number. */
export function parseNumericCell(text: string): number | undefined {
  return NUMBER_PATTERN.test(text) ? Number(text) : undefined;
}

/** Category lookup tables for a schema, built once per batch (or once per model). */
export function categoryCodes(schema: InputSchema): (Map<string, number> | undefined)[] {
  return schema.features.map((feature) =>
    feature.kind === 'categorical'
      ? new Map(feature.categories.map((category, code) => [category, code]))
      : undefined,
  );
}

/**
 * Encodes raw records into the row-major matrix (records × features, in model feature order) that
 * predict and explain take. A record without a feature's key counts as missing there; use
 * `missingColumns` first to reject a source that lacks a column altogether.
 */
export function encodeRawRecords(
  schema: InputSchema,
  rows: readonly RawRecord[],
  options: EncodeOptions = {},
): Float64Array {
  const width = schema.features.length;
  const codes = categoryCodes(schema);
  const matrix = new Float64Array(rows.length * width);
  for (let row = 0; row < rows.length; row += 1) {
    const record = rows[row];
    const base = row * width;
    for (let feature = 0; feature < width; feature += 1) {
      const spec = schema.features[feature];
      const cell = record[spec.name];
      matrix[base + feature] = encodeCell(cell, codes[feature], () => {
        if (spec.textAsMissing === true) return;
        const reason = `expected a number, found ${JSON.stringify(cell)}`;
        if (options.onInvalidCell === undefined) {
          throw new InputEncodingError(
            `record ${row + 1}, column ${JSON.stringify(spec.name)}: ${reason}`,
            row,
            spec.name,
          );
        }
        options.onInvalidCell({ row, column: spec.name, value: cell, reason });
      });
    }
  }
  return matrix;
}

function encodeCell(cell: RawCell, codes: Map<string, number> | undefined, invalid: () => void): number {
  if (typeof cell === 'number' && codes === undefined) return cell;
  const text = normalizeCell(cell);
  if (text === null) return Number.NaN;
  if (codes !== undefined) return codes.get(text) ?? Number.NaN;
  const value = parseNumericCell(text);
  if (value === undefined) {
    invalid();
    return Number.NaN;
  }
  return value;
}

/** Schema columns absent from a source's column list (a CSV header, a CRM field list). */
export function missingColumns(schema: InputSchema, columns: readonly string[]): string[] {
  const present = new Set(columns);
  return schema.features.map((feature) => feature.name).filter((name) => !present.has(name));
}

/**
 * The label of a raw cell as 0/1, or undefined when the cell is not a label value the rule accepts
 * (missing, or a third value). Spellings are compared canonically: "1", "1.0" and " 1" are one value.
 */
export function encodeLabel(rule: LabelRule, cell: RawCell): 0 | 1 | undefined {
  const text = normalizeCell(cell);
  if (text === null) return undefined;
  const canonical = canonicalLabel(text);
  if (rule.positive !== undefined) {
    if (canonical === canonicalLabel(rule.positive)) return 1;
    if (rule.negative === undefined || canonical === canonicalLabel(rule.negative)) return 0;
    return undefined;
  }
  if (canonical === 'true' || canonical === '1') return 1;
  if (canonical === 'false' || canonical === '0') return 0;
  return undefined;
}

/** A label value in canonical spelling: numbers by value, true/false in lower case, other text as is. */
export function canonicalLabel(text: string): string {
  const trimmed = text.trim();
  const value = parseNumericCell(trimmed);
  if (value !== undefined) return String(value);
  const lower = trimmed.toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : trimmed;
}

/**
 * Feature names as LightGBM accepts them in `feature_names=` (space separated, no JSON special
 * characters, unique). The raw names stay in the input schema; these are only the file's labels.
 */
export function lightGbmFeatureNames(rawNames: readonly string[]): string[] {
  const used = new Set<string>();
  return rawNames.map((raw) => {
    const base = raw.replace(/[\s"',:[\]{}=]/g, '_') || 'feature';
    let name = base;
    for (let suffix = 2; used.has(name); suffix += 1) name = `${base}_${suffix}`;
    used.add(name);
    return name;
  });
}
