/** What a task running in a worker thread receives besides its input. */
export interface TaskContext<Progress> {
  /** Aborted when the caller cancels; long loops check it between steps. */
  signal: AbortSignal;
  /** Sends one progress event to the caller, in order. Also the point where cancellation is noticed. */
  progress: (event: Progress) => void;
}

/** A function a worker thread can run: the export named in the request of the module it names. */
export type WorkerTask<Input, Result, Progress> = (
  input: Input,
  context: TaskContext<Progress>,
) => Result | Promise<Result>;

export interface StartMessage {
  type: 'start';
  /** file: URL of the module that exports the task. */
  moduleUrl: string;
  exportName: string;
  input: unknown;
  /** One Int32 set to 1 by the caller on cancel, readable even while the task never yields. */
  cancelFlag: SharedArrayBuffer;
}

/** Sent to a thread opened ahead of its task, so the module loads while the input is prepared. */
export interface LoadMessage {
  type: 'load';
  moduleUrl: string;
}

export interface CancelMessage {
  type: 'cancel';
}

export type ToWorkerMessage = LoadMessage | StartMessage | CancelMessage;

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export type FromWorkerMessage =
  | { type: 'progress'; event: unknown }
  | { type: 'done'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'failed'; error: SerializedError };

/** Every distinct ArrayBuffer under typed arrays in a value (objects and arrays walked), for transfer. */
export function transferableBuffers(value: unknown, found: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  walk(value, found, new Set());
  return [...found];
}

function walk(value: unknown, found: Set<ArrayBuffer>, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    // Shared memory is shared, not moved; a buffer can be listed once only.
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) found.add(value.buffer);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, found, seen);
    return;
  }
  for (const item of Object.values(value)) walk(item, found, seen);
}
