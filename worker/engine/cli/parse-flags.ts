import { parseArgs } from 'node:util';
import { CliError } from './cli-error.ts';

/** A flag: a string value or a switch; `multiple` lets a string flag repeat (`--param a=1 --param b=2`). */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** A value that starts with a minus sign but is a number, not a flag: `-1`, `-0.5`, `-.5`, `-1e3`. */
const NEGATIVE_NUMBER = /^-(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * node:util parseArgs with errors rewritten as one line that names the command and the flag, and
 * with positional arguments refused (a stray word is almost always a typo). A negative number after
 * a string flag is that flag's value (`--learning-rate -1`), so the range check can name it.
 */
export function parseFlags(command: string, args: string[], spec: FlagSpec): FlagValues {
  try {
    const { values } = parseArgs({
      args: joinNegativeValues(args, spec),
      options: spec,
      strict: true,
      allowPositionals: false,
    });
    return values as FlagValues;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`leadscore ${command}: ${message.replace(/\s*To specify a positional.*$/, '')}`);
  }
}

/** Rewrites `--flag -1` as `--flag=-1` for string flags, which parseArgs would call ambiguous. */
function joinNegativeValues(args: string[], spec: FlagSpec): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const next = args[index + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (
      name !== undefined &&
      spec[name]?.type === 'string' &&
      next !== undefined &&
      NEGATIVE_NUMBER.test(next)
    ) {
      joined.push(`${arg}=${next}`);
      index += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

export function requiredString(command: string, values: FlagValues, flag: string): string {
  const value = values[flag];
  if (typeof value !== 'string' || value === '') {
    throw new CliError(`leadscore ${command}: --${flag} is required`);
  }
  return value;
}

export function optionalString(values: FlagValues, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
}

/** A comma-separated list of column names; spaces around commas are part of no column name. */
export function columnList(command: string, values: FlagValues, flag: string): string[] {
  const value = optionalString(values, flag);
  if (value === undefined) return [];
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new CliError(
      `leadscore ${command}: --${flag} has an empty column name in ${JSON.stringify(value)}`,
    );
  }
  return names;
}

/** A number flag; the range is checked by whoever knows it (the training parameters). */
export function numberFlag(
  command: string,
  values: FlagValues,
  flag: string,
  kind: 'int' | 'float',
): number | undefined {
  const value = optionalString(values, flag);
  if (value === undefined) return undefined;
  const number = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(value.trim())
    ? Number(value)
    : Number.NaN;
  if (Number.isNaN(number) || (kind === 'int' && !Number.isInteger(number))) {
    throw new CliError(
      `leadscore ${command}: --${flag} must be ${kind === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}
