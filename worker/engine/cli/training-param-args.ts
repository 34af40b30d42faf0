import path from 'node:path';
import {
  closestKey,
  type IoKey,
  type KeyMeaning,
  lookupKey,
  TRAINING_PARAM_ALIASES,
} from '../params/lightgbm-param-names.ts';
import {
  describeAllowed,
  describeParam,
  paramValueSpec,
  parseTrainingParams,
  type TrainingParamName,
  type TrainingParams,
  TrainingParamsError,
  trainingParamNames,
} from '../params/training-params.ts';
import { CliError } from './cli-error.ts';
import { type FlagSpec, type FlagValues, numberFlag, optionalString } from './parse-flags.ts';
import { readConfigFile } from './read-config-file.ts';

/**
 * The training parameters of a command line, from three sources: convenience flags
 * (`--iterations 300`), `--param name=value` (any LightGBM name or alias, repeatable) and a LightGBM
 * config file (`--config train.conf`). Flags win over `--param`, which wins over the config file.
 * Every command that trains (train, backtest) reads its parameters through this module.
 */

/** Convenience flags and the parameter each one sets. */
export const TRAINING_PARAM_FLAGS: readonly { flag: string; param: TrainingParamName }[] = [
  { flag: 'iterations', param: 'num_iterations' },
  { flag: 'learning-rate', param: 'learning_rate' },
  { flag: 'num-leaves', param: 'num_leaves' },
  { flag: 'max-depth', param: 'max_depth' },
  { flag: 'min-data-in-leaf', param: 'min_data_in_leaf' },
  { flag: 'max-bin', param: 'max_bin' },
  { flag: 'lambda-l1', param: 'lambda_l1' },
  { flag: 'lambda-l2', param: 'lambda_l2' },
  { flag: 'feature-fraction', param: 'feature_fraction' },
  { flag: 'bagging-fraction', param: 'bagging_fraction' },
  { flag: 'bagging-freq', param: 'bagging_freq' },
  { flag: 'seed', param: 'seed' },
  { flag: 'early-stopping', param: 'early_stopping_round' },
];

export const DEFAULT_MAX_MODEL_MB = 1024;

export const TRAINING_PARAM_FLAG_SPEC: FlagSpec = {
  param: { type: 'string', multiple: true },
  config: { type: 'string' },
  'max-model-mb': { type: 'string' },
  ...Object.fromEntries(TRAINING_PARAM_FLAGS.map(({ flag }) => [flag, { type: 'string' as const }])),
};

export interface ResolvedTrainingParams {
  params: TrainingParams;
  /** One line each, without the `warning: ` prefix, to print before training starts. */
  warnings: string[];
  /** The config file's file keys (paths resolved against the config file's folder). */
  io: { data?: string; validData?: string; outputModel?: string; label?: string };
  /** Largest model (MB, estimated before training) the command accepts. */
  maxModelMb: number;
}

type ParamValue = number | boolean | string;

interface Setting {
  value: ParamValue;
  /** Where the value came from, as the user wrote it: `--num-leaves`, `--param num_leaf=7`, `train.conf, line 3 (num_leaf)`. */
  origin: string;
}

interface Source {
  params: Map<TrainingParamName, Setting>;
  io: Map<IoKey, Setting>;
}

export function resolveTrainingParams(command: string, values: FlagValues): ResolvedTrainingParams {
  const warnings: string[] = [];
  const configFile = optionalString(values, 'config');
  const config = configFile === undefined ? emptySource() : configSource(command, configFile, warnings);
  const params = paramSource(command, stringList(values.param), warnings);
  const flags = flagSource(command, values);

  const merged = new Map<TrainingParamName, Setting>([...config.params, ...params.params, ...flags.params]);
  const raw: Partial<Record<TrainingParamName, ParamValue>> = {};
  for (const [name, setting] of merged) raw[name] = setting.value;
  let parsed: TrainingParams;
  try {
    parsed = parseTrainingParams(raw);
  } catch (error) {
    if (!(error instanceof TrainingParamsError)) throw error;
    const origin = merged.get(error.parameter as TrainingParamName)?.origin;
    throw new CliError(`leadscore ${command}: ${origin === undefined ? '' : `${origin}: `}${error.message}`);
  }
  if (parsed.learning_rate > 1) {
    warnings.push(
      `learning_rate ${parsed.learning_rate} is above 1: each tree overshoots the correction it learned and training usually diverges; values from 0.01 to 0.3 are usual`,
    );
  }

  const io: ResolvedTrainingParams['io'] = {};
  const ioMerged = new Map([...config.io, ...params.io]);
  const text = (key: IoKey): string | undefined => {
    const value = ioMerged.get(key)?.value;
    return typeof value === 'string' ? value : undefined;
  };
  const data = text('data');
  const validData = text('valid');
  const outputModel = text('output_model');
  const label = text('label_column');
  if (data !== undefined) io.data = data;
  if (validData !== undefined) io.validData = validData;
  if (outputModel !== undefined) io.outputModel = outputModel;
  if (label !== undefined) io.label = label;

  const maxModelMb = numberFlag(command, values, 'max-model-mb', 'float') ?? DEFAULT_MAX_MODEL_MB;
  if (!(maxModelMb > 0)) {
    throw new CliError(`leadscore ${command}: --max-model-mb must be a number > 0, got ${maxModelMb}`);
  }
  return { params: parsed, warnings, io, maxModelMb };
}

