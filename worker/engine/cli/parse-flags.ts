import { parseArgs } from 'node:util';
import { CliError } from './cli-error.ts';

export type FlagSpec = Record<string, { type: 'string' | 'boolean' }>;
export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * node:util parseArgs with errors rewritten as one line that names the command and the flag, and
 * with repeated or positional arguments refused (a stray word is almost always a typo).
 */
export function parseFlags(command: string, args: string[], spec: FlagSpec): FlagValues {
  try {
    const { values } = parseArgs({ args, options: spec, strict: true, allowPositionals: false });
    return values as FlagValues;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`leadscore ${command}: ${message.replace(/\s*To specify a positional.*$/, '')}`);
  }
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
