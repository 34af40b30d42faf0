import { writeFile } from 'node:fs/promises';
import { encodeTable } from '../data/encode-table.ts';
import { loadTrainingTable } from '../data/load-training-table.ts';
import { splitRows, takeRows } from '../data/train-valid-split.ts';
import { formatLightGbmModel } from '../io/format-lightgbm-model.ts';
import { lightGbmFeatureNames } from '../io/input-schema.ts';
import type { Model } from '../io/model.ts';
import { binaryReport } from '../metric/binary-report.ts';
import { predictProbability } from '../predict/predict.ts';
import { openTrainingThread, trainInWorker } from '../runtime/train-in-worker.ts';
import type { TrainTaskInput } from '../runtime/train-task.ts';

import { checkOutputPath } from './check-output-path.ts';
import { checkModelSize } from './model-size-guard.ts';
import { trainingProgressBar } from './progress-bar.ts';
import type { TrainArgs } from './train-args.ts';

export interface TrainReport {
  /** Metrics on --test when given, else on the training rows (see `evaluatedOn`). */
  auc: number;
  prAuc: number;
  logloss: number;
  brier: number;
  liftTopDecile: number;
  evaluatedOn: 'test' | 'train';
  evaluatedRows: number;
  /** From the table in memory to the finished model, binning included (the thread starts during CSV reading). */
  trainSeconds: number;
  rows: number;
  features: number;
  iterations: number;
  validRows: number;
  bestValidMetric: number | null;
  params: TrainArgs['params'];
}

/**
 * Loads the training CSV, trains off the main thread, saves the model and measures it. Warnings
 * (about the data, the parameters or the finished model) go to `warn`, one line each.
 */
export async function runTrain(
  args: TrainArgs,
  signal?: AbortSignal,
  warn: (line: string) => void = () => {},
): Promise<TrainReport> {
  // Everything that can be refused from the arguments alone is refused before any work.
  checkOutputPath('train', 'model', args.modelFile);
  if (args.reportFile !== undefined) checkOutputPath('train', 'report', args.reportFile);
  checkModelSize('train', args.params, args.maxModelMb);
  for (const warning of args.warnings) warn(warning);
  // The training thread starts (and loads the engine) while the CSV files are read.
  const thread = openTrainingThread();
  let table: Awaited<ReturnType<typeof loadTrainingTable>>;
  let test: Awaited<ReturnType<typeof encodeTable>> | undefined;
  try {
    table = await loadTrainingTable(args.trainFile, args.table);
    test =
      args.testFile === undefined
        ? undefined
        : await encodeTable(args.testFile, table.schema, { label: 'required' });
  } catch (error) {
    thread.close();
    throw error;
  }
  for (const warning of table.warnings) warn(warning);

  let trainMatrix = table.matrix;
  let trainLabels = table.labels;
  let valid: TrainTaskInput['valid'];
  if (args.validFraction !== undefined) {
    const split = splitRows(table.rows, args.validFraction, args.params.seed);
    const kept = takeRows(table.matrix, table.labels, table.features, split.train);
    const held = takeRows(table.matrix, table.labels, table.features, split.valid);
    trainMatrix = kept.matrix;
    trainLabels = kept.labels;
    valid = {
      matrix: { numRows: split.valid.length, numFeatures: table.features, values: held.matrix },
      labels: held.labels,
    };
  }
  // Counted now: the arrays are moved to the training thread and read as empty afterwards.
  const trainRows = trainLabels.length;
  const validRows = valid === undefined ? 0 : valid.matrix.numRows;
  // Without --test the report is measured on the training rows, so they must stay here (copied to
  // the thread); with --test they are moved, which saves a copy of the largest arrays.
  const moveData = test !== undefined;
  if (args.params.min_data_in_leaf > trainRows / 2) {
    warn(
      `min_data_in_leaf ${args.params.min_data_in_leaf} is above half of the ${trainRows} training rows: no split can leave that many rows on both sides, so the model will be constant`,
    );
  }

  const bar = args.quiet ? undefined : trainingProgressBar(args.params.num_iterations, args.params.metric);
  let bestValidMetric: number | null = null;
  const started = performance.now();
  let model: Model;
  try {
    model = await trainInWorker(
      {
        data: {
          matrix: { numRows: trainRows, numFeatures: table.features, values: trainMatrix },
          labels: trainLabels,
          featureNames: lightGbmFeatureNames(table.schema.features.map((feature) => feature.name)),
          categorical: table.schema.features.flatMap((feature, index) =>
            feature.kind === 'categorical' ? [index] : [],
          ),
        },
        params: args.params,
        inputSchema: table.schema,
        ...(valid === undefined ? {} : { valid }),
      },
      {
        moveData,
        thread,
        ...(signal === undefined ? {} : { signal }),
        onProgress: (event) => {
          if (event.validMetric !== undefined)
            bestValidMetric = pickBest(args.params.metric, bestValidMetric, event.validMetric);
          bar?.update(event);
        },
      },
    );
  } finally {
    bar?.stop();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  for (const warning of finishedModelWarnings(model, args.params.num_iterations)) warn(warning);
  await writeFile(args.modelFile, formatLightGbmModel(model));

  const labels = test === undefined ? trainLabels : (test.labels ?? new Float64Array(0));
  const metrics = binaryReport(labels, predictProbability(model, test?.matrix ?? trainMatrix));
  const report: TrainReport = {
    auc: metrics.auc,
    prAuc: metrics.prAuc,
    logloss: metrics.logloss,
    brier: metrics.brier,
    liftTopDecile: metrics.liftTopDecile,
    evaluatedOn: test === undefined ? 'train' : 'test',
    evaluatedRows: labels.length,
    trainSeconds,
    rows: trainRows,
    features: table.features,
    iterations: model.trees.length / model.numTreePerIteration,
    validRows,
    bestValidMetric,
    params: args.params,
  };
  if (args.reportFile !== undefined) await writeFile(args.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Signs that training learned nothing useful: a model that never split, or that stopped at one tree. */
export function finishedModelWarnings(model: Model, requestedIterations: number): string[] {
  const warnings: string[] = [];
  const iterations = model.trees.length / model.numTreePerIteration;
  if (model.trees.every((tree) => tree.numLeaves <= 1)) {
    warnings.push(
      'the model never split: every tree is one leaf, so every lead gets the same score; check the label, min_data_in_leaf and the features',
    );
  } else if (iterations <= 1 && requestedIterations > 1) {
    warnings.push(
      `training stopped after one tree of the ${requestedIterations} asked for: no further split improved the model`,
    );
  }
  return warnings;
}

function pickBest(metric: string, best: number | null, value: number): number {
  if (best === null) return value;
  return metric === 'auc' ? Math.max(best, value) : Math.min(best, value);
}
