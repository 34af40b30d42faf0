import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR, readGoldenFigures } from '../io/golden-fixtures.ts';
import { rocAuc } from '../metric/ranking-metrics.ts';
import { runLeadscore } from './run-leadscore.ts';

// The golden run's generated leads, split as fixtures/golden/README.md says, and LightGBM's test
// figures on them with the same parameters.
const trainFile = path.join(GOLDEN_DIR, 'leads-train.csv');
const testFile = path.join(GOLDEN_DIR, 'leads-test.csv');
const lightGbm = readGoldenFigures().quality;
const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-e2e-'));
const modelFile = path.join(directory, 'model.txt');
const reportFile = path.join(directory, 'report.json');
const outFile = path.join(directory, 'scores.csv');
const matrixFile = path.join(directory, 'matrix.csv');
// The test rows without their id column: what predict scores, in the same order.
const scoreFile = path.join(directory, 'test-without-id.csv');
let testLabels: number[] = [];
let testRecords: string[][] = [];
let header: string[] = [];

beforeAll(() => {
  const records = parse(readFileSync(testFile)) as string[][];
  header = records[0];
  testRecords = records.slice(1);
  const labelIndex = header.indexOf('converted');
  testLabels = testRecords.map((record) => Number(record[labelIndex]));
  writeFileSync(scoreFile, stringify(records.map((record) => record.slice(1))));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function readCsv(file: string): string[][] {
  return parse(readFileSync(file)) as string[][];
}

describe('leadscore on the generated leads of the golden run', () => {
  it('trains with the reference parameters and reports test metrics close to LightGBM', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      trainFile,
      '--test',
      testFile,
      '--label',
      'converted',
      '--drop',
      'lead_id',
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
      /^trained 300 iterations on 5313 rows × 19 features in [\d.]+ s; test AUC 0\.7\d\d\d/,
    );
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({
      evaluatedOn: 'test',
      evaluatedRows: 1329,
      rows: 5313,
      features: 19,
      iterations: 300,
    });
    // The same train and test rows as LightGBM's reference run.
    expect(Math.abs((report.auc as number) - lightGbm.testAuc)).toBeLessThan(0.002);
    expect(Math.abs((report.prAuc as number) - lightGbm.testPrAuc)).toBeLessThan(0.02);
    expect(Math.abs((report.logloss as number) - lightGbm.testLogloss)).toBeLessThan(0.01);
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
      scoreFile,
      '--out',
      outFile,
      '--contrib',
      '--matrix-out',
      matrixFile,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('scored 1329 rows\n');

    const [outHeader, ...outRows] = readCsv(outFile);
    const features = header.filter((name) => !['lead_id', 'converted'].includes(name));
    expect(outHeader).toEqual([
      'probability',
      'raw_score',
      ...features.map((name) => `contrib_${name}`),
      'expected_raw_score',
    ]);
    expect(outRows).toHaveLength(1329);
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

    const [matrixHeader, ...matrix] = readFileSync(matrixFile, 'utf8').trimEnd().split('\n');
    expect(matrixHeader).toBe(features.join(','));
    expect(matrix).toHaveLength(1329);
    const first = matrix[0].split(',');
    expect(first).toHaveLength(19);
    // Row order is input order: the first test row's activity gap and page views come through as is.
    const gap = testRecords[0][header.indexOf('days_since_last_activity')];
    expect(first[features.indexOf('days_since_last_activity')]).toBe(
      gap === '' ? 'nan' : String(Number(gap)),
    );
    expect(first[features.indexOf('page_views')]).toBe(
      String(Number(testRecords[0][header.indexOf('page_views')])),
    );
    expect(matrix.some((line) => line.split(',').includes('nan'))).toBe(true);
    const leadSource = features.indexOf('lead_source');
    expect(matrix.every((line) => /^\d+$/.test(line.split(',')[leadSource]))).toBe(true);
  });

  it('stops early on a held-out share of the training file and says how many iterations it kept', async () => {
    const run = await runLeadscore([
      'train',
      '--train',
      trainFile,
      '--label',
      'converted',
      '--drop',
      'lead_id',
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
    expect(report.validRows).toBe(1328);
    expect(report.rows).toBe(3985);
    expect(report.iterations).toBeLessThan(1000);
    expect(report.iterations).toBeGreaterThan(5);
    expect(report.evaluatedOn).toBe('train');
  });
});
