import type { Model } from '../io/model.ts';
import type { ExplainProgress, ExplainTaskInput } from './explain-task.ts';
import { runInWorker } from './run-in-worker.ts';

export interface ExplainInWorkerOptions {
  onProgress?: (event: ExplainProgress) => void;
  signal?: AbortSignal;
  /** Move the matrix to the worker instead of copying it (it becomes empty here). */
  moveMatrix?: boolean;
  chunkRows?: number;
}

const TASK_MODULE = new URL('./explain-task.ts', import.meta.url);

/**
 * Exact SHAP contributions computed off this thread's event loop: rows × (features + 1), the last
 * column being the expected value. Rejects with TaskCancelledError when `signal` aborts.
 */
export function explainInWorker(
  model: Model,
  matrix: Float64Array,
  options: ExplainInWorkerOptions = {},
): Promise<Float64Array> {
  const input: ExplainTaskInput = { model, matrix };
  if (options.chunkRows !== undefined) input.chunkRows = options.chunkRows;
  return runInWorker<ExplainTaskInput, Float64Array, ExplainProgress>(TASK_MODULE, 'explainTask', input, {
    label: 'explaining',
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    transfer: options.moveMatrix && matrix.buffer instanceof ArrayBuffer ? [matrix.buffer] : [],
  });
}
