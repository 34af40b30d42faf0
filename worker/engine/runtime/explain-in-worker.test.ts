import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/random.ts';
import { trainModelSync } from '../boosting/train.ts';
import { predictRaw } from '../predict/predict.ts';
import { explainInWorker } from './explain-in-worker.ts';
import type { ExplainProgress } from './explain-task.ts';
import { TaskCancelledError } from './run-in-worker.ts';

function rows(count: number, seed: number): { matrix: Float64Array; labels: Float64Array } {
  const random = seededRandom(seed);
  const matrix = new Float64Array(count * 3);
  const labels = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    matrix[row * 3] = random() < 0.1 ? Number.NaN : random() * 4;
    matrix[row * 3 + 1] = Math.floor(random() * 5);
    matrix[row * 3 + 2] = random();
    labels[row] = random() < (matrix[row * 3 + 1] + (matrix[row * 3] > 2 ? 2 : 0)) / 7 ? 1 : 0;
  }
  return { matrix, labels };
}

const train = rows(3000, 1);
const model = trainModelSync(
  { matrix: { numRows: 3000, numFeatures: 3, values: train.matrix }, labels: train.labels, categorical: [1] },
  { num_iterations: 40, num_leaves: 8 },
);

describe('explainInWorker', () => {
  it('returns contributions that add up to the raw scores, with progress per chunk', async () => {
    const { matrix } = rows(1000, 2);
    const raw = predictRaw(model, matrix);
    const events: ExplainProgress[] = [];
    const contributions = await explainInWorker(model, matrix, {
      chunkRows: 300,
      onProgress: (e) => events.push(e),
    });
    expect(events).toEqual([
      { rowsDone: 300, rows: 1000 },
      { rowsDone: 600, rows: 1000 },
      { rowsDone: 900, rows: 1000 },
      { rowsDone: 1000, rows: 1000 },
    ]);
    expect(contributions).toHaveLength(4000);
    for (let row = 0; row < 1000; row += 1) {
      const sum = contributions.subarray(row * 4, row * 4 + 4).reduce((total, value) => total + value, 0);
      expect(Math.abs(sum - raw[row])).toBeLessThan(1e-9);
    }
  });

  it('stops between chunks on cancel', async () => {
    const { matrix } = rows(20_000, 3);
    const controller = new AbortController();
    let chunks = 0;
    const run = explainInWorker(model, matrix, {
      chunkRows: 10,
      signal: controller.signal,
      onProgress: () => {
        chunks += 1;
        if (chunks === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(TaskCancelledError);
    expect(chunks).toBeLessThan(2000);
  });
});
