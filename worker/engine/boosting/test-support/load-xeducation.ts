import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { sklearnTrainTestSplit } from '../../data/numpy-random-state.ts';
import type { FeatureMatrix } from '../../dataset/binned-dataset.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const xeducationPath = path.resolve(repoRoot, '../shared/datasets/xeducation_leads.csv');

export interface XEducationSplit {
  featureNames: string[];
  categorical: number[];
  train: { matrix: FeatureMatrix; labels: Uint8Array };
  test: { matrix: FeatureMatrix; labels: Uint8Array };
}

/** Empty cells only: `Select` stays a category, as in the reference run (pandas category codes). */
function isMissing(cell: string): boolean {
  return cell.trim() === '';
}

/**
 * The X Education split of ../shared/datasets/README.md: identifiers dropped, label `Converted`,
 * empty cells missing, a column numeric when every present cell is a number, otherwise categorical
 * with codes in sorted order of the category text (pandas category codes). The rows are those of
 * scikit-learn's train_test_split(test_size=0.2, random_state=42), in its order.
 */
export function loadXEducationSplit(): XEducationSplit {
  const rows = parse(readFileSync(xeducationPath, 'utf8'), { relaxColumnCount: true }) as string[][];
  const header = rows[0];
  const body = rows.slice(1);
  const labelColumn = header.indexOf('Converted');
  const dropped = new Set(['Prospect ID', 'Lead Number', 'Converted', '']);
  const columns = header.flatMap((name, index) => (dropped.has(name) ? [] : [index]));
  const numRows = body.length;
  const featureValues = columns.map((column) => {
    const cells = body.map((row) => row[column] ?? '');
    const numeric = cells.every((cell) => isMissing(cell) || Number.isFinite(Number(cell.trim())));
    if (numeric) {
      return {
        numeric,
        values: Float64Array.from(cells, (cell) => (isMissing(cell) ? Number.NaN : Number(cell))),
      };
    }
    const categories = [
      ...new Set(cells.filter((cell) => !isMissing(cell)).map((cell) => cell.trim())),
    ].sort();
    const code = new Map(categories.map((category, index) => [category, index]));
    return {
      numeric,
      values: Float64Array.from(cells, (cell) =>
        isMissing(cell) ? Number.NaN : (code.get(cell.trim()) ?? Number.NaN),
      ),
    };
  });
  const labels = Uint8Array.from(body, (row) => Number(row[labelColumn]));

  const { train: trainRows, test: testRows } = sklearnTrainTestSplit(numRows, 0.2, 42);
  const take = (picked: Int32Array) => ({
    matrix: {
      numRows: picked.length,
      numFeatures: columns.length,
      values: featureValues.map(({ values }) => Float64Array.from(picked, (row) => values[row])),
    },
    labels: Uint8Array.from(picked, (row) => labels[row]),
  });
  return {
    featureNames: columns.map((column) => header[column].replace(/[^A-Za-z0-9_]+/g, '_')),
    categorical: featureValues.flatMap(({ numeric }, index) => (numeric ? [] : [index])),
    train: take(trainRows),
    test: take(testRows),
  };
}
