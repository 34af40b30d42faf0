import type { Config } from '../../../shared/config.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { upsertRetentionScheduler } from '../../../worker/maintenance/retention-schedule.ts';
import { upsertWeeklyTrainScheduler } from '../../../worker/modelling/train-schedule.ts';
import { BullmqJobQueue } from '../../../worker/queues/bullmq-job-queue.ts';
import type { JobQueue } from '../../../worker/queues/job-queue.ts';
import { type PurgedJobs, purgeTenantJobs } from '../../../worker/queues/purge-tenant-jobs.ts';
import { upsertSyncSchedulers } from '../../../worker/sync/sync-schedules.ts';

/** A tenant's recurring work in the queues: scheduled at install, removed with its jobs at uninstall. */
export interface TenantQueues {
  /** Upserts the tenant's schedulers (idempotent: fixed ids); returns their ids. */
  schedule(tenantId: TenantId): Promise<string[]>;
  /** Removes the tenant's schedulers and every job of it that is not running. */
  purge(tenantId: TenantId): Promise<PurgedJobs>;
}

/** On BullMQ: incremental and nightly sync, weekly training, daily retention, as the worker upserts them. */
export function bullmqTenantQueues(
  queues: BullmqJobQueue,
  config: Pick<Config, 'SYNC_EVERY_MINUTES' | 'SYNC_RECONCILE_CRON'>,
): TenantQueues {
  return {
    async schedule(tenantId) {
      const sync = await upsertSyncSchedulers(queues, tenantId, {
        incrementalEveryMs: config.SYNC_EVERY_MINUTES * 60_000,
        reconcilePattern: config.SYNC_RECONCILE_CRON,
        firstIncrementalAfterInterval: true,
      });
      const train = await upsertWeeklyTrainScheduler(queues, tenantId);
      const retention = await upsertRetentionScheduler(queues, tenantId);
      return [...sync, train, retention];
    },
    purge: (tenantId) => purgeTenantJobs(queues, tenantId),
  };
}

/**
 * The scheduling the server's producer allows: BullMQ schedules; any other producer (an inline
 * queue in a test) has no schedulers to keep, so scheduling says it did nothing.
 */
export function tenantQueuesFor(
  queues: JobQueue,
  config: Parameters<typeof bullmqTenantQueues>[1],
): TenantQueues {
  if (queues instanceof BullmqJobQueue) return bullmqTenantQueues(queues, config);
  return {
    schedule: async () => [],
    purge: async () => ({ schedulers: 0, jobs: 0, active: 0 }),
  };
}
