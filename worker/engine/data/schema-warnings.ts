/**
 * The rules and the wording of the warnings a training file's columns can raise: a numeric column
 * with a few text cells, and a text column that is an identifier rather than a feature.
 *
 * Row numbers follow the convention of every table message: `row N` is the N-th data row (the header
 * is not counted) and `line M` the line in the file as an editor numbers it (the header is line 1;
 * a quoted value spanning lines makes them differ by more than one).
 */

export const MAX_TEXT_EXAMPLES = 3;
/** A column whose non-empty values are at least this share numbers is a numeric column with typos. */
const MOSTLY_NUMERIC = 0.95;
/** A text column with more than this share of distinct values names rows, it does not describe them. */
const IDENTIFIER_DISTINCT = 0.95;
/** Below this many values, "nearly all distinct" says nothing (a tiny file's every column is). */
const IDENTIFIER_MIN_VALUES = 20;

export interface TextCell {
  row: number;
  line: number;
  text: string;
}

export function isMostlyNumeric(column: { values: number; textCount: number }): boolean {
  return column.values > 0 && column.values - column.textCount >= MOSTLY_NUMERIC * column.values;
}

export function isIdentifierLike(values: number, distinct: number): boolean {
  return values >= IDENTIFIER_MIN_VALUES && distinct > IDENTIFIER_DISTINCT * values;
}

/** `--numeric "Total Visits"` as a shell would need it. */
function flagValue(name: string): string {
  return /^[\w.-]+$/.test(name) ? name : JSON.stringify(name);
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function describeTextInNumbers(
  column: { name: string; values: number; textCount: number; textExamples: TextCell[] },
  forcedNumeric: boolean,
): string {
  const { name, values, textCount, textExamples } = column;
  const examples = textExamples.map(
    (cell) => `row ${cell.row}, line ${cell.line}: ${JSON.stringify(cell.text)}`,
  );
  const more = textCount > textExamples.length ? '; ...' : '';
  const noun = textCount === 1 ? 'values is not a number' : 'values are not numbers';
  const found = `column \`${name}\`: ${count(textCount)} of ${count(values)} ${noun} (${examples.join('; ')}${more})`;
  if (forcedNumeric) return `${found}; read as missing (--numeric)`;
  return `${found}; treated as categorical; use --numeric ${flagValue(name)} to force numbers and read the rest as missing`;
}

/** `distinct` is undefined when counting stopped at `limit` distinct values. */
export function describeIdentifierColumn(
  name: string,
  values: number,
  distinct: number | undefined,
  limit: number,
): string {
  const share =
    distinct === undefined
      ? `more than ${count(limit)} distinct values in ${count(values)}`
      : `${count(distinct)} of ${count(values)} values are distinct`;
  return `column \`${name}\`: ${share} (an id or an email?); left out of the model; use --keep ${flagValue(name)} to keep it as a categorical feature`;
}
