import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';
import { jobIdFor } from './job-ids.ts';
import { type JobPayload, parseJobPayload } from './job-payloads.ts';
import type { EnqueueOptions, JobQueue } from './job-queue.ts';
import { defaultQueuePrefix, type QueueName, retention, retryPolicy } from './queue-names.ts';

export interface BullmqQueueOptions {
  connection: ConnectionOptions;
  /** Keep the braces (a cluster hash tag); tests pass a unique one. */
  prefix?: string;
  /** First retry delay of the exponential backoff; tests shorten it. */
  backoffDelayMs?: number;
  /** Connection errors while Redis restarts or resets; the queue reconnects by itself. */
  onError?: (error: Error) => void;
}

/** Options of every job: bounded attempts, exponential backoff, bounded retention. */
export const defaultJobOptions: JobsOptions = {
  attempts: retryPolicy.attempts,
  backoff: { type: 'exponential', delay: retryPolicy.backoffDelayMs },
  removeOnComplete: retention.completed,
  removeOnFail: retention.failed,
};

/** The JobQueue on BullMQ: one BullMQ queue per name, created on first use. */
export class BullmqJobQueue implements JobQueue {
  readonly prefix: string;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly options: BullmqQueueOptions) {
    this.prefix = options.prefix ?? defaultQueuePrefix;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      const backoff = {
        type: 'exponential',
        delay: this.options.backoffDelayMs ?? retryPolicy.backoffDelayMs,
      };
      queue = new Queue(name, {
        connection: this.options.connection,
        prefix: this.prefix,
        defaultJobOptions: { ...defaultJobOptions, backoff },
      });
      queue.on('error', this.options.onError ?? (() => {}));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue<Q extends QueueName>(
    name: Q,
    payload: JobPayload<Q>,
    options: EnqueueOptions = {},
  ): Promise<string> {
    const parsed = parseJobPayload(name, payload);
    const jobId = jobIdFor(name, parsed);
    // Same id while the first job exists: BullMQ keeps the first and adds nothing.
    await this.queue(name).add(name, parsed, { jobId, delay: options.delayMs });
    return jobId;
  }

  /** Removes every job and key of these queues (tests, tenant-free environments). */
  async obliterate(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.obliterate({ force: true })));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
