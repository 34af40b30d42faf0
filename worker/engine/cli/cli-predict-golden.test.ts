import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR, GOLDEN_MODELS } from '../io/golden-fixtures.ts';
import { runLeadscore } from './run-leadscore.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-golden-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function numbers(line: string, separator: string): number[] {
  return line.split(separator).map((cell) => (cell === 'nan' ? Number.NaN : Number(cell)));
}

function goldenLines(name: string): string[] {
  return readFileSync(path.join(GOLDEN_DIR, name), 'utf8').trimEnd().split('\n');
}

describe('leadscore predict with a model trained by LightGBM', () => {
  // The sample rows as a CSV export: the model's feature names as header, missing cells empty
  // (the label column LightGBM read first is left out).
  const [sampleHeader, ...sampleLines] = goldenLines('sample.matrix.csv');
  const header = sampleHeader.split(',').slice(1);
  const sample = sampleLines.map((line) => line.split(',').slice(1));
  const dataFile = path.join(directory, 'sample.csv');
  writeFileSync(
    dataFile,
    `${[header, ...sample.map((row) => row.map((cell) => (cell === 'nan' ? '' : cell)))].map((row) => row.join(',')).join('\n')}\n`,
  );

  it.each(GOLDEN_MODELS)(
    'reproduces the %s model’s probabilities, raw scores and contributions, and writes the matrix it read',
    async (name) => {
      const outFile = path.join(directory, `${name}-out.csv`);
      const matrixFile = path.join(directory, `${name}-matrix.csv`);
      const run = await runLeadscore([
        'predict',
        '--model',
        path.join(GOLDEN_DIR, `${name}-model.txt`),
        '--data',
        dataFile,
        '--out',
        outFile,
        '--contrib',
        '--matrix-out',
        matrixFile,
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);

      const [outHeader, ...out] = readFileSync(outFile, 'utf8').trimEnd().split('\n');
      expect(outHeader).toBe(
        [
          'probability',
          'raw_score',
          ...header.map((feature) => `contrib_${feature}`),
          'expected_raw_score',
        ].join(','),
      );
      expect(out).toHaveLength(500);
      const probabilities = goldenLines(`${name}-pred.txt`).map(Number);
      const raws = goldenLines(`${name}-raw.txt`).map(Number);
      const contributions = goldenLines(`${name}-contrib.txt`).map((line) => numbers(line, '\t'));
      let worstPrediction = 0;
      let worstContribution = 0;
      out.forEach((line, row) => {
        const values = numbers(line, ',');
        worstPrediction = Math.max(
          worstPrediction,
          Math.abs(values[0] - probabilities[row]),
          Math.abs(values[1] - raws[row]),
        );
        values.slice(2).forEach((value, column) => {
          worstContribution = Math.max(worstContribution, Math.abs(value - contributions[row][column]));
        });
      });
      expect(worstPrediction).toBeLessThan(1e-9);
      expect(worstContribution).toBeLessThan(1e-6);

      const [matrixHeader, ...matrix] = readFileSync(matrixFile, 'utf8').trimEnd().split('\n');
      expect(matrixHeader).toBe(header.join(','));
      expect(matrix).toHaveLength(500);
      matrix.forEach((line, row) => {
        expect(numbers(line, ',')).toEqual(
          sample[row].map((cell) => (cell === 'nan' ? Number.NaN : Number(cell))),
        );
      });
    },
  );
});
