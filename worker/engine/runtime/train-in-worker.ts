import type { Model } from '../io/model.ts';
import { runInWorker, TaskThread, transferableBuffersOf } from './run-in-worker.ts';
import type { TrainingProgress, TrainTaskInput } from './train-task.ts';

export interface TrainInWorkerOptions {
  onProgress?: (event: TrainingProgress) => void;
  signal?: AbortSignal;
  /**
   * Move the training and validation arrays to the worker instead of copying them (they become
   * empty here): halves peak memory on big tables when the caller is done with them.
   */
  moveData?: boolean;
  /** A thread opened with openTrainingThread() while the data was being read. */
  thread?: TaskThread;
}

const TASK_MODULE = new URL('./train-task.ts', import.meta.url);

/** Starts a training thread early so it is warm when the data is ready. */
export function openTrainingThread(): TaskThread {
  return TaskThread.open(TASK_MODULE);
}

/**
 * Trains off this thread's event loop. Rejects with TaskCancelledError when `signal` aborts, and with
 * WorkerTaskError (original name kept, e.g. TrainingParamsError) when training fails.
 */
export function trainInWorker(input: TrainTaskInput, options: TrainInWorkerOptions = {}): Promise<Model> {
  return runInWorker<TrainTaskInput, Model, TrainingProgress>(TASK_MODULE, 'trainTask', input, {
    label: 'training',
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.thread === undefined ? {} : { thread: options.thread }),
    transfer: options.moveData
      ? transferableBuffersOf([input.data.matrix, input.data.labels, input.valid])
      : [],
  });
}
