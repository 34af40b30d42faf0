import type { TableOptions } from '../data/infer-table-schema.ts';
import {
  parseTrainingParams,
  type TrainingParamName,
  type TrainingParams,
  TrainingParamsError,
} from '../params/training-params.ts';
import { CliError } from './cli-error.ts';
import { columnList, numberFlag, optionalString, parseFlags, requiredString } from './parse-flags.ts';

export interface TrainArgs {
  trainFile: string;
  testFile: string | undefined;
  modelFile: string;
  reportFile: string | undefined;
  table: TableOptions;
  params: TrainingParams;
  /** Share of the training rows held out for early stopping (with --early-stopping). */
  validFraction: number | undefined;
  quiet: boolean;
}

/** Command-line flags that map onto a training parameter, with the kind of number each takes. */
const PARAM_FLAGS: { flag: string; param: TrainingParamName; kind: 'int' | 'float' }[] = [
  { flag: 'iterations', param: 'num_iterations', kind: 'int' },
  { flag: 'learning-rate', param: 'learning_rate', kind: 'float' },
  { flag: 'num-leaves', param: 'num_leaves', kind: 'int' },
  { flag: 'min-data-in-leaf', param: 'min_data_in_leaf', kind: 'int' },
  { flag: 'max-bin', param: 'max_bin', kind: 'int' },
  { flag: 'seed', param: 'seed', kind: 'int' },
  { flag: 'early-stopping', param: 'early_stopping_round', kind: 'int' },
];

export const TRAIN_USAGE =
  'leadscore train --train <csv> [--test <csv>] --label <column> [--positive <value>] [--drop <c1,c2>] ' +
  '[--categorical <c1,c2>] [--iterations N] [--learning-rate R] [--num-leaves L] [--min-data-in-leaf M] ' +
  '[--max-bin B] [--seed S] [--early-stopping N --valid-fraction F] --model <out.txt> [--report <out.json>]';

export function parseTrainArgs(args: string[]): TrainArgs {
  const values = parseFlags('train', args, {
    train: { type: 'string' },
    test: { type: 'string' },
    label: { type: 'string' },
    positive: { type: 'string' },
    drop: { type: 'string' },
    categorical: { type: 'string' },
    'valid-fraction': { type: 'string' },
    model: { type: 'string' },
    report: { type: 'string' },
    quiet: { type: 'boolean' },
    ...Object.fromEntries(PARAM_FLAGS.map(({ flag }) => [flag, { type: 'string' as const }])),
  });
  const positive = optionalString(values, 'positive');
  const table: TableOptions = {
    label: requiredString('train', values, 'label'),
    drop: columnList('train', values, 'drop'),
    categorical: columnList('train', values, 'categorical'),
    ...(positive === undefined ? {} : { positive }),
  };
  const raw: Partial<Record<TrainingParamName, number>> = {};
  for (const { flag, param, kind } of PARAM_FLAGS) {
    const value = numberFlag('train', values, flag, kind);
    if (value !== undefined) raw[param] = value;
  }
  const validFraction = numberFlag('train', values, 'valid-fraction', 'float');
  const earlyStopping = raw.early_stopping_round ?? 0;
  if (earlyStopping > 0 && validFraction === undefined) {
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
    trainFile: requiredString('train', values, 'train'),
    testFile: optionalString(values, 'test'),
    modelFile: requiredString('train', values, 'model'),
    reportFile: optionalString(values, 'report'),
    table,
    params: trainingParams(raw),
    validFraction,
    quiet: values.quiet === true,
  };
}

/** Validates the flag values as training parameters, naming the flag the user typed on error. */
function trainingParams(raw: Partial<Record<TrainingParamName, number>>): TrainingParams {
  try {
    return parseTrainingParams(raw);
  } catch (error) {
    if (!(error instanceof TrainingParamsError)) throw error;
    const flag = PARAM_FLAGS.find(({ param }) => param === error.parameter)?.flag;
    throw new CliError(`leadscore train: ${flag === undefined ? '' : `--${flag}: `}${error.message}`);
  }
}
