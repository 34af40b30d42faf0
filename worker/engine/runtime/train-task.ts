import type { LabelledMatrix } from '../boosting/gradient-booster.ts';
import { type TrainingData, trainModel } from '../boosting/train.ts';
import type { InputSchema } from '../io/input-schema.ts';
import type { Model } from '../io/model.ts';
import type { TrainingParamsInput } from '../params/training-params.ts';
import type { TaskContext } from './worker-protocol.ts';

export interface TrainTaskInput {
  data: TrainingData;
  params: TrainingParamsInput;
  valid?: LabelledMatrix;
  inputSchema?: InputSchema;
}

/** One finished boosting iteration, as the caller sees it. */
export interface TrainingProgress {
  iteration: number;
  trainMetric?: number;
  validMetric?: number;
}

/** Runs in the worker thread: trains with the thread's cancel signal and reports every iteration. */
export async function trainTask(
  input: TrainTaskInput,
  context: TaskContext<TrainingProgress>,
): Promise<Model> {
  return trainModel(input.data, input.params, {
    signal: context.signal,
    ...(input.valid === undefined ? {} : { valid: input.valid }),
    ...(input.inputSchema === undefined ? {} : { inputSchema: input.inputSchema }),
    onProgress: (iteration, trainMetric, validMetric) => {
      const event: TrainingProgress = { iteration };
      if (trainMetric !== undefined) event.trainMetric = trainMetric;
      if (validMetric !== undefined) event.validMetric = validMetric;
      context.progress(event);
    },
  });
}
