import type { TenantId } from '../../shared/schemas/common.ts';
import type { BullmqJobQueue } from '../queues/bullmq-job-queue.ts';
import { parseJobPayload } from '../queues/job-payloads.ts';
import { schedulerId, tenantSchedules } from '../queues/schedulers.ts';

export interface SyncScheduleOptions {
  /** Incremental sync interval; 15 minutes unless set. */
  incrementalEveryMs?: number;
  /** Cron pattern of the full reconcile; every night at 02:00 unless set. */
  reconcilePattern?: string;
  tz?: string;
  /**
   * The first incremental run waits one interval (an install, whose full sync is already queued);
   * otherwise BullMQ runs an `every` scheduler at once, and two syncs would read the CRM together.
   */
  firstIncrementalAfterInterval?: boolean;
  /** The clock of that first run (tests). */
  now?: () => number;
}

const incrementalKey = 'incremental-sync';
const reconcileKey = 'nightly-reconcile';
const defaultEveryMs =
  (
    tenantSchedules.find((schedule) => schedule.key === incrementalKey)?.repeat as
      | { every?: number }
      | undefined
  )?.every ?? 15 * 60_000;

/**
 * Upserts the tenant's two sync schedulers under fixed ids: the incremental one under the same id
 * as schedulers.ts (so a different interval replaces it rather than adding a second), and the
 * nightly full reconcile. Calling it again, from any number of processes, leaves one of each.
 */
export async function upsertSyncSchedulers(
  queues: BullmqJobQueue,
  tenantId: TenantId,
  options: SyncScheduleOptions = {},
): Promise<string[]> {
  const queue = queues.queue('sync');
  const incremental = schedulerId({ key: incrementalKey }, tenantId);
  const everyMs = options.incrementalEveryMs ?? defaultEveryMs;
  const startDate = options.firstIncrementalAfterInterval ? (options.now ?? Date.now)() + everyMs : undefined;
  await queue.upsertJobScheduler(
    incremental,
    startDate === undefined ? { every: everyMs } : { every: everyMs, startDate },
    { name: 'sync', data: parseJobPayload('sync', { tenantId, mode: 'incremental', reason: 'schedule' }) },
  );
  const reconcile = schedulerId({ key: reconcileKey }, tenantId);
  await queue.upsertJobScheduler(
    reconcile,
    { pattern: options.reconcilePattern ?? '0 2 * * *', tz: options.tz ?? 'UTC' },
    { name: 'sync', data: parseJobPayload('sync', { tenantId, mode: 'full', reason: 'schedule' }) },
  );
  return [incremental, reconcile];
}

export async function removeSyncSchedulers(queues: BullmqJobQueue, tenantId: TenantId): Promise<void> {
  const queue = queues.queue('sync');
  await queue.removeJobScheduler(schedulerId({ key: incrementalKey }, tenantId));
  await queue.removeJobScheduler(schedulerId({ key: reconcileKey }, tenantId));
}
