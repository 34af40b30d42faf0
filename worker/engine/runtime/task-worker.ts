import { parentPort } from 'node:worker_threads';
import {
  type FromWorkerMessage,
  type SerializedError,
  type StartMessage,
  type ToWorkerMessage,
  transferableBuffers,
  type WorkerTask,
} from './worker-protocol.ts';

/**
 * The worker side: waits for one start message, runs the named task, posts its progress and result.
 * Cancellation arrives two ways: a message (seen when the task yields) and a shared flag checked on
 * every progress event (seen even when the task runs one synchronous loop to the end).
 */
const port = parentPort;
if (port === null) throw new Error('task-worker.ts must run in a worker thread');

const controller = new AbortController();
const loaded = new Map<string, Promise<Record<string, unknown>>>();

function load(moduleUrl: string): Promise<Record<string, unknown>> {
  let module = loaded.get(moduleUrl);
  if (module === undefined) {
    module = import(moduleUrl) as Promise<Record<string, unknown>>;
    // Failures surface when the task starts; do not let an early load crash the thread.
    module.catch(() => {});
    loaded.set(moduleUrl, module);
  }
  return module;
}
let cancelFlag: Int32Array | undefined;

function send(message: FromWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function checkCancelled(): void {
  if (!controller.signal.aborted && cancelFlag !== undefined && Atomics.load(cancelFlag, 0) === 1) {
    controller.abort();
  }
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

async function run(message: StartMessage): Promise<void> {
  cancelFlag = new Int32Array(message.cancelFlag);
  try {
    const module = await load(message.moduleUrl);
    const task = module[message.exportName];
    if (typeof task !== 'function') {
      throw new Error(`${message.moduleUrl} has no function export named ${message.exportName}`);
    }
    const result = await (task as WorkerTask<unknown, unknown, unknown>)(message.input, {
      signal: controller.signal,
      progress: (event) => {
        send({ type: 'progress', event });
        checkCancelled();
      },
    });
    checkCancelled();
    if (controller.signal.aborted) send({ type: 'cancelled' });
    else send({ type: 'done', result }, transferableBuffers(result));
  } catch (error) {
    checkCancelled();
    if (controller.signal.aborted) send({ type: 'cancelled' });
    else send({ type: 'failed', error: serializeError(error) });
  }
}

port.on('message', (message: ToWorkerMessage) => {
  if (message.type === 'cancel') controller.abort();
  else if (message.type === 'load') void load(message.moduleUrl);
  else void run(message);
});
