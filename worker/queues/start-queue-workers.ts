import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.ts';
import { checkRedisPolicy } from '../../shared/store/redis-policy.ts';
import { createQueueWorker, type JobFinishedHook } from './bullmq-worker.ts';
import type { JobHandler, JobHandlers } from './job-queue.ts';
import { type QueueName, queueNames } from './queue-names.ts';
import type { TenantControl } from './tenant-control.ts';

export class RedisPolicyRefusal extends Error {
  override readonly name = 'RedisPolicyRefusal';
  constructor(readonly problems: string[]) {
    super(`refusing to start the queue workers: Redis would lose jobs. ${problems.join('; ')}`);
  }
}

export interface StartQueueWorkersOptions {
  /** A connection with `maxRetriesPerRequest: null`, as BullMQ workers need. */
  connection: Redis;
  handlers: JobHandlers;
  tenants: TenantControl;
  logger: Logger;
  prefix?: string;
  concurrency?: number;
  /** A job failed for good (attempts spent, stopped, or stalled too often): record an alert. */
  onJobFailedForGood?: (job: Job, reason: string) => void | Promise<void>;
  /** After every job run, with its duration: pass `(queue, s) => void metrics.jobFinished(queue, s)`. */
  onJobFinished?: JobFinishedHook;
}

/**
 * One BullMQ worker per queue that has a handler, after checking that Redis keeps what it is given
 * (AOF on, noeviction): an evicting Redis would drop queued jobs silently, so the process refuses.
 */
export async function startQueueWorkers(options: StartQueueWorkersOptions): Promise<Worker[]> {
  const policy = await checkRedisPolicy(options.connection);
  if (!policy.ok) throw new RedisPolicyRefusal(policy.problems);
  const workers: Worker[] = [];
  for (const queue of queueNames) {
    const handler = options.handlers[queue] as JobHandler<QueueName> | undefined;
    if (handler !== undefined) workers.push(createQueueWorker(queue, handler, options));
  }
  return workers;
}
