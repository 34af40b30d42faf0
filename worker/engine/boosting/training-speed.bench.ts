/**
 * Training speed on synthetic data shaped like the engine benchmark: 20 numeric features with 10%
 * missing values and 10 categorical features, 31 leaves, one thread.
 *
 *   npx tsx worker/engine/boosting/training-speed.bench.ts [rows=200000] [iterations=50]
 *
 * Prints wall and CPU seconds, row-iterations per second and peak RSS.
 */
import { SeededRandom } from '../random/seeded-random.ts';
import { trainModelSync } from './train.ts';

const numRows = Number(process.argv[2] ?? 200_000);
const iterations = Number(process.argv[3] ?? 50);
const numNumeric = 20;
const numCategorical = 10;
const numFeatures = numNumeric + numCategorical;

const random = new SeededRandom(2024);
const columns = Array.from({ length: numFeatures }, () => new Float64Array(numRows));
const labels = new Uint8Array(numRows);
for (let row = 0; row < numRows; row++) {
  let logit = -1;
  for (let feature = 0; feature < numNumeric; feature++) {
    const value = random.nextFloat() < 0.1 ? Number.NaN : random.nextFloat() * 100;
    columns[feature][row] = value;
    if (feature < 8 && !Number.isNaN(value)) logit += ((value - 50) / 50) * (feature % 2 === 0 ? 1 : -0.7);
  }
  for (let feature = numNumeric; feature < numFeatures; feature++) {
    const category = random.nextInt(5 + 3 * (feature - numNumeric));
    columns[feature][row] = category;
    if (feature < numNumeric + 3) logit += (category % 3) * 0.4 - 0.4;
  }
  labels[row] = random.nextFloat() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
}
const categorical = Array.from({ length: numCategorical }, (_, i) => numNumeric + i);

let peakRss = process.memoryUsage().rss;
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const model = trainModelSync(
  { matrix: { numRows, numFeatures, values: columns }, labels, categorical },
  { num_iterations: iterations, num_leaves: 31, learning_rate: 0.1 },
  {
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  },
);
const wallSeconds = (performance.now() - wallStart) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rowIterations = numRows * model.trees.length;
const print = (line: string) => process.stdout.write(`${line}\n`);
print(`rows ${numRows} × features ${numFeatures} × iterations ${model.trees.length}, 31 leaves`);
print(`wall ${wallSeconds.toFixed(2)} s, cpu ${cpuSeconds.toFixed(2)} s (binning included)`);
print(
  `row-iterations/s: ${(rowIterations / wallSeconds / 1e6).toFixed(2)} M (wall), ${(rowIterations / cpuSeconds / 1e6).toFixed(2)} M (cpu)`,
);
print(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
