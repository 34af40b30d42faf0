import type { TableOptions } from '../data/infer-table-schema.ts';
import type { TrainingParams } from '../params/training-params.ts';
import { CliError } from './cli-error.ts';
import { columnList, type FlagSpec, numberFlag, optionalString, parseFlags } from './parse-flags.ts';
import {
  resolveTrainingParams,
  TRAINING_PARAM_FLAG_SPEC,
  TRAINING_PARAM_HELP,
} from './training-param-args.ts';

export interface TrainArgs {
  trainFile: string;
  testFile: string | undefined;
  modelFile: string;
  reportFile: string | undefined;
  table: TableOptions;
  params: TrainingParams;
  /** Share of the training rows held out for early stopping (with --early-stopping). */
  validFraction: number | undefined;
  /** Largest model (MB, estimated from iterations × leaves) that training may produce. */
  maxModelMb: number;
  /** Warnings about the parameters, printed before training starts. */
  warnings: string[];
  quiet: boolean;
}

export const TRAIN_USAGE =
  'leadscore train --train <csv> [--test <csv>] --label <column> [--positive <value>] [--drop <c1,c2>] ' +
  '[--categorical <c1,c2>] [--numeric <c1,c2>] [--keep <c1,c2>] [--iterations N] [--learning-rate R] ' +
  '[--num-leaves L] [--param name=value ...] [--config <file>] [--early-stopping N --valid-fraction F] ' +
  '--model <out.txt> [--report <out.json>]';

export const TRAIN_HELP = [
  'usage:',
  `  ${TRAIN_USAGE}`,
  '',
  'Trains a binary model on a CSV file (header line, one row per lead) and writes it as a LightGBM text model.',
  '',
  'Data and output:',
  '  --train FILE            training CSV (or data = in --config); required',
  '  --test FILE             CSV to measure the model on (or valid_data = in --config); default: the training rows',
  '  --label COLUMN          the 0/1 (or true/false) column to predict (or label_column = name:<column>); required',
  '  --positive VALUE        the label value meaning "converted", for a text label',
  '  --drop C1,C2            columns to leave out',
  '  --categorical C1,C2     columns to read as categories even when they hold numbers',
  '  --numeric C1,C2         columns to read as numbers even when a few cells are text (those become missing)',
  '  --keep C1,C2            text columns to keep even when nearly every value is distinct (ids, emails are left out)',
  '  --valid-fraction F      share of the training rows held out for --early-stopping; a number > 0 and < 1',
  '  --model FILE            where to write the model (or output_model = in --config); required',
  '  --report FILE           where to write the metrics as JSON',
  '  --quiet                 no progress bar',
  '  --help, -h              this text',
  '',
  TRAINING_PARAM_HELP,
].join('\n');

export const TRAIN_FLAG_SPEC: FlagSpec = {
  train: { type: 'string' },
  test: { type: 'string' },
  label: { type: 'string' },
  positive: { type: 'string' },
  drop: { type: 'string' },
  categorical: { type: 'string' },
  numeric: { type: 'string' },
  keep: { type: 'string' },
  'valid-fraction': { type: 'string' },
  model: { type: 'string' },
  report: { type: 'string' },
  quiet: { type: 'boolean' },
  ...TRAINING_PARAM_FLAG_SPEC,
};

export function parseTrainArgs(args: string[]): TrainArgs {
  const values = parseFlags('train', args, TRAIN_FLAG_SPEC);
  const resolved = resolveTrainingParams('train', values);
  const required = (flag: string, fromConfig: string | undefined): string => {
    const value = optionalString(values, flag) ?? fromConfig;
    if (value === undefined || value === '') throw new CliError(`leadscore train: --${flag} is required`);
    return value;
  };
  const positive = optionalString(values, 'positive');
  const table: TableOptions = {
    label: required('label', resolved.io.label),
    drop: columnList('train', values, 'drop'),
    categorical: columnList('train', values, 'categorical'),
    numeric: columnList('train', values, 'numeric'),
    keep: columnList('train', values, 'keep'),
    ...(positive === undefined ? {} : { positive }),
  };
  const validFraction = numberFlag('train', values, 'valid-fraction', 'float');
  if (resolved.params.early_stopping_round > 0 && validFraction === undefined) {
    throw new CliError(
      'leadscore train: --early-stopping needs --valid-fraction F (the share of rows to validate on)',
    );
  }
  if (validFraction !== undefined && !(validFraction > 0 && validFraction < 1)) {
    throw new CliError(
      `leadscore train: --valid-fraction must be between 0 and 1 (exclusive), got ${validFraction}`,
    );
  }
  return {
    trainFile: required('train', resolved.io.data),
    testFile: optionalString(values, 'test') ?? resolved.io.validData,
    modelFile: required('model', resolved.io.outputModel),
    reportFile: optionalString(values, 'report'),
    table,
    params: resolved.params,
    validFraction,
    maxModelMb: resolved.maxModelMb,
    warnings: resolved.warnings,
    quiet: values.quiet === true,
  };
}
