/**
 * Micro-benchmark for exact TreeSHAP: a random 300-tree, 31-leaf model over 30 features (10 of them
 * categorical), single-threaded. Prints explained rows per second.
 *   npx tsx worker/engine/explain/bench-explain.ts [rows]
 */
import { performance } from 'node:perf_hooks';
import { predictRaw } from '../predict/predict.ts';
import { explainMatrix } from './fast-tree-shap.ts';
import { randomModel, randomRows } from './random-model.ts';
import { createTreeShapExplainer } from './tree-shap-explainer.ts';

export interface ExplainBenchResult {
  rows: number;
  setupSeconds: number;
  explainSeconds: number;
  rowsPerSecond: number;
  /** Process CPU time, which stays meaningful when other work shares the machine. */
  cpuSeconds: number;
  rowsPerCpuSecond: number;
  tableMegabytes: number;
  worstSumError: number;
}

export function benchExplain(rows: number): ExplainBenchResult {
  const features = 30;
  const model = randomModel({
    seed: 42,
    numTrees: 300,
    numLeaves: 31,
    numFeatures: features,
    categoricalFeatures: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
    categoryCount: 12,
    rootCount: 800_000,
  });
  const matrix = randomRows(7, rows, features);
  const setupStart = performance.now();
  const explainer = createTreeShapExplainer(model);
  const setupSeconds = (performance.now() - setupStart) / 1000;
  explainMatrix(explainer, matrix.subarray(0, Math.min(rows, 500) * features));
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const contributions = explainMatrix(explainer, matrix);
  const cpu = process.cpuUsage(cpuStart);
  const explainSeconds = (performance.now() - start) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const raw = predictRaw(model, matrix);
  let worstSumError = 0;
  for (let row = 0; row < rows; row += 1) {
    let sum = 0;
    for (let j = 0; j <= features; j += 1) sum += contributions[row * (features + 1) + j];
    worstSumError = Math.max(worstSumError, Math.abs(sum - raw[row]));
  }
  return {
    rows,
    setupSeconds,
    explainSeconds,
    rowsPerSecond: rows / explainSeconds,
    cpuSeconds,
    rowsPerCpuSecond: rows / cpuSeconds,
    tableMegabytes: (explainer.tables.length * 8) / 1e6,
    worstSumError,
  };
}

if (process.argv[1]?.endsWith('bench-explain.ts')) {
  const rows = Number(process.argv[2] ?? 20_000);
  const result = benchExplain(rows);
  process.stdout.write(
    `${[
      `explain: 300 trees x 31 leaves, 30 features, ${result.rows} rows, 1 thread`,
      `  setup (per-leaf tables): ${result.setupSeconds.toFixed(3)} s, tables ${result.tableMegabytes.toFixed(1)} MB`,
      `  explain: ${result.explainSeconds.toFixed(3)} s = ${Math.round(result.rowsPerSecond)} rows/s (wall clock)`,
      `  cpu: ${result.cpuSeconds.toFixed(3)} s = ${Math.round(result.rowsPerCpuSecond)} rows per CPU second`,
      `  worst |sum(contributions) - raw score|: ${result.worstSumError.toExponential(2)}`,
    ].join('\n')}\n`,
  );
}
