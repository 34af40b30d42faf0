import { explainerFor, explainMatrix } from '../explain/fast-tree-shap.ts';
import type { Model } from '../io/model.ts';
import type { TaskContext } from './worker-protocol.ts';

export interface ExplainTaskInput {
  model: Model;
  /** Rows × features, row-major, model feature order. */
  matrix: Float64Array;
  /** Rows explained between two progress events (and cancellation checks); default 4096. */
  chunkRows?: number;
}

export interface ExplainProgress {
  rowsDone: number;
  rows: number;
}

/** Thrown inside the worker when a cancel lands between chunks. */
class ExplainCancelledError extends Error {
  override readonly name = 'ExplainCancelledError';
}

/**
 * Runs in the worker thread: exact contributions (LightGBM's predict_contrib layout, rows ×
 * (features + 1)) in chunks, so progress flows and a cancel stops within one chunk.
 */
export function explainTask(input: ExplainTaskInput, context: TaskContext<ExplainProgress>): Float64Array {
  const explainer = explainerFor(input.model);
  const features = explainer.numFeatures;
  const rows = input.matrix.length / features;
  const width = features + 1;
  const out = new Float64Array(rows * width);
  const chunk = Math.max(1, input.chunkRows ?? 4096);
  for (let start = 0; start < rows; start += chunk) {
    if (context.signal.aborted) throw new ExplainCancelledError('explaining was cancelled');
    const end = Math.min(rows, start + chunk);
    out.set(explainMatrix(explainer, input.matrix.subarray(start * features, end * features)), start * width);
    context.progress({ rowsDone: end, rows });
  }
  return out;
}
