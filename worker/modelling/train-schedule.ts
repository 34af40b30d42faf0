import type { TenantId } from '../../shared/schemas/common.ts';
import type { BullmqJobQueue } from '../queues/bullmq-job-queue.ts';
import { parseJobPayload } from '../queues/job-payloads.ts';
import { schedulerId } from '../queues/schedulers.ts';

/** The same scheduler key as schedulers.ts, so either upsert replaces the other instead of adding one. */
const weeklyTrainKey = 'weekly-train';

export interface TrainScheduleOptions {
  /** Cron pattern; Sundays at 03:00 unless set. */
  pattern?: string;
  tz?: string;
}

/**
 * Upserts the tenant's weekly retraining under a fixed scheduler id: calling it again, from any
 * number of restarting processes, leaves one scheduler (and at most one pending job from it).
 */
export async function upsertWeeklyTrainScheduler(
  queues: BullmqJobQueue,
  tenantId: TenantId,
  options: TrainScheduleOptions = {},
): Promise<string> {
  const id = schedulerId({ key: weeklyTrainKey }, tenantId);
  await queues
    .queue('train')
    .upsertJobScheduler(
      id,
      { pattern: options.pattern ?? '0 3 * * 0', tz: options.tz ?? 'UTC' },
      { name: 'train', data: parseJobPayload('train', { tenantId, reason: 'schedule' }) },
    );
  return id;
}

export async function removeWeeklyTrainScheduler(queues: BullmqJobQueue, tenantId: TenantId): Promise<void> {
  await queues.queue('train').removeJobScheduler(schedulerId({ key: weeklyTrainKey }, tenantId));
}
