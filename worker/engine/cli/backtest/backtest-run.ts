import { applyCalibrator, type CalibrationMethod, fitCalibrator } from '../../calibration/calibrate.ts';
import type { Calibrator } from '../../calibration/calibrator.ts';
import { encodeTable } from '../../data/encode-table.ts';
import { inferTableSchema } from '../../data/infer-table-schema.ts';
import { TableError } from '../../data/table-error.ts';
import { takeRows } from '../../data/train-valid-split.ts';
import { type InputSchema, lightGbmFeatureNames } from '../../io/input-schema.ts';
import type { Model } from '../../io/model.ts';
import type { TrainingParams } from '../../params/training-params.ts';
import { predictRaw, rawToProbability } from '../../predict/predict.ts';
import { openTrainingThread, trainInWorker } from '../../runtime/train-in-worker.ts';
import { CliError } from '../cli-error.ts';
import { type IdColumn, readIdColumn } from '../id-column.ts';
import { trainingProgressBar } from '../progress-bar.ts';
import type { BacktestArgs } from './backtest-args.ts';
import { type DroppedColumn, idColumnsByName } from './id-columns.ts';
import { evaluateTest, type TestEvaluation } from './test-evaluation.ts';
import { readTimeColumn, type SkippedRow, type TimeColumn, type TimeKind } from './time-column.ts';
import { checkWindows, splitByTime, type TimeWindow, type WindowName } from './time-split.ts';

/** Validation positives needed before isotonic regression is trusted over Platt's two parameters. */
export const ISOTONIC_MIN_POSITIVES = 200;

export interface WindowSummary {
  name: WindowName;
  rows: number;
  positives: number;
  positiveRate: number;
  /** Time cells of the window's oldest and newest rows, as written in the file. */
  from: string;
  to: string;
}

export interface BacktestReport {
  data: string;
  label: string;
  timeColumn: string;
  timeKind: TimeKind;
  dropped: DroppedColumn[];
  /** What the table reader said about the columns (also printed as warnings). */
  warnings: string[];
  features: string[];
  skipped: { rows: number; first: SkippedRow[] };
  windows: WindowSummary[];
  model: {
    iterations: number;
    maxIterations: number;
    earlyStoppingRounds: number;
    stoppedEarly: boolean;
    validMetric: string;
    bestValidMetric: number | null;
    trainSeconds: number;
  };
  calibration: {
    method: CalibrationMethod;
    validationPositives: number;
    rule: string;
    calibrator: Calibrator;
    /** Calibrated probabilities are kept within [bound, 1 − bound]. */
    bound: number;
  };
  test: TestEvaluation;
  params: TrainingParams;
}

/** Every row placed in a window, in window order then time order: what --predictions writes. */
export interface ScoredRows {
  rows: Int32Array;
  window: WindowName[];
  labels: Float64Array;
  raw: Float64Array;
  probability: Float64Array;
  calibrated: Float64Array;
  time: TimeColumn;
  /** The id column copied beside each prediction, when the file has one. */
  ids: IdColumn | undefined;
}

/** Reads the table, splits it by time, trains, calibrates on validation and measures on test. */
export async function runBacktest(
  args: BacktestArgs,
  signal?: AbortSignal,
  warn: (line: string) => void = () => {},
): Promise<{ report: BacktestReport; scored: ScoredRows }> {
  // The training thread loads the engine while the CSV is read.
  const thread = openTrainingThread();
  let prepared: Awaited<ReturnType<typeof prepareTable>>;
  try {
    prepared = await prepareTable(args);
  } catch (error) {
    thread.close();
    throw error;
  }
  const { time, ids, schema, matrix, labels, dropped, windows, warnings } = prepared;
  for (const warning of warnings) warn(warning);
  const width = schema.features.length;
  const [trainWindow, validWindow, testWindow] = windows;
  const train = takeRows(matrix, labels, width, trainWindow.rows);
  const valid = takeRows(matrix, labels, width, validWindow.rows);

  const bar = args.quiet ? undefined : trainingProgressBar(args.params.num_iterations, args.params.metric);
  let bestValidMetric: number | null = null;
  let lastIteration = 0;
  const started = performance.now();
  let model: Model;
  try {
    model = await trainInWorker(
      {
        data: {
          matrix: { numRows: trainWindow.rows.length, numFeatures: width, values: train.matrix },
          labels: train.labels,
          featureNames: lightGbmFeatureNames(schema.features.map((feature) => feature.name)),
          categorical: schema.features.flatMap((feature, index) =>
            feature.kind === 'categorical' ? [index] : [],
          ),
        },
        params: args.params,
        inputSchema: schema,
        valid: {
          matrix: { numRows: validWindow.rows.length, numFeatures: width, values: valid.matrix },
          labels: valid.labels,
        },
      },
      {
        moveData: true,
        thread,
        ...(signal === undefined ? {} : { signal }),
        onProgress: (event) => {
          lastIteration = event.iteration;
          if (event.validMetric !== undefined) {
            bestValidMetric = pickBest(args.params.metric, bestValidMetric, event.validMetric);
          }
          bar?.update(event);
        },
      },
    );
  } finally {
    bar?.stop();
  }
  const trainSeconds = (performance.now() - started) / 1000;

  const rawAll = predictRaw(model, matrix);
  const probabilityAll = rawToProbability(model, rawAll);
  const pick = (source: Float64Array, window: TimeWindow): Float64Array =>
    Float64Array.from(window.rows, (row) => source[row]);
  const method: CalibrationMethod = validWindow.positives >= ISOTONIC_MIN_POSITIVES ? 'isotonic' : 'platt';
  const calibrator = fitCalibrator(method, pick(rawAll, validWindow), pick(labels, validWindow), {
    input: 'raw_score',
  });
  // Isotonic blocks of all-negative (or all-positive) validation rows map to exactly 0 (or 1), which
  // no finite sample supports and which makes a single surprise cost 34.5 nats of log loss. Keep
  // calibrated probabilities half a row's worth inside (0, 1): [1/(2V), 1 − 1/(2V)], V validation rows.
  const bound = 1 / (2 * validWindow.rows.length);
  const calibratedAll = applyCalibrator(calibrator, rawAll).map((value) =>
    Math.min(Math.max(value, bound), 1 - bound),
  );
  const test = evaluateTest(
    pick(labels, testWindow),
    pick(rawAll, testWindow),
    pick(probabilityAll, testWindow),
    pick(calibratedAll, testWindow),
  );

  const placed = Int32Array.from(windows.flatMap((window) => Array.from(window.rows)));
  const scored: ScoredRows = {
    rows: placed,
    window: windows.flatMap((window) => Array.from(window.rows, () => window.name)),
    labels: Float64Array.from(placed, (row) => labels[row]),
    raw: Float64Array.from(placed, (row) => rawAll[row]),
    probability: Float64Array.from(placed, (row) => probabilityAll[row]),
    calibrated: Float64Array.from(placed, (row) => calibratedAll[row]),
    time,
    ids,
  };
  const iterations = model.trees.length / model.numTreePerIteration;
  const report: BacktestReport = {
    data: args.dataFile,
    label: args.table.label,
    timeColumn: args.timeColumn,
    timeKind: time.kind,
    dropped,
    warnings,
    features: schema.features.map((feature) => feature.name),
    skipped: { rows: time.skipped.length, first: time.skipped.slice(0, 5) },
    windows: windows.map((window) => summarise(window, time)),
    model: {
      iterations,
      maxIterations: args.params.num_iterations,
      earlyStoppingRounds: args.params.early_stopping_round,
      stoppedEarly: lastIteration < args.params.num_iterations,
      validMetric: args.params.metric,
      bestValidMetric,
      trainSeconds,
    },
    calibration: {
      method,
      validationPositives: validWindow.positives,
      rule: `isotonic with at least ${ISOTONIC_MIN_POSITIVES} validation positives, else Platt`,
      calibrator,
      bound,
    },
    test,
    params: args.params,
  };
  return { report, scored };
}

