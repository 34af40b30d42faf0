/**
 * Engine benchmark: quality on the golden generated leads (fixtures/golden) against the test AUC
 * real LightGBM reached in the golden run, on the X Education leads against LightGBM's reference AUC
 * when ../shared/datasets is beside the repository (it is not part of it), then speed and memory on a
 * synthetic table of lead-like rows (training, prediction, exact explanations), single thread.
 * Prints readable lines and, last, one JSON line with every figure.
 *
 *   npm run bench:engine                       full size (800,000 training rows, 300 iterations)
 *   npm run bench:engine -- --rows 100000      a quicker run while developing (or BENCH_ROWS=100000)
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { trainModelSync } from '../worker/engine/boosting/train.ts';
import { loadTrainingTable } from '../worker/engine/data/load-training-table.ts';
import { sklearnTrainTestSplit } from '../worker/engine/data/numpy-random-state.ts';
import { takeRows } from '../worker/engine/data/train-valid-split.ts';
import { explainerFor, explainMatrix } from '../worker/engine/explain/fast-tree-shap.ts';
import {
  GOLDEN_DIR,
  readGoldenDataset,
  readGoldenFigures,
  readGoldenMatrix,
} from '../worker/engine/io/golden-fixtures.ts';
import { rocAuc } from '../worker/engine/metric/ranking-metrics.ts';
import { predictRaw } from '../worker/engine/predict/predict.ts';
import {
  CATEGORICAL_FEATURES,
  FEATURES,
  NUMERIC_FEATURES,
  syntheticLeads,
  toRowMajor,
} from './synthetic-leads.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const XE_FILE = path.resolve(repoRoot, '../shared/datasets/xeducation_leads.csv');
const LIGHTGBM_XE_AUC = 0.9844;
const LIGHTGBM_ROW_ITERATIONS_PER_SECOND = 5.9e6;

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    iterations: { type: 'string' },
    'explain-rows': { type: 'string' },
  },
});
const trainRows = Number(values.rows ?? process.env.BENCH_ROWS ?? 800_000);
const iterations = Number(values.iterations ?? process.env.BENCH_ITERATIONS ?? 300);
const explainRows = Number(values['explain-rows'] ?? process.env.BENCH_EXPLAIN_ROWS ?? 20_000);
const heldOutRows = 200_000;

const params = {
  num_leaves: 31,
  learning_rate: 0.05,
  num_iterations: iterations,
  min_data_in_leaf: 20,
  max_bin: 255,
};

function seconds(from: number): number {
  return (performance.now() - from) / 1000;
}

/** CPU seconds of this process since `from` (process.cpuUsage()): steady when other work shares the machine. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

type Table = Awaited<ReturnType<typeof loadTrainingTable>>;

/**
 * Trains on the X Education rows of scikit-learn's train_test_split(test_size=0.2, random_state=seed)
 * (numpy's RandomState permutation, train rows in its order) and returns the test AUC.
 */
function xEducationSplit(table: Table, seed: number) {
  const split = sklearnTrainTestSplit(table.rows, 0.2, seed);
  const train = takeRows(table.matrix, table.labels, table.features, split.train);
  const test = takeRows(table.matrix, table.labels, table.features, split.test);
  const categorical = table.schema.features.flatMap((feature, index) =>
    feature.kind === 'categorical' ? [index] : [],
  );
  const started = performance.now();
  const model = trainModelSync(
    {
      matrix: { numRows: split.train.length, numFeatures: table.features, values: train.matrix },
      labels: train.labels,
      categorical,
    },
    { ...params, num_iterations: 300 },
  );
  const trainSeconds = seconds(started);
  const auc = rocAuc(test.labels, predictRaw(model, test.matrix));
  return { trainRows: split.train.length, testRows: split.test.length, trainSeconds, auc };
}

async function xEducation() {
  const table = await loadTrainingTable(XE_FILE, {
    label: 'Converted',
    drop: ['Prospect ID', 'Lead Number'],
  });
  // random_state 42 holds out the same rows as LightGBM's reference run; the other seeds show how
  // much the AUC moves from one 20% test set to another.
  const main = xEducationSplit(table, 42);
  const otherSeeds = [43, 44, 45, 46];
  const otherAucs = otherSeeds.map((seed) => xEducationSplit(table, seed).auc);
  return { ...main, split: 'train_test_split(test_size=0.2, random_state=42)', otherSeeds, otherAucs };
}

