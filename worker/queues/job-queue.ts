import type { Logger } from '../../shared/logger.ts';
import type { JobPayload } from './job-payloads.ts';
import type { QueueName } from './queue-names.ts';

export interface EnqueueOptions {
  /** Run no earlier than this long from now. */
  delayMs?: number;
}

/** The producer side every service uses; BullMQ in production, inline in most tests. */
export interface JobQueue {
  /** Validates the payload and adds it under its deterministic job id; returns that id. */
  enqueue<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, options?: EnqueueOptions): Promise<string>;
  close(): Promise<void>;
}

export interface JobContext {
  queue: QueueName;
  jobId: string;
  /** Failed attempts so far (rate-limit waits are not attempts). */
  attemptsMade: number;
  logger: Logger;
}

/** A processor: a thin job function that calls a service. It throws; it never decides retries. */
export type JobHandler<Q extends QueueName> = (payload: JobPayload<Q>, context: JobContext) => Promise<void>;
export type JobHandlers = { [Q in QueueName]?: JobHandler<Q> };