interface PreparedTable {
  time: TimeColumn;
  ids: IdColumn | undefined;
  warnings: string[];
  schema: InputSchema;
  matrix: Float64Array;
  labels: Float64Array;
  dropped: DroppedColumn[];
  windows: TimeWindow[];
}

/** Time column first (cheap, and the most likely mistake), then the two passes train makes. */
async function prepareTable(args: BacktestArgs): Promise<PreparedTable> {
  const { dataFile, table, timeColumn } = args;
  const time = await readTimeColumn(dataFile, { column: timeColumn, skipBadTimes: args.skipBadTimes });
  const keep = new Set([...args.keep, ...(table.categorical ?? [])]);
  const userDrop = new Set(table.drop ?? []);
  const { idColumn } = args;
  if (typeof idColumn === 'string' && !time.columns.includes(idColumn)) {
    throw new TableError(
      { file: dataFile, line: 1, column: idColumn },
      `--id-column names a column that is not in the header (columns: ${time.columns.join(', ')})`,
    );
  }
  // A column named as the id is never a feature, whatever its name.
  const named =
    typeof idColumn === 'string' && !keep.has(idColumn)
      ? [{ name: idColumn, reason: 'it is the --id-column' }]
      : [];
  const byName = [...named, ...idColumnsByName(time.columns, keep)].filter(
    ({ name }, index, all) =>
      name !== table.label &&
      name !== timeColumn &&
      !userDrop.has(name) &&
      all.findIndex((other) => other.name === name) === index,
  );
  const drop = [...new Set([...userDrop, timeColumn, ...byName.map(({ name }) => name)])];
  const inferred = await inferTableSchema(dataFile, { ...table, drop });
  // The table reader leaves out text columns whose values are nearly all distinct (and says so).
  const kept = new Set(inferred.schema.features.map((feature) => feature.name));
  const leftOut = time.columns
    .filter((name) => name !== '' && name !== table.label && !drop.includes(name) && !kept.has(name))
    .map((name) => ({ name, reason: 'nearly every value is distinct' }));
  const schema = inferred.schema;
  if (schema.features.length === 0) {
    throw new CliError(
      `leadscore backtest: no feature column is left in ${dataFile} once the label, the time column and id-like columns are set aside`,
    );
  }
  const encoded = await encodeTable(dataFile, schema, { label: 'required', expectedRows: inferred.rows });
  const labels = encoded.labels ?? new Float64Array(encoded.rows);
  const windows = splitByTime(time.times, labels);
  checkWindows(windows, (window) => describeRange(window, time));
  const ids =
    args.predictionsFile === undefined ? undefined : await readIdColumn(dataFile, args.idColumn, table.label);
  return {
    time,
    ids,
    warnings: inferred.warnings,
    schema,
    matrix: encoded.matrix,
    labels,
    dropped: [...byName, ...leftOut],
    windows,
  };
}

function describeRange(window: TimeWindow, time: TimeColumn): string {
  return `${time.cells[window.firstRow]} to ${time.cells[window.lastRow]}`;
}

function summarise(window: TimeWindow, time: TimeColumn): WindowSummary {
  const rows = window.rows.length;
  return {
    name: window.name,
    rows,
    positives: window.positives,
    positiveRate: window.positives / rows,
    from: time.cells[window.firstRow],
    to: time.cells[window.lastRow],
  };
}

function pickBest(metric: string, best: number | null, value: number): number {
  if (best === null) return value;
  return metric === 'auc' ? Math.max(best, value) : Math.min(best, value);
}