/** The golden run's generated leads: train and test rows exactly as LightGBM read them. */
function goldenLeads() {
  const dataset = readGoldenDataset();
  const train = readGoldenMatrix('train.matrix.csv');
  const test = readGoldenMatrix('test.matrix.csv');
  const categorical = dataset.features.flatMap((feature, index) =>
    feature.kind === 'categorical' ? [index] : [],
  );
  const started = performance.now();
  const model = trainModelSync(
    {
      matrix: { numRows: train.rows, numFeatures: train.width, values: train.matrix },
      labels: train.labels,
      categorical,
    },
    { ...params, num_iterations: 300 },
  );
  const trainSeconds = seconds(started);
  const auc = rocAuc(test.labels, predictRaw(model, test.matrix));
  const lightgbm = readGoldenFigures();
  return {
    trainRows: train.rows,
    testRows: test.rows,
    trainSeconds,
    auc,
    lightgbmAuc: lightgbm.quality.testAuc,
    lightgbmVersion: lightgbm.lightgbm.version,
  };
}

/** The LightGBM program `npm run golden` uses (LIGHTGBM_BIN, else its cache), or null when absent. */
function lightGbmBinary(): string | null {
  const candidate =
    process.env.LIGHTGBM_BIN || path.join(homedir(), '.cache', 'leadscore', 'lightgbm', 'lightgbm');
  try {
    accessSync(candidate, constants.X_OK);
    return candidate;
  } catch {
    return null;
  }
}

