import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInWorker, TaskCancelledError, TaskThread, WorkerTaskError } from './run-in-worker.ts';

const TASKS = new URL('./fixtures/busy-loop-task.ts', import.meta.url);

describe('runInWorker', () => {
  it('delivers progress events in order and moves typed arrays both ways', async () => {
    const values = Float64Array.from([1, 2, 3.5]);
    const events: { iteration: number; metric: number }[] = [];
    const result = await runInWorker<
      unknown,
      { sum: Float64Array; steps: number },
      { iteration: number; metric: number }
    >(
      TASKS,
      'busyLoop',
      { steps: 20, stepMs: 1, values },
      { label: 'training', onProgress: (event) => events.push(event), transfer: [values.buffer] },
    );
    expect(values.length).toBe(0);
    expect(result.sum).toBeInstanceOf(Float64Array);
    expect(Array.from(result.sum)).toEqual([6.5]);
    expect(events.map((event) => event.iteration)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    expect(events[19].metric).toBe(1);
  });

  it('keeps the calling event loop responsive while the task never yields', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 10);
    const started = performance.now();
    await runInWorker(
      TASKS,
      'busyLoop',
      { steps: 40, stepMs: 20, values: new Float64Array(0) },
      { label: 'training' },
    );
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // 800 ms of blocked CPU in the worker; here the 10 ms timer must have fired most of the time.
    expect(elapsed).toBeGreaterThan(700);
    expect(ticks).toBeGreaterThan((elapsed / 10) * 0.5);
  });

  it('cancels through the task signal and rejects with a cancellation error', async () => {
    const controller = new AbortController();
    const events: number[] = [];
    const run = runInWorker<unknown, unknown, { iteration: number }>(
      TASKS,
      'busyLoop',
      { steps: 10_000, stepMs: 5, values: new Float64Array(0) },
      {
        label: 'training',
        signal: controller.signal,
        // A long grace period proves the task itself stopped, not the thread being killed.
        cancelGraceMs: 30_000,
        onProgress: (event) => {
          events.push(event.iteration);
          if (event.iteration === 5) controller.abort();
        },
      },
    );
    const started = performance.now();
    await expect(run).rejects.toThrow(new TaskCancelledError('training'));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(events.length).toBeLessThan(10_000);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runInWorker(
        TASKS,
        'busyLoop',
        { steps: 1, stepMs: 1, values: new Float64Array(0) },
        {
          label: 'explaining',
          signal: controller.signal,
        },
      ),
    ).rejects.toThrow('explaining was cancelled');
  });

  it('passes a task failure back with its original name and message', async () => {
    const error = await runInWorker(TASKS, 'failingTask', {}, { label: 'training' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WorkerTaskError);
    expect((error as WorkerTaskError).message).toBe('training failed: num_leaves must be at least 2');
    expect((error as WorkerTaskError).originalName).toBe('RangeError');
  });
});

describe('TaskThread', () => {
  it('runs a task on a thread opened before the input was ready', async () => {
    const thread = TaskThread.open(TASKS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await runInWorker<unknown, { steps: number }, unknown>(
      TASKS,
      'busyLoop',
      { steps: 3, stepMs: 1, values: new Float64Array(0) },
      { label: 'training', thread },
    );
    expect(result.steps).toBe(3);
    expect(() => thread.take(TASKS)).toThrow('a task thread runs one task only');
  });

  it('rejects instead of waiting when the opened thread already ended', async () => {
    const thread = TaskThread.open(TASKS);
    thread.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(
      runInWorker(
        TASKS,
        'busyLoop',
        { steps: 1, stepMs: 1, values: new Float64Array(0) },
        { label: 'training', thread },
      ),
    ).rejects.toThrow('training could not start: its worker thread ended early');
  });
});

describe('the worker entry', () => {
  it('loads under the tsx command as well as under the test runner', async () => {
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const script = fileURLToPath(new URL('./fixtures/run-under-tsx.ts', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(tsx, [script], { timeout: 60_000 }, (error, out) => (error ? reject(error) : resolve(out)));
    });
    expect(JSON.parse(stdout)).toEqual({ iterations: [1, 2, 3, 4], sum: [4], steps: 4 });
  });
});
