import type { TrainingParams } from '../params/training-params.ts';
import { CliError } from './cli-error.ts';

/**
 * Bytes one leaf costs, measured rather than guessed. In the text model: 113.3 bytes per leaf in the
 * golden LightGBM model (fixtures/golden/nan-model.txt: 40 trees, 600 leaves, 67,980 bytes of tree
 * sections; our own models measure about 108), rounded up. In memory: the typed arrays of `Tree`, 20
 * bytes per leaf (value, weight, count) plus 49 per internal node (feature, gain, threshold, decision
 * type, two children, value, weight, count), and a tree has one internal node fewer than leaves.
 */
export const TEXT_BYTES_PER_LEAF = 114;
export const MEMORY_BYTES_PER_LEAF = 69;

/**
 * Upper estimate of what a model costs while it is saved: the trees in memory plus their text, at
 * every tree growing all `num_leaves` leaves (early stopping and small data only make it smaller).
 */
export function estimateModelBytes(params: Pick<TrainingParams, 'num_iterations' | 'num_leaves'>): number {
  return params.num_iterations * params.num_leaves * (TEXT_BYTES_PER_LEAF + MEMORY_BYTES_PER_LEAF);
}

/** Refuses, before any work, parameters whose model could outgrow `maxModelMb`. */
export function checkModelSize(command: string, params: TrainingParams, maxModelMb: number): void {
  const megabytes = estimateModelBytes(params) / (1024 * 1024);
  if (megabytes <= maxModelMb) return;
  throw new CliError(
    `leadscore ${command}: ${params.num_iterations} iterations × ${params.num_leaves} leaves could make a model of about ${formatMegabytes(megabytes)} MB, above --max-model-mb ${maxModelMb}; lower num_iterations or num_leaves, or raise --max-model-mb`,
  );
}

function formatMegabytes(megabytes: number): string {
  return Math.round(megabytes).toLocaleString('en-US');
}
