import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sklearnTrainTestSplit } from '../data/numpy-random-state.ts';
import { rocAuc } from '../metric/ranking-metrics.ts';
import { repoRoot, runLeadscore } from './run-leadscore.ts';

const XE_FILE = path.resolve(repoRoot, '../shared/datasets/xeducation_leads.csv');
const LIGHTGBM_XE_AUC = 0.9844;
const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-e2e-'));
const trainFile = path.join(directory, 'train.csv');
const testFile = path.join(directory, 'test.csv');
const modelFile = path.join(directory, 'model.txt');
const reportFile = path.join(directory, 'report.json');
const outFile = path.join(directory, 'scores.csv');
const matrixFile = path.join(directory, 'matrix.csv');
let testLabels: number[] = [];
let testRecords: string[][] = [];
let header: string[] = [];

beforeAll(() => {
  // The README's split (scikit-learn's train_test_split, test_size 0.2, random_state 42), written as
  // two CSV files with the rows in the split's order.
  const records = parse(readFileSync(XE_FILE)) as string[][];
  header = records[0];
  const rows = records.slice(1);
  const split = sklearnTrainTestSplit(rows.length, 0.2, 42);
  writeFileSync(trainFile, stringify([header, ...Array.from(split.train, (index) => rows[index])]));
  testRecords = Array.from(split.test, (index) => rows[index]);
  writeFileSync(testFile, stringify([header, ...testRecords]));
  const labelIndex = header.indexOf('Converted');
  testLabels = testRecords.map((record) => Number(record[labelIndex]));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function readCsv(file: string): string[][] {
  return parse(readFileSync(file)) as string[][];
}

describe('leadscore on the X Education leads', () => {
  it('trains with the reference parameters and reports test metrics close to LightGBM', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      trainFile,
      '--test',
      testFile,
      '--label',
      'Converted',
      '--drop',
      'Prospect ID,Lead Number',
      '--iterations',
      '300',
      '--learning-rate',
      '0.05',
      '--num-leaves',
      '31',
      '--min-data-in-leaf',
      '20',
      '--max-bin',
      '255',
      '--seed',
      '42',
      '--model',
      modelFile,
      '--report',
      reportFile,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^trained 300 iterations on 7392 rows × 34 features in [\d.]+ s; test AUC 0\.98\d\d/,
    );
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({
      evaluatedOn: 'test',
      evaluatedRows: 1848,
      rows: 7392,
      features: 34,
      iterations: 300,
    });
    // The same train and test rows as LightGBM's reference run.
    expect(Math.abs((report.auc as number) - LIGHTGBM_XE_AUC)).toBeLessThan(0.002);
    expect(report.prAuc as number).toBeGreaterThan(0.95);
    expect(report.logloss as number).toBeLessThan(0.2);
    expect(report.trainSeconds as number).toBeGreaterThan(0);
    const model = readFileSync(modelFile, 'utf8');
    expect(model.startsWith('tree\nversion=v4\n')).toBe(true);
    expect(model.match(/^Tree=/gm)).toHaveLength(300);
  });

  it('predicts every test row in order with contributions that add up to the raw score', async () => {
    const run = await runLeadscore([
      'predict',
      '--model',
      modelFile,
      '--data',
      testFile,
      '--out',
      outFile,
      '--contrib',
      '--matrix-out',
      matrixFile,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('scored 1848 rows\n');

    const [outHeader, ...outRows] = readCsv(outFile);
    const features = header.filter((name) => !['', 'Prospect ID', 'Lead Number', 'Converted'].includes(name));
    expect(outHeader).toEqual(['probability', 'raw_score', ...features, 'expected_value']);
    expect(outRows).toHaveLength(1848);
    const probabilities: number[] = [];
    for (const row of outRows) {
      const values = row.map(Number);
      const [probability, raw] = values;
      const contributions = values.slice(2);
      const sum = contributions.reduce((total, value) => total + value, 0);
      expect(Math.abs(sum - raw)).toBeLessThan(1e-9);
      expect(Math.abs(probability - 1 / (1 + Math.exp(-raw)))).toBeLessThan(1e-12);
      probabilities.push(probability);
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { auc: number };
    expect(rocAuc(testLabels, probabilities)).toBeCloseTo(report.auc, 12);

    const matrix = readFileSync(matrixFile, 'utf8').trimEnd().split('\n');
    expect(matrix).toHaveLength(1848);
    const first = matrix[0].split(',');
    expect(first).toHaveLength(34);
    // Row order is input order: the first test row's visits and time on site come through as is.
    const visits = testRecords[0][header.indexOf('TotalVisits')];
    expect(first[features.indexOf('TotalVisits')]).toBe(visits === '' ? 'nan' : String(Number(visits)));
    expect(first[features.indexOf('Total Time Spent on Website')]).toBe(
      String(Number(testRecords[0][header.indexOf('Total Time Spent on Website')])),
    );
    expect(matrix.some((line) => line.split(',').includes('nan'))).toBe(true);
    const leadOrigin = features.indexOf('Lead Origin');
    expect(matrix.every((line) => /^\d+$/.test(line.split(',')[leadOrigin]))).toBe(true);
  });

  it('stops early on a held-out share of the training file and says how many iterations it kept', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      trainFile,
      '--label',
      'Converted',
      '--drop',
      'Prospect ID,Lead Number',
      '--iterations',
      '1000',
      '--learning-rate',
      '0.2',
      '--early-stopping',
      '10',
      '--valid-fraction',
      '0.25',
      '--model',
      path.join(directory, 'early.txt'),
      '--report',
      path.join(directory, 'early.json'),
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(directory, 'early.json'), 'utf8')) as Record<
      string,
      number
    >;
    expect(report.validRows).toBe(1848);
    expect(report.rows).toBe(5544);
    expect(report.iterations).toBeLessThan(1000);
    expect(report.iterations).toBeGreaterThan(5);
    expect(report.evaluatedOn).toBe('train');
  });
});
