/**
 * Micro-benchmark for exact TreeSHAP: a random 300-tree, 31-leaf model over 30 features (10 of them
 * categorical), single-threaded. Times every kernel on the same rows in the same run (the machine is
 * shared, so CPU seconds are the figure to compare) and prints explained rows per second.
 *   npx tsx worker/engine/explain/bench-explain.ts [rows]
 */
import { performance } from 'node:perf_hooks';
import { predictRaw } from '../predict/predict.ts';
import { type ExplainKernel, explainMatrix } from './fast-tree-shap.ts';
import { randomModel, randomRows } from './random-model.ts';
import { createTreeShapExplainer } from './tree-shap-explainer.ts';

export interface KernelBenchResult {
  kernel: ExplainKernel;
  /** First call on 500 rows: compiles the kernel and, for WebAssembly, lays out its units and tables. */
  warmUpSeconds: number;
  explainSeconds: number;
  rowsPerSecond: number;
  /** Process CPU time, which stays meaningful when other work shares the machine. */
  cpuSeconds: number;
  rowsPerCpuSecond: number;
  worstSumError: number;
}

export interface ExplainBenchResult {
  rows: number;
  setupSeconds: number;
  tableMegabytes: number;
  kernels: KernelBenchResult[];
  /** Largest |difference| between the kernels' contributions. */
  kernelDifference: number;
}

export function benchExplain(rows: number, kernels: ExplainKernel[] = ['js', 'wasm']): ExplainBenchResult {
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
  const raw = predictRaw(model, matrix);
  const results: KernelBenchResult[] = [];
  const outputs: Float64Array[] = [];
  for (const kernel of kernels) {
    const warmUp = performance.now();
    explainMatrix(explainer, matrix.subarray(0, Math.min(rows, 500) * features), kernel);
    const warmUpSeconds = (performance.now() - warmUp) / 1000;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const contributions = explainMatrix(explainer, matrix, kernel);
    const cpu = process.cpuUsage(cpuStart);
    const explainSeconds = (performance.now() - start) / 1000;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    let worstSumError = 0;
    for (let row = 0; row < rows; row += 1) {
      let sum = 0;
      for (let j = 0; j <= features; j += 1) sum += contributions[row * (features + 1) + j];
      worstSumError = Math.max(worstSumError, Math.abs(sum - raw[row]));
    }
    outputs.push(contributions);
    results.push({
      kernel,
      warmUpSeconds,
      explainSeconds,
      rowsPerSecond: rows / explainSeconds,
      cpuSeconds,
      rowsPerCpuSecond: rows / cpuSeconds,
      worstSumError,
    });
  }
  let kernelDifference = 0;
  for (let i = 0; i < outputs[0].length; i += 1) {
    for (const output of outputs)
      kernelDifference = Math.max(kernelDifference, Math.abs(output[i] - outputs[0][i]));
  }
  return {
    rows,
    setupSeconds,
    tableMegabytes: (explainer.tables.length * 8) / 1e6,
    kernels: results,
    kernelDifference,
  };
}

if (process.argv[1]?.endsWith('bench-explain.ts')) {
  const rows = Number(process.argv[2] ?? 20_000);
  const result = benchExplain(rows);
  const lines = [
    `explain: 300 trees x 31 leaves, 30 features, ${result.rows} rows, 1 thread`,
    `  setup (per-leaf tables): ${result.setupSeconds.toFixed(3)} s, tables ${result.tableMegabytes.toFixed(1)} MB`,
  ];
  for (const kernel of result.kernels) {
    lines.push(
      `  ${kernel.kernel.padEnd(4)} kernel: ${Math.round(kernel.rowsPerSecond)} rows/s wall clock ` +
        `(${kernel.explainSeconds.toFixed(3)} s), ${Math.round(kernel.rowsPerCpuSecond)} rows per CPU second ` +
        `(${kernel.cpuSeconds.toFixed(3)} s), worst |sum - raw score| ${kernel.worstSumError.toExponential(2)}; ` +
        `first 500 rows with kernel build ${kernel.warmUpSeconds.toFixed(3)} s`,
    );
  }
  const [first, last] = [result.kernels[0], result.kernels[result.kernels.length - 1]];
  if (result.kernels.length > 1) {
    lines.push(
      `  ${last.kernel} / ${first.kernel}: ${(last.rowsPerCpuSecond / first.rowsPerCpuSecond).toFixed(2)}x per CPU second, ` +
        `${(last.rowsPerSecond / first.rowsPerSecond).toFixed(2)}x wall clock; ` +
        `largest difference between kernels ${result.kernelDifference.toExponential(2)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