function emptySource(): Source {
  return { params: new Map(), io: new Map() };
}

function stringList(value: FlagValues[string]): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return typeof value === 'string' ? [value] : value;
}

function flagSource(command: string, values: FlagValues): Source {
  const source = emptySource();
  for (const { flag, param } of TRAINING_PARAM_FLAGS) {
    const kind = paramValueSpec(param).kind === 'int' ? 'int' : 'float';
    const value = numberFlag(command, values, flag, kind);
    if (value !== undefined) source.params.set(param, { value, origin: `--${flag}` });
  }
  return source;
}

function paramSource(command: string, items: string[], warnings: string[]): Source {
  const source = emptySource();
  for (const item of items) {
    const equals = item.indexOf('=');
    const key = equals < 0 ? '' : item.slice(0, equals).trim();
    if (key === '') {
      throw new CliError(`leadscore ${command}: --param expects name=value, got ${JSON.stringify(item)}`);
    }
    const value = item.slice(equals + 1).trim();
    const origin = `--param ${item}`;
    const where = `leadscore ${command}: ${origin}`;
    const duplicate = `leadscore ${command}: --param`;
    addEntry(source, { key, value, where, origin, duplicate }, warnings, (file) => file);
  }
  return source;
}

function configSource(command: string, file: string, warnings: string[]): Source {
  const source = emptySource();
  const folder = path.dirname(file);
  for (const entry of readConfigFile(command, file)) {
    const where = `${file}, line ${entry.line}`;
    addEntry(
      source,
      { key: entry.key, value: entry.value, where, origin: `${where} (${entry.key})`, duplicate: file },
      warnings,
      (relative) => path.resolve(folder, relative),
    );
  }
  return source;
}

interface Entry {
  key: string;
  value: string;
  /** Location for messages: `train.conf, line 3` or `--param num_leaf=7`. */
  where: string;
  origin: string;
  /** Name of the source in a "set twice" message. */
  duplicate: string;
}

function addEntry(
  source: Source,
  entry: Entry,
  warnings: string[],
  resolvePath: (file: string) => string,
): void {
  const meaning = lookupKey(entry.key);
  if (meaning === undefined) {
    const suggestion = closestKey(entry.key);
    throw new CliError(
      `${entry.where}: unknown parameter ${JSON.stringify(entry.key)}${suggestion === undefined ? '' : `; did you mean ${JSON.stringify(suggestion)}?`}`,
    );
  }
  applyMeaning(source, entry, meaning, warnings, resolvePath);
}

function applyMeaning(
  source: Source,
  entry: Entry,
  meaning: KeyMeaning,
  warnings: string[],
  resolvePath: (file: string) => string,
): void {
  const { key, value, where } = entry;
  switch (meaning.kind) {
    case 'param': {
      const converted = convertValue(meaning.name, value, where, warnings);
      if (converted === undefined) return;
      setOnce(source.params, meaning.name, { value: converted, origin: entry.origin }, entry);
      return;
    }
    case 'io': {
      if (value === '') return;
      const text = meaning.name === 'label_column' ? labelColumnName(value, where) : resolvePath(value);
      setOnce(source.io, meaning.name, { value: text, origin: entry.origin }, entry);
      return;
    }
    case 'fixed':
      if (!meaning.accepted.includes(value.toLowerCase())) {
        throw new CliError(
          `${where}: ${key} = ${value} is not supported; this engine only does ${meaning.name} = ${meaning.accepted[0]}`,
        );
      }
      return;
    case 'ignored':
      warnings.push(`${where}: ${key} is ignored: ${meaning.reason}`);
      return;
    case 'unsupported':
      throw new CliError(
        `${where}: ${key} is a LightGBM parameter this engine does not implement${meaning.hint === undefined ? '' : ` (${meaning.hint})`}; remove it`,
      );
  }
}

