import type { TableOptions } from '../../data/infer-table-schema.ts';
import { lookupKey } from '../../params/lightgbm-param-names.ts';
import type { TrainingParams } from '../../params/training-params.ts';
import { CliError } from '../cli-error.ts';
import { columnList, type FlagValues, optionalString, parseFlags } from '../parse-flags.ts';
import { readConfigFile } from '../read-config-file.ts';
import {
  resolveTrainingParams,
  TRAINING_PARAM_FLAG_SPEC,
  TRAINING_PARAM_HELP,
} from '../training-param-args.ts';

export interface BacktestArgs {
  dataFile: string;
  timeColumn: string;
  /** Named, none (null) or the first column named like an id (undefined). */
  idColumn: string | null | undefined;
  /** Columns never dropped as id-like. */
  keep: string[];
  table: TableOptions;
  params: TrainingParams;
  maxModelMb: number;
  /** Parameter warnings to print before training. */
  warnings: string[];
  htmlFile: string;
  jsonFile: string | undefined;
  predictionsFile: string | undefined;
  skipBadTimes: boolean;
  quiet: boolean;
}

/** Early stopping is the point of the validation window, so the backtest turns it on by default. */
const BACKTEST_EARLY_STOPPING = 20;
export const DEFAULT_HTML_FILE = 'backtest-report.html';

export const BACKTEST_USAGE =
  'leadscore backtest --data <csv> --label <column> --time-column <column> [--out <report.html>] ' +
  '[--json <report.json>] [--predictions <predictions.csv>] [training parameter flags]';

export const BACKTEST_HELP = `usage: ${BACKTEST_USAGE}

Measures how the model would have done on leads newer than those it learned from. Rows are sorted
by --time-column: the oldest 70% train, the next 10% stop the boosting early and fit the calibrator
(isotonic with at least 200 validation positives, else Platt), the newest 20% are the test.

Data
  --data <csv>                the table to backtest (required)
  --label <column>            0/1 or true/false outcome column (required)
  --positive <value>          the label value of the positive class, for other spellings
  --time-column <column>      ISO 8601 dates (UTC unless they carry an offset) or plain numbers;
                              never a feature (required)
  --drop <c1,c2>              columns that are not features (default none)
  --categorical <c1,c2>       numeric-looking columns to treat as categories (default none)
  --numeric <c1,c2>           columns to read as numbers even when a few cells are text (those become
                              missing) (default none)
  --keep <c1,c2>              columns never dropped as id-like (default none; id-like: a name such as
                              id, lead_id, LeadId, account_key, uuid, or text whose values are nearly
                              all distinct)
  --id-column <column>|none   id written beside each prediction (default: the first column named like
                              an id, as leadscore predict picks it; none: no id)
  --skip-bad-times            report and skip rows whose time is empty or unreadable (default: stop
                              with an error naming the first such row)

Output
  --out <html>                self-contained HTML report (default ${DEFAULT_HTML_FILE})
  --json <file>               every figure of the report as JSON (default none)
  --predictions <csv>         row, id, time, window, label, raw score, probability and calibrated
                              probability for every row (default none)
  --quiet                     no progress bar
  --help, -h                  this text

In a --config file, data and label_column stand for --data and --label here.
${backtestParamHelp()}
`;

/** The shared parameter help, with the backtest's own early-stopping default. */
function backtestParamHelp(): string {
  return TRAINING_PARAM_HELP.replace(
    /(--early-stopping N\s+early_stopping_round: default )0;/,
    `$1${BACKTEST_EARLY_STOPPING} in a backtest (0 turns it off);`,
  );
}

export const BACKTEST_FLAG_SPEC = {
  data: { type: 'string' },
  label: { type: 'string' },
  positive: { type: 'string' },
  'time-column': { type: 'string' },
  drop: { type: 'string' },
  categorical: { type: 'string' },
  numeric: { type: 'string' },
  keep: { type: 'string' },
  'id-column': { type: 'string' },
  'skip-bad-times': { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'string' },
  predictions: { type: 'string' },
  quiet: { type: 'boolean' },
  ...TRAINING_PARAM_FLAG_SPEC,
} as const;

export function parseBacktestArgs(args: string[]): BacktestArgs {
  const values = parseFlags('backtest', args, BACKTEST_FLAG_SPEC);
  const resolved = resolveTrainingParams('backtest', values);
  const required = (flag: string, fallback: string | undefined): string => {
    const value = optionalString(values, flag) ?? fallback;
    if (value === undefined || value === '') throw new CliError(`leadscore backtest: --${flag} is required`);
    return value;
  };
  const dataFile = required('data', resolved.io.data);
  const label = required('label', resolved.io.label);
  const timeColumn = required('time-column', undefined);
  if (timeColumn === label) {
    throw new CliError('leadscore backtest: --time-column and --label name the same column');
  }
  const idColumn = optionalString(values, 'id-column');
  if (idColumn === '') throw new CliError('leadscore backtest: --id-column needs a column name (or none)');
  const positive = optionalString(values, 'positive');
  const keep = columnList('backtest', values, 'keep');
  const table: TableOptions = {
    label,
    drop: columnList('backtest', values, 'drop'),
    categorical: columnList('backtest', values, 'categorical'),
    numeric: columnList('backtest', values, 'numeric'),
    keep,
    ...(positive === undefined ? {} : { positive }),
  };
  const params = setsEarlyStopping(values)
    ? resolved.params
    : { ...resolved.params, early_stopping_round: BACKTEST_EARLY_STOPPING };
  return {
    dataFile,
    timeColumn,
    idColumn: idColumn === 'none' ? null : idColumn,
    keep,
    table,
    params,
    maxModelMb: resolved.maxModelMb,
    warnings: resolved.warnings,
    htmlFile: optionalString(values, 'out') ?? DEFAULT_HTML_FILE,
    jsonFile: optionalString(values, 'json'),
    predictionsFile: optionalString(values, 'predictions'),
    skipBadTimes: values['skip-bad-times'] === true,
    quiet: values.quiet === true,
  };
}

/** Whether the user chose early stopping themselves: by flag, by --param (any alias) or in --config. */
function setsEarlyStopping(values: FlagValues): boolean {
  if (values['early-stopping'] !== undefined) return true;
  const isEarlyStopping = (key: string): boolean => {
    const meaning = lookupKey(key.trim());
    return meaning?.kind === 'param' && meaning.name === 'early_stopping_round';
  };
  const items = values.param;
  const params = typeof items === 'string' ? [items] : Array.isArray(items) ? items : [];
  if (params.some((item) => isEarlyStopping(item.slice(0, Math.max(0, item.indexOf('=')))))) return true;
  const config = optionalString(values, 'config');
  return (
    config !== undefined && readConfigFile('backtest', config).some((entry) => isEarlyStopping(entry.key))
  );
}