/** Wall-clock seconds real LightGBM takes for the golden quality run (quality.conf), one thread. */
function lightGbmGoldenSeconds(binary: string): number | null {
  const scratch = mkdtempSync(path.join(tmpdir(), 'leadscore-bench-'));
  try {
    const started = performance.now();
    const run = spawnSync(
      binary,
      ['config=quality.conf', `output_model=${path.join(scratch, 'model.txt')}`],
      {
        cwd: GOLDEN_DIR,
        encoding: 'utf8',
      },
    );
    return run.status === 0 ? seconds(started) : null;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function synthetic() {
  const generated = performance.now();
  const train = syntheticLeads(trainRows, 7);
  const heldOut = syntheticLeads(heldOutRows, 8);
  const heldOutMatrix = toRowMajor(heldOut);
  heldOut.columns.length = 0;
  const generateSeconds = seconds(generated);
  const categorical = Array.from({ length: CATEGORICAL_FEATURES }, (_, index) => NUMERIC_FEATURES + index);

  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const model = trainModelSync(
    {
      matrix: { numRows: trainRows, numFeatures: FEATURES, values: train.columns },
      labels: train.labels,
      categorical,
    },
    { ...params, min_data_in_leaf: 20 },
  );
  const trainSeconds = seconds(started);
  const trainCpuSeconds = cpuSeconds(startedCpu);
  const trees = model.trees.length;
  const leaves = Math.max(...model.trees.map((tree) => tree.numLeaves));

  const predicted = performance.now();
  const raw = predictRaw(model, heldOutMatrix);
  const predictSeconds = seconds(predicted);
  const auc = rocAuc(heldOut.labels, raw);

  const sample = heldOutMatrix.subarray(0, explainRows * FEATURES);
  // Building the explainer's tables is a once-per-model cost, timed on its own.
  const built = performance.now();
  const explainer = explainerFor(model);
  const explainerBuildSeconds = seconds(built);
  const explained = performance.now();
  const explainedCpu = process.cpuUsage();
  const contributions = explainMatrix(explainer, sample);
  const explainSeconds = seconds(explained);
  const explainCpuSeconds = cpuSeconds(explainedCpu);
  let worstSumError = 0;
  for (let row = 0; row < explainRows; row += 1) {
    let sum = 0;
    for (let column = 0; column <= FEATURES; column += 1) sum += contributions[row * (FEATURES + 1) + column];
    worstSumError = Math.max(worstSumError, Math.abs(sum - raw[row]));
  }
  return {
    trainRows,
    heldOutRows,
    features: FEATURES,
    iterations: trees,
    maxLeaves: leaves,
    generateSeconds,
    trainSeconds,
    rowIterationsPerSecond: (trainRows * trees) / trainSeconds,
    trainCpuSeconds,
    rowIterationsPerCpuSecond: (trainRows * trees) / trainCpuSeconds,
    auc,
    predictRowsPerSecond: heldOutRows / predictSeconds,
    explainRows,
    explainRowsPerSecond: explainRows / explainSeconds,
    explainRowsPerCpuSecond: explainRows / explainCpuSeconds,
    explainerBuildSeconds,
    worstContributionSumError: worstSumError,
  };
}

const golden = goldenLeads();
console.log(
  `generated leads (fixtures/golden): ${golden.trainRows} train / ${golden.testRows} test rows, 300 iterations, 31 leaves: ` +
    `test AUC ${golden.auc.toFixed(4)} (LightGBM ${golden.lightgbmVersion}: ${golden.lightgbmAuc.toFixed(4)}, ` +
    `difference ${(golden.auc - golden.lightgbmAuc).toFixed(4)}), trained in ${golden.trainSeconds.toFixed(2)} s`,
);
const binary = lightGbmBinary();
const lightGbmSeconds = binary === null ? null : lightGbmGoldenSeconds(binary);
console.log(
  lightGbmSeconds === null
    ? '  LightGBM timing: skipped, no LightGBM program (set LIGHTGBM_BIN or run npm run golden once)'
    : `  the same run in LightGBM (${binary}): ${lightGbmSeconds.toFixed(2)} s, data loading included`,
);

const xe = existsSync(XE_FILE) ? await xEducation() : null;
if (xe === null) {
  console.log(`X Education: skipped, ${XE_FILE} is not there (it sits beside the repository, never in it)`);
} else {
  console.log(
    `X Education (scikit-learn split, random_state 42): ${xe.trainRows} train / ${xe.testRows} test rows, 300 iterations, 31 leaves: ` +
      `test AUC ${xe.auc.toFixed(4)} (LightGBM 4.1: ${LIGHTGBM_XE_AUC}, difference ${(xe.auc - LIGHTGBM_XE_AUC).toFixed(4)}), ` +
      `trained in ${xe.trainSeconds.toFixed(2)} s`,
  );
  console.log(
    `  test AUC with random_state ${xe.otherSeeds.join(', ')} (no LightGBM figure): ` +
      xe.otherAucs.map((auc) => auc.toFixed(4)).join(', '),
  );
}

const synth = synthetic();
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `synthetic: ${synth.trainRows} rows × ${synth.features} features (${NUMERIC_FEATURES} numeric with missing values, ` +
    `${CATEGORICAL_FEATURES} categorical), ${synth.iterations} iterations, ${synth.maxLeaves} leaves, one thread`,
);
console.log(`  held-out AUC ${synth.auc.toFixed(4)} on ${synth.heldOutRows} rows`);
console.log(
  `  training ${synth.trainSeconds.toFixed(1)} s: ${(synth.rowIterationsPerSecond / 1e6).toFixed(2)} M row-iterations/s ` +
    `(target >= 4, LightGBM 4.1: ${LIGHTGBM_ROW_ITERATIONS_PER_SECOND / 1e6}); ` +
    `${synth.trainCpuSeconds.toFixed(1)} CPU s: ${(synth.rowIterationsPerCpuSecond / 1e6).toFixed(2)} M per CPU second`,
);
console.log(`  prediction ${Math.round(synth.predictRowsPerSecond)} rows/s`);
console.log(
  `  exact TreeSHAP ${Math.round(synth.explainRowsPerSecond)} rows/s ` +
    `(${Math.round(synth.explainRowsPerCpuSecond)} per CPU second) on ${synth.explainRows} rows (target >= 5000; ` +
    `worst |sum of contributions - raw score| ${synth.worstContributionSumError.toExponential(1)})`,
);
console.log(`  peak RSS ${peakRssMb.toFixed(0)} MB for the whole command (target < 1024)`);
const load = loadavg()[0];
if (load > availableParallelism()) {
  console.log(
    `  note: load average ${load.toFixed(1)} during the run; wall-clock rates understate, CPU-second rates hold`,
  );
}
console.log(
  JSON.stringify({
    generatedLeads: { ...golden, lightgbmSeconds: lightGbmSeconds },
    xEducation: xe === null ? null : { ...xe, lightgbmAuc: LIGHTGBM_XE_AUC },
    synthetic: synth,
    peakRssMb,
    loadAverage: load,
  }),
);