function setOnce<K>(map: Map<K, Setting>, name: K, setting: Setting, entry: Entry): void {
  const previous = map.get(name);
  if (previous !== undefined) {
    throw new CliError(
      `${entry.duplicate}: ${String(name)} is set twice (${previous.origin} and ${entry.origin}); keep one`,
    );
  }
  map.set(name, setting);
}

/** LightGBM's `label_column` is `name:<column>` or a column index; only names make sense for CSV headers. */
function labelColumnName(value: string, where: string): string {
  if (value.startsWith('name:')) return value.slice('name:'.length);
  if (/^\d+$/.test(value)) {
    throw new CliError(
      `${where}: label_column = ${value} is a column index; name the column instead (label_column = name:<column>) or use --label`,
    );
  }
  return value;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** LightGBM's metric names for the metrics implemented here (`binary` is its alias of binary_logloss). */
const METRIC_NAMES: Record<string, string> = {
  binary_logloss: 'binary_logloss',
  binary: 'binary_logloss',
  auc: 'auc',
};

/**
 * A config or `--param` value as the parameter's type, or undefined when the value means "default"
 * (an empty metric). A value of the wrong type names the key and where it was written.
 */
function convertValue(
  name: TrainingParamName,
  value: string,
  where: string,
  warnings: string[],
): ParamValue | undefined {
  const spec = paramValueSpec(name);
  const wrong = (): CliError =>
    new CliError(`${where}: ${name} must be ${describeAllowed(name)}, got ${JSON.stringify(value)}`);
  switch (spec.kind) {
    case 'int':
      if (!INTEGER.test(value)) throw wrong();
      return Number(value);
    case 'float':
      if (!NUMBER.test(value)) throw wrong();
      return Number(value);
    case 'boolean': {
      // LightGBM's spellings: true/+ and false/-.
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === '+') return true;
      if (lower === 'false' || lower === '-') return false;
      throw wrong();
    }
    case 'enum': {
      if (name !== 'metric') return value;
      const names = value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
      if (names.length === 0) return undefined;
      const metrics = names.map((metric) => METRIC_NAMES[metric]);
      if (metrics.some((metric) => metric === undefined)) throw wrong();
      if (names.length > 1) {
        warnings.push(
          `${where}: metric lists ${names.length} metrics; only the first (${metrics[0]}) is tracked during training, and the report has AUC, PR AUC and log loss in any case`,
        );
      }
      return metrics[0];
    }
  }
}

/** The help text for the training parameters, shared by every command that trains. */
export const TRAINING_PARAM_HELP = buildHelp();

function buildHelp(): string {
  const lines = [
    'Training parameters (flags win over --param, which wins over --config):',
    ...TRAINING_PARAM_FLAGS.map(({ flag, param }) => {
      const spec = paramValueSpec(param);
      return `  ${`--${flag} ${spec.kind === 'int' ? 'N' : 'X'}`.padEnd(24)}${param}: default ${String(spec.default)}; ${describeAllowed(param)}`;
    }),
    `  ${'--param NAME=VALUE'.padEnd(24)}any parameter below by its LightGBM name or alias; repeatable`,
    `  ${'--config FILE'.padEnd(24)}a LightGBM config file: "key = value" lines, # comments; its data, valid_data,`,
    `  ${''.padEnd(24)}output_model and label_column keys stand for --train, --test, --model and --label`,
    `  ${''.padEnd(24)}(paths relative to the config file's folder)`,
    `  ${'--max-model-mb MB'.padEnd(24)}refuse to start when the model could grow past this size; default ${DEFAULT_MAX_MODEL_MB}; a number > 0`,
    '',
    'Parameters (LightGBM name, default, allowed values, aliases):',
  ];
  for (const name of trainingParamNames) {
    const spec = paramValueSpec(name);
    const aliases = TRAINING_PARAM_ALIASES[name] ?? [];
    lines.push(
      `  ${name} = ${String(spec.default)}  (${describeAllowed(name)})${aliases.length === 0 ? '' : `; aliases: ${aliases.join(', ')}`}`,
    );
    lines.push(`      ${describeParam(name)}`);
  }
  return lines.join('\n');
}
