import type { TableOptions } from '../../data/infer-table-schema.ts';
import {
  describeAllowed,
  parseTrainingParams,
  type TrainingParamName,
  type TrainingParams,
  TrainingParamsError,
} from '../../params/training-params.ts';
import { CliError } from '../cli-error.ts';
import { columnList, numberFlag, optionalString, parseFlags, requiredString } from '../parse-flags.ts';

export interface BacktestArgs {
  dataFile: string;
  timeColumn: string;
  idColumn: string | undefined;
  /** Columns never dropped as id-like. */
  keep: string[];
  table: TableOptions;
  params: TrainingParams;
  htmlFile: string;
  jsonFile: string | undefined;
  predictionsFile: string | undefined;
  skipBadTimes: boolean;
  quiet: boolean;
}

/** Early stopping is the point of the validation window, so the backtest turns it on by default. */
const BACKTEST_EARLY_STOPPING = 20;
export const DEFAULT_HTML_FILE = 'backtest-report.html';

/** Flags that map onto a training parameter, with the kind of number each takes. */
const PARAM_FLAGS: { flag: string; param: TrainingParamName; kind: 'int' | 'float' }[] = [
  { flag: 'iterations', param: 'num_iterations', kind: 'int' },
  { flag: 'learning-rate', param: 'learning_rate', kind: 'float' },
  { flag: 'num-leaves', param: 'num_leaves', kind: 'int' },
  { flag: 'min-data-in-leaf', param: 'min_data_in_leaf', kind: 'int' },
  { flag: 'max-bin', param: 'max_bin', kind: 'int' },
  { flag: 'seed', param: 'seed', kind: 'int' },
  { flag: 'early-stopping', param: 'early_stopping_round', kind: 'int' },
];

const DEFAULTS = parseTrainingParams({ early_stopping_round: BACKTEST_EARLY_STOPPING });

export const BACKTEST_USAGE =
  'leadscore backtest --data <csv> --label <column> --time-column <column> [--out <report.html>] ' +
  '[--json <report.json>] [--predictions <predictions.csv>] [training parameter flags]';

const paramHelp = PARAM_FLAGS.map(({ flag, param }) => {
  const left = `  --${flag} <${param === 'learning_rate' ? 'R' : 'N'}>`.padEnd(28);
  const note = param === 'early_stopping_round' ? ' (0 turns it off)' : '';
  return `${left}${param}: default ${DEFAULTS[param]}, ${describeAllowed(param)}${note}`;
}).join('\n');

export const BACKTEST_HELP = `usage: ${BACKTEST_USAGE}

Measures how the model would have done on leads newer than those it learned from. Rows are sorted
by --time-column: the oldest 70% train, the next 10% stop the boosting early and fit the calibrator
(isotonic with at least 200 validation positives, else Platt), the newest 20% are the test.

Data
  --data <csv>                the table to backtest (required)
  --label <column>            0/1 or true/false outcome column (required)
  --positive <value>          the label value of the positive class, for other spellings
  --time-column <column>      ISO 8601 dates or plain numbers; never a feature (required)
  --drop <c1,c2>              columns that are not features (default none)
  --categorical <c1,c2>       numeric-looking columns to treat as categories (default none)
  --keep <c1,c2>              columns never dropped as id-like (default none; id-like: a name such as
                              id, lead_id, accountKey, or text with distinct values in over half the rows)
  --id-column <column>        id written beside each prediction (default: the first id-like name)
  --skip-bad-times            report and skip rows whose time is empty or unreadable (default: stop
                              with an error naming the first such row)

Output
  --out <html>                self-contained HTML report (default ${DEFAULT_HTML_FILE})
  --json <file>               every figure of the report as JSON (default none)
  --predictions <csv>         row, id, time, window, label, raw score, probability and calibrated
                              probability for every row (default none)
  --quiet                     no progress bar

Training
${paramHelp}
`;

export function parseBacktestArgs(args: string[]): BacktestArgs {
  const values = parseFlags('backtest', args, {
    data: { type: 'string' },
    label: { type: 'string' },
    positive: { type: 'string' },
    'time-column': { type: 'string' },
    drop: { type: 'string' },
    categorical: { type: 'string' },
    keep: { type: 'string' },
    'id-column': { type: 'string' },
    'skip-bad-times': { type: 'boolean' },
    out: { type: 'string' },
    json: { type: 'string' },
    predictions: { type: 'string' },
    quiet: { type: 'boolean' },
    ...Object.fromEntries(PARAM_FLAGS.map(({ flag }) => [flag, { type: 'string' as const }])),
  });
  const dataFile = requiredString('backtest', values, 'data');
  const label = requiredString('backtest', values, 'label');
  const timeColumn = requiredString('backtest', values, 'time-column');
  if (timeColumn === label) {
    throw new CliError('leadscore backtest: --time-column and --label name the same column');
  }
  const positive = optionalString(values, 'positive');
  const table: TableOptions = {
    label,
    drop: columnList('backtest', values, 'drop'),
    categorical: columnList('backtest', values, 'categorical'),
    ...(positive === undefined ? {} : { positive }),
  };
  const raw: Partial<Record<TrainingParamName, number>> = { early_stopping_round: BACKTEST_EARLY_STOPPING };
  for (const { flag, param, kind } of PARAM_FLAGS) {
    const value = numberFlag('backtest', values, flag, kind);
    if (value !== undefined) raw[param] = value;
  }
  return {
    dataFile,
    timeColumn,
    idColumn: optionalString(values, 'id-column'),
    keep: columnList('backtest', values, 'keep'),
    table,
    params: trainingParams(raw),
    htmlFile: optionalString(values, 'out') ?? DEFAULT_HTML_FILE,
    jsonFile: optionalString(values, 'json'),
    predictionsFile: optionalString(values, 'predictions'),
    skipBadTimes: values['skip-bad-times'] === true,
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
    throw new CliError(`leadscore backtest: ${flag === undefined ? '' : `--${flag}: `}${error.message}`);
  }
}
