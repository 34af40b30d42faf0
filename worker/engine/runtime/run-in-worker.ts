import { Worker } from 'node:worker_threads';
import {
  type FromWorkerMessage,
  type LoadMessage,
  type StartMessage,
  transferableBuffers,
} from './worker-protocol.ts';

/** The typed-array buffers inside some values, to pass as `transfer`. */
export function transferableBuffersOf(values: unknown[]): ArrayBuffer[] {
  return transferableBuffers(values);
}

/** The promise of a cancelled task rejects with this. */
export class TaskCancelledError extends Error {
  override readonly name = 'TaskCancelledError';
  constructor(what: string) {
    super(`${what} was cancelled`);
  }
}

/** A task that failed inside the worker; the original name and stack are kept. */
export class WorkerTaskError extends Error {
  override readonly name = 'WorkerTaskError';
  constructor(
    message: string,
    readonly originalName: string,
    readonly originalStack: string | undefined,
  ) {
    super(message);
  }
}

export interface RunInWorkerOptions<Progress> {
  /** A name for messages ("training", "explaining"). */
  label: string;
  onProgress?: (event: Progress) => void;
  signal?: AbortSignal;
  /**
   * Buffers moved to the worker instead of copied (they become empty here). Pass the input's big
   * typed arrays when the caller no longer needs them.
   */
  transfer?: ArrayBuffer[];
  /** How long a task may ignore a cancel before its thread is stopped; default 2 s. */
  cancelGraceMs?: number;
  /** A thread opened beforehand for this module (see TaskThread); a new one otherwise. */
  thread?: TaskThread;
}

const ENTRY = new URL('./task-worker-entry.mjs', import.meta.url);

/**
 * A worker thread started ahead of its task, loading the task's module while the caller still
 * prepares the input (reads a CSV), so the task starts warm. It does not keep the process alive
 * until a task runs on it; it runs one task and then ends.
 */
export class TaskThread {
  readonly worker: Worker;
  readonly moduleUrl: URL;
  private used = false;
  /** Set when the thread ended before its task took it (its entry failed to load, or close()). */
  exitCode: number | undefined;
  loadError: Error | undefined;

  private constructor(moduleUrl: URL) {
    this.moduleUrl = moduleUrl;
    this.worker = new Worker(ENTRY);
    this.worker.unref();
    // Kept for the task that takes this thread: it attaches its own listeners only then.
    this.worker.on('error', (error) => {
      this.loadError = error;
    });
    this.worker.on('exit', (code) => {
      this.exitCode = code;
    });
    const load: LoadMessage = { type: 'load', moduleUrl: moduleUrl.href };
    this.worker.postMessage(load);
  }

  static open(moduleUrl: URL): TaskThread {
    return new TaskThread(moduleUrl);
  }

  /** Hands the thread to one task; a thread cannot be reused. */
  take(moduleUrl: URL): Worker {
    if (this.used) throw new Error('a task thread runs one task only');
    if (this.moduleUrl.href !== moduleUrl.href) {
      throw new Error(`this task thread loaded ${this.moduleUrl.href}, not ${moduleUrl.href}`);
    }
    this.used = true;
    this.worker.ref();
    return this.worker;
  }

  /** Ends a thread that will not be used. */
  close(): void {
    void this.worker.terminate();
  }
}

/**
 * Runs `exportName` of the module at `moduleUrl` in a fresh worker thread, so CPU-heavy work leaves
 * this thread's event loop free (BullMQ lock renewal, HTTP). Resolves with the task's result (typed
 * arrays moved back, not copied); rejects with TaskCancelledError after `signal` aborts.
 */
export function runInWorker<Input, Result, Progress>(
  moduleUrl: URL,
  exportName: string,
  input: Input,
  options: RunInWorkerOptions<Progress>,
): Promise<Result> {
  const { signal, label } = options;
  if (signal?.aborted) {
    options.thread?.close();
    return Promise.reject(new TaskCancelledError(label));
  }
  const cancelFlag = new SharedArrayBuffer(4);
  const worker = options.thread?.take(moduleUrl) ?? new Worker(ENTRY);

  return new Promise<Result>((resolve, reject) => {
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = (): void => {
      Atomics.store(new Int32Array(cancelFlag), 0, 1);
      worker.postMessage({ type: 'cancel' });
      graceTimer = setTimeout(
        () => finish(() => reject(new TaskCancelledError(label))),
        options.cancelGraceMs ?? 2000,
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: FromWorkerMessage) => {
      if (settled) return;
      switch (message.type) {
        case 'progress':
          options.onProgress?.(message.event as Progress);
          return;
        case 'done':
          finish(() => resolve(message.result as Result));
          return;
        case 'cancelled':
          finish(() => reject(new TaskCancelledError(label)));
          return;
        case 'failed':
          finish(() =>
            reject(
              new WorkerTaskError(
                `${label} failed: ${message.error.message}`,
                message.error.name,
                message.error.stack,
              ),
            ),
          );
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => {
      finish(() => reject(new Error(`${label} stopped: its worker thread exited with code ${code}`)));
    });

    const start: StartMessage = {
      type: 'start',
      moduleUrl: moduleUrl.href,
      exportName,
      input,
      cancelFlag,
    };
    const thread = options.thread;
    if (thread?.exitCode !== undefined) {
      const reason = thread.loadError?.message ?? `exit code ${thread.exitCode}`;
      finish(() => reject(new Error(`${label} could not start: its worker thread ended early (${reason})`)));
      return;
    }
    worker.postMessage(start, options.transfer ?? []);
  });
}
