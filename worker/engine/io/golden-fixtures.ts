import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Reads the LightGBM golden files kept beside the repository (tests and benchmarks only). */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const GOLDEN_DIR = path.resolve(repoRoot, '../shared/golden/lightgbm');

export function readGolden(name: string): string {
  return readFileSync(path.join(GOLDEN_DIR, name), 'utf8');
}

/** The golden sample: labels and the row-major feature matrix (`nan` → NaN). */
export function readGoldenSample(): {
  labels: Float64Array;
  matrix: Float64Array;
  rows: number;
  width: number;
} {
  const lines = readGolden('xe.sample.csv').trim().split('\n');
  const width = lines[0].split(',').length - 1;
  const labels = new Float64Array(lines.length);
  const matrix = new Float64Array(lines.length * width);
  lines.forEach((line, row) => {
    const cells = line.split(',');
    labels[row] = Number(cells[0]);
    for (let j = 0; j < width; j += 1) {
      const cell = cells[j + 1];
      matrix[row * width + j] = cell === 'nan' ? Number.NaN : Number(cell);
    }
  });
  return { labels, matrix, rows: lines.length, width };
}

/** A column of numbers, one per line. */
export function readGoldenColumn(name: string): number[] {
  return readGolden(name).trim().split('\n').map(Number);
}

/** Tab-separated rows of numbers. */
export function readGoldenTable(name: string): number[][] {
  return readGolden(name)
    .trim()
    .split('\n')
    .map((line) => line.split('\t').map(Number));
}
