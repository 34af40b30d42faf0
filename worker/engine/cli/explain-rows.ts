import type { Model } from '../io/model.ts';
import { explainInWorker } from '../runtime/explain-in-worker.ts';

/** Exact contributions, rows × (features + 1), computed in a worker thread. */
export function explainRows(model: Model, matrix: Float64Array): Promise<Float64Array> {
  return explainInWorker(model, matrix);
}
