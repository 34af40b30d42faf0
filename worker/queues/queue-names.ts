/**
 * The worker's queues, in pipeline order; `rescore` is the real-time path (CRM events → a few leads
 * scored, written back and routed); `maintenance` runs retention and drift checks.
 */
export const queueNames = ['sync', 'train', 'score', 'rescore', 'writeback', 'route', 'maintenance'] as const;
export type QueueName = (typeof queueNames)[number];

/**
 * BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of every queue lands in one
 * slot, so BullMQ's multi-key scripts run on a cluster.
 */
export const defaultQueuePrefix = '{leadscore}';

/** Attempts and backoff of every job; RATE_LIMITED waits spend none of these attempts. */
export const retryPolicy = {
  attempts: 5,
  /** First retry after this long, then twice as long each time (2 s, 4 s, 8 s, 16 s). */
  backoffDelayMs: 2_000,
  /** A RATE_LIMITED error without a wait from the provider waits one HubSpot window. */
  defaultRateLimitWaitMs: 10_000,
  /** Waits spend no attempt, but a job started this many times fails: no job waits forever. */
  maxStartedAttempts: 100,
} as const;

/** Finished jobs are kept for a bounded time only (job data holds ids, still not kept forever). */
export const retention = {
  completed: { age: 24 * 3_600, count: 1_000 },
  failed: { age: 7 * 24 * 3_600 },
} as const;

/** The delay before retry number `attemptsMade` (1-based), as BullMQ's exponential backoff computes it. */
export function backoffDelayMs(attemptsMade: number, baseMs: number = retryPolicy.backoffDelayMs): number {
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * baseMs);
}

/**
 * Jobs each worker process runs at once per queue. A rescore mostly waits on its CRM (and on that
 * tenant's rate budget), so many run side by side: one tenant's paced jobs never hold the slots
 * another tenant's events need.
 */
export const queueConcurrency: Record<QueueName, number> = {
  sync: 4,
  train: 4,
  score: 4,
  rescore: 50,
  writeback: 4,
  route: 4,
  maintenance: 4,
};
