import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/random.ts';
import { TaskCancelledError } from './run-in-worker.ts';
import { trainInWorker } from './train-in-worker.ts';
import type { TrainingProgress } from './train-task.ts';

/** Rows where the label depends on the first two columns, so a model has something to learn. */
function syntheticRows(rows: number, seed: number): { values: Float64Array; labels: Float64Array } {
  const random = seededRandom(seed);
  const values = new Float64Array(rows * 4);
  const labels = new Float64Array(rows);
  for (let row = 0; row < rows; row += 1) {
    for (let feature = 0; feature < 4; feature += 1) values[row * 4 + feature] = random() * 10;
    const logit = values[row * 4] - values[row * 4 + 1];
    labels[row] = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { values, labels };
}

function trainingInput(rows: number, iterations: number) {
  const train = syntheticRows(rows, 1);
  const valid = syntheticRows(2000, 2);
  return {
    data: { matrix: { numRows: rows, numFeatures: 4, values: train.values }, labels: train.labels },
    valid: { matrix: { numRows: 2000, numFeatures: 4, values: valid.values }, labels: valid.labels },
    params: { num_iterations: iterations, num_leaves: 15, metric: 'auc' as const },
  };
}

describe('trainInWorker', () => {
  it('reports every iteration in order with its validation metric and returns the model', async () => {
    const events: TrainingProgress[] = [];
    const model = await trainInWorker(trainingInput(5000, 30), { onProgress: (event) => events.push(event) });
    expect(events.map((event) => event.iteration)).toEqual(
      Array.from({ length: 30 }, (_, index) => index + 1),
    );
    expect(events.every((event) => typeof event.validMetric === 'number')).toBe(true);
    expect(events[29].validMetric).toBeGreaterThan(0.85);
    expect(model.trees).toHaveLength(30);
    expect(model.trees[0].leafValue).toBeInstanceOf(Float64Array);
  });

  it('keeps the calling event loop ticking while a long training runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 10);
    const started = performance.now();
    await trainInWorker(trainingInput(100_000, 60), { moveData: true });
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(elapsed).toBeGreaterThan(300);
    expect(ticks).toBeGreaterThan((elapsed / 10) * 0.5);
  });

  it('stops training on cancel and rejects with a cancellation error', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = trainInWorker(trainingInput(20_000, 100_000), {
      signal: controller.signal,
      onProgress: (event) => {
        seen.push(event.iteration);
        if (event.iteration === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(TaskCancelledError);
    await expect(run).rejects.toThrow('training was cancelled');
    expect(seen.length).toBeLessThan(100);
  });
});
