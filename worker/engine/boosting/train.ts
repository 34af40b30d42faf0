import type { DatasetMeta } from '../dataset/binned-dataset.ts';
import type { InputSchema } from '../io/input-schema.ts';
import type { Model } from '../io/model.ts';
import { parseTrainingParams, type TrainingParamsInput } from '../params/training-params.ts';
import { GradientBooster, type LabelledMatrix } from './gradient-booster.ts';

export type { FeatureMatrix } from '../dataset/binned-dataset.ts';
export type { LabelledMatrix } from './gradient-booster.ts';

/** Training rows with their labels (0/1), feature names and categorical feature indices. */
export interface TrainingData extends LabelledMatrix, DatasetMeta {}

export type ProgressCallback = (iteration: number, trainMetric?: number, validMetric?: number) => void;

export interface TrainOptions {
  /** Validation rows for the metric and early stopping. */
  valid?: LabelledMatrix;
  /** Called after every iteration (1-based) with the metrics that were computed. */
  onProgress?: ProgressCallback;
  /** Checked before every iteration; training stops with `TrainingCancelledError` once aborted. */
  signal?: AbortSignal;
  /** Raw-record mapping to keep inside the model. */
  inputSchema?: InputSchema;
}

export class TrainingCancelledError extends Error {
  constructor(iteration: number) {
    super(`Training was cancelled after ${iteration} iterations`);
    this.name = 'TrainingCancelledError';
  }
}

/**
 * Trains a binary model synchronously. Use `trainModel` when the caller must stay responsive (a
 * worker thread receiving cancel messages); this one only sees an AbortSignal that was aborted before
 * or from inside `onProgress`.
 */
export function trainModelSync(
  data: TrainingData,
  params: TrainingParamsInput,
  options: TrainOptions = {},
): Model {
  const booster = createBooster(data, params, options);
  let done = 0;
  while (!booster.isFinished) {
    if (options.signal?.aborted) throw new TrainingCancelledError(done);
    const result = booster.trainOneIteration();
    done = result.iteration;
    options.onProgress?.(result.iteration, result.trainMetric, result.validMetric);
  }
  return booster.toModel(options.inputSchema);
}

/**
 * Trains a binary model, yielding to the event loop between iterations so that progress messages go
 * out and an abort from another message can land.
 */
export async function trainModel(
  data: TrainingData,
  params: TrainingParamsInput,
  options: TrainOptions = {},
): Promise<Model> {
  const booster = createBooster(data, params, options);
  let done = 0;
  while (!booster.isFinished) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) throw new TrainingCancelledError(done);
    const result = booster.trainOneIteration();
    done = result.iteration;
    options.onProgress?.(result.iteration, result.trainMetric, result.validMetric);
  }
  return booster.toModel(options.inputSchema);
}

function createBooster(
  data: TrainingData,
  params: TrainingParamsInput,
  options: TrainOptions,
): GradientBooster {
  const parsed = parseTrainingParams(params);
  const meta: DatasetMeta = {};
  if (data.featureNames) meta.featureNames = data.featureNames;
  if (data.categorical) meta.categorical = data.categorical;
  return new GradientBooster({ matrix: data.matrix, labels: data.labels }, meta, parsed, options.valid);
}
