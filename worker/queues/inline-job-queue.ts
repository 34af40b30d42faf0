import { createLogger, type Logger } from '../../shared/logger.ts';
import { jobIdFor } from './job-ids.ts';
import { type AnyJobPayload, type JobPayload, parseJobPayload } from './job-payloads.ts';
import type { EnqueueOptions, JobHandler, JobHandlers, JobQueue } from './job-queue.ts';
import { backoffDelayMs, type QueueName, retryPolicy } from './queue-names.ts';
import { type JobOutcome, runJob } from './run-job.ts';
import { InMemoryTenantControl, type TenantControl } from './tenant-control.ts';

export interface InlineJob {
  id: string;
  queue: QueueName;
  payload: AnyJobPayload;
  state: 'waiting' | 'completed' | 'skipped' | 'failed';
  attemptsMade: number;
  /** Runs started, waits included. */
  attemptsStarted: number;
  /** Virtual time at which the job may run next. */
  runAt: number;
  failedReason?: string;
}

export interface InlineJobQueueOptions {
  handlers: JobHandlers;
  tenants?: TenantControl;
  logger?: Logger;
  /** Start of the virtual clock (epoch ms). */
  startAt?: number;
  attempts?: number;
  backoffDelayMs?: number;
}

/**
 * The queues without Redis: jobs run in this process on a virtual clock that jumps to the next due
 * job, so retries, backoff and rate-limit waits play out at once and in a known order. The same
 * runJob and failure policy as the BullMQ runner decide what each run leads to.
 */
export class InlineJobQueue implements JobQueue {
  readonly jobs = new Map<string, InlineJob>();
  /** Every run in order: virtual time, job id and what it led to. */
  readonly runs: { at: number; jobId: string; tenantId: string; outcome: JobOutcome['kind'] }[] = [];
  readonly tenants: TenantControl;
  now: number;
  private readonly handlers: JobHandlers;
  private readonly logger: Logger;
  private readonly attempts: number;
  private readonly backoffBaseMs: number;

  constructor(options: InlineJobQueueOptions) {
    this.handlers = options.handlers;
    this.tenants = options.tenants ?? new InMemoryTenantControl();
    this.logger = options.logger ?? createLogger({ level: 'silent' });
    this.now = options.startAt ?? 0;
    this.attempts = options.attempts ?? retryPolicy.attempts;
    this.backoffBaseMs = options.backoffDelayMs ?? retryPolicy.backoffDelayMs;
  }

  async enqueue<Q extends QueueName>(
    queue: Q,
    payload: JobPayload<Q>,
    options: EnqueueOptions = {},
  ): Promise<string> {
    const parsed = parseJobPayload(queue, payload);
    const id = jobIdFor(queue, parsed);
    if (!this.jobs.has(id)) {
      this.jobs.set(id, {
        id,
        queue,
        payload: parsed,
        state: 'waiting',
        attemptsMade: 0,
        attemptsStarted: 0,
        runAt: this.now + (options.delayMs ?? 0),
      });
    }
    return id;
  }

  async close(): Promise<void> {}

  private nextDue(): InlineJob | undefined {
    let next: InlineJob | undefined;
    for (const job of this.jobs.values()) {
      if (job.state === 'waiting' && (next === undefined || job.runAt < next.runAt)) next = job;
    }
    return next;
  }

  /**
   * Runs jobs (and the jobs they enqueue) until none is waiting, or none is due by `until` (virtual
   * epoch ms); returns how many runs it made.
   */
  async runUntilIdle(options: { until?: number; maxRuns?: number } = {}): Promise<number> {
    const { until = Number.POSITIVE_INFINITY, maxRuns = 10_000 } = options;
    let count = 0;
    for (let job = this.nextDue(); job !== undefined && job.runAt <= until; job = this.nextDue()) {
      if (count >= maxRuns) throw new Error(`inline queue still busy after ${maxRuns} runs`);
      count += 1;
      this.now = Math.max(this.now, job.runAt);
      await this.runOnce(job);
    }
    return count;
  }

  private async runOnce(job: InlineJob): Promise<void> {
    const handler = this.handlers[job.queue] as JobHandler<QueueName> | undefined;
    if (handler === undefined) throw new Error(`no handler for the ${job.queue} queue`);
    job.attemptsStarted += 1;
    if (job.attemptsStarted > retryPolicy.maxStartedAttempts) {
      // As BullMQ's maxStartedAttempts: the job fails without running again.
      job.state = 'failed';
      job.failedReason = 'job started more than allowable limit';
      return;
    }
    const outcome = await runJob(
      job.queue,
      job.payload,
      handler,
      { tenants: this.tenants, logger: this.logger },
      {
        jobId: job.id,
        attemptsMade: job.attemptsMade,
      },
    );
    this.runs.push({ at: this.now, jobId: job.id, tenantId: job.payload.tenantId, outcome: outcome.kind });
    switch (outcome.kind) {
      case 'completed':
      case 'skipped':
        job.state = outcome.kind;
        return;
      case 'wait':
        job.runAt = this.now + outcome.delayMs;
        return;
      case 'retry':
        job.attemptsMade += 1;
        if (job.attemptsMade >= this.attempts) {
          job.state = 'failed';
          job.failedReason = String(outcome.error);
        } else {
          job.runAt = this.now + backoffDelayMs(job.attemptsMade, this.backoffBaseMs);
        }
        return;
      case 'stopped':
        job.attemptsMade += 1;
        job.state = 'failed';
        job.failedReason = String(outcome.error);
    }
  }
}
