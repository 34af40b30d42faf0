import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputFeature } from './input-schema.ts';

/**
 * Reads the golden files real LightGBM made from the project's generated leads (fixtures/golden,
 * remade by `npm run golden`; see its README). Tests and benchmarks only.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const GOLDEN_DIR = path.resolve(repoRoot, 'fixtures/golden');

/** The two golden models: missing values as NaN, and zero_as_missing=true. */
export type GoldenModelName = 'nan' | 'zero';
export const GOLDEN_MODELS: readonly GoldenModelName[] = ['nan', 'zero'];

export function readGolden(name: string): string {
  return readFileSync(path.join(GOLDEN_DIR, name), 'utf8');
}

export function readGoldenModel(name: GoldenModelName): string {
  return readGolden(`${name}-model.txt`);
}

export interface GoldenMatrix {
  featureNames: string[];
  labels: Float64Array;
  /** Row-major, rows × width, `nan` → NaN. */
  matrix: Float64Array;
  rows: number;
  width: number;
}

/** A LightGBM input file of fixtures/golden: header, label first, then the features. */
export function readGoldenMatrix(name: string): GoldenMatrix {
  const [header, ...lines] = readGolden(name).trimEnd().split('\n');
  const featureNames = header.split(',').slice(1);
  const width = featureNames.length;
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
  return { featureNames, labels, matrix, rows: lines.length, width };
}

/** The rows the golden predictions and contributions were made on. */
export function readGoldenSample(): GoldenMatrix {
  return readGoldenMatrix('sample.matrix.csv');
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

/** dataset.json: how the golden data was made and its input schema. */
export interface GoldenDataset {
  trainRows: number;
  testRows: number;
  id: string;
  label: string;
  features: InputFeature[];
}

export function readGoldenDataset(): GoldenDataset {
  return JSON.parse(readGolden('dataset.json')) as GoldenDataset;
}

/** lightgbm-figures.json: what the golden run measured with LightGBM. */
export interface GoldenFigures {
  lightgbm: { npmPackage: string; version: string };
  quality: { testRows: number; testAuc: number; testPrAuc: number; testLogloss: number };
  decisionTypes: Record<GoldenModelName, number[]>;
}

export function readGoldenFigures(): GoldenFigures {
  return JSON.parse(readGolden('lightgbm-figures.json')) as GoldenFigures;
}
