import { type ConnectionOptions, DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from '../../shared/logger.ts';
import type { JobHandler } from './job-queue.ts';
import { defaultQueuePrefix, type QueueName, queueConcurrency, retryPolicy } from './queue-names.ts';
import { runJob } from './run-job.ts';
import type { TenantControl } from './tenant-control.ts';

export interface QueueWorkerOptions {
  connection: ConnectionOptions;
  tenants: TenantControl;
  logger: Logger;
  prefix?: string;
  concurrency?: number;
  /** Let tests start the worker when they are ready. */
  autorun?: boolean;
  /** BullMQ's job lock (default 30 s, renewed at half) and stalled-job check interval. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * Called once for a job that has failed for good: no attempt left, stopped by the failure policy, or
   * stalled more often than BullMQ allows. The worker's entry point records an alert with it.
   */
  onJobFailedForGood?: (job: Job, reason: string) => void | Promise<void>;
  /** Called after every run of a job, whatever its outcome, with its duration (job-duration metrics). */
  onJobFinished?: JobFinishedHook;
}

export type JobFinishedHook = (queue: QueueName, seconds: number) => void;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A BullMQ processor around a job handler. The failure policy's decision becomes BullMQ's own move:
 * a retry rethrows (BullMQ backs off exponentially and counts the attempt), a wait moves the job to
 * delayed and throws DelayedError (no attempt spent, nothing else paused: never worker.rateLimit()),
 * a stop throws UnrecoverableError (no further attempts).
 */
export function queueProcessor<Q extends QueueName>(
  queue: Q,
  handler: JobHandler<Q>,
  deps: { tenants: TenantControl; logger: Logger; onJobFinished?: JobFinishedHook },
) {
  return async (job: Job, token?: string): Promise<string> => {
    const started = performance.now();
    const outcome = await runJob(queue, job.data, handler, deps, {
      jobId: job.id ?? '',
      attemptsMade: job.attemptsMade,
    });
    try {
      deps.onJobFinished?.(queue, (performance.now() - started) / 1_000);
    } catch (error) {
      // A metric is never a reason to fail or retry the job.
      deps.logger.warn({ err: error, queue }, 'job duration not recorded');
    }
    switch (outcome.kind) {
      case 'completed':
      case 'skipped':
        return outcome.kind;
      case 'wait':
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
      case 'retry':
        throw asError(outcome.error);
      case 'stopped':
        throw new UnrecoverableError(asError(outcome.error).message);
    }
  };
}

/**
 * Whether BullMQ's 'failed' event ends the job: the same test BullMQ applies before retrying (an
 * UnrecoverableError, which includes "job stalled more than allowable limit", or no attempt left).
 */
export function hasFailedForGood(job: Job, error: Error): boolean {
  if (error.name === 'UnrecoverableError') return true;
  if (job.attemptsStarted >= retryPolicy.maxStartedAttempts) return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}

export function createQueueWorker<Q extends QueueName>(
  queue: Q,
  handler: JobHandler<Q>,
  options: QueueWorkerOptions,
): Worker {
  const worker = new Worker(queue, queueProcessor(queue, handler, options), {
    connection: options.connection,
    prefix: options.prefix ?? defaultQueuePrefix,
    concurrency: options.concurrency ?? queueConcurrency[queue],
    autorun: options.autorun ?? true,
    maxStartedAttempts: retryPolicy.maxStartedAttempts,
    ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
    ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
  });
  // Connection resets and Redis restarts surface here; without a listener Node would throw.
  worker.on('error', (error) => options.logger.warn({ err: error, queue }, 'queue worker error'));
  const onFailedForGood = options.onJobFailedForGood;
  if (onFailedForGood !== undefined) {
    worker.on('failed', (job, error) => {
      if (job === undefined || !hasFailedForGood(job, error)) return;
      void Promise.resolve()
        .then(() => onFailedForGood(job, error.message))
        .catch((hookError: unknown) =>
          options.logger.error({ err: hookError, queue, jobId: job.id }, 'recording a failed job failed'),
        );
    });
  }
  return worker;
}

/**
 * SIGTERM: stop taking jobs, let the active ones finish (their locks keep renewing meanwhile), then
 * close. Resolves false when the grace period ran out first.
 */
export async function drainWorkers(workers: Worker[], graceMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const closed = Promise.all(workers.map((worker) => worker.close())).then(() => true);
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  try {
    return await Promise.race([closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The worker process's shutdown: on SIGTERM or SIGINT, drain within `graceMs`, then exit 0 (or 1
 * when the grace period ran out, so the orchestrator knows jobs were left to stall).
 */
export function drainOnSignals(
  workers: Worker[],
  options: { graceMs: number; logger: Logger; exit?: (code: number) => void },
): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    options.logger.info({ signal, graceMs: options.graceMs }, 'draining queue workers');
    void drainWorkers(workers, options.graceMs).then((drained) => {
      if (!drained) options.logger.error('grace period over with jobs still active');
      exit(drained ? 0 : 1);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
