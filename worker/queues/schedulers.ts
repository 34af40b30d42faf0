import type { TenantId } from '../../shared/schemas/common.ts';
import type { BullmqJobQueue } from './bullmq-job-queue.ts';
import { tenantSlug } from './job-ids.ts';
import { type AnyJobPayload, parseJobPayload } from './job-payloads.ts';
import type { QueueName } from './queue-names.ts';

interface TenantSchedule {
  /** Stable part of the scheduler id. */
  key: string;
  queue: QueueName;
  repeat: { every: number } | { pattern: string; tz: string };
  payload: (tenantId: TenantId) => AnyJobPayload;
}

/** Every tenant's recurring work (DESIGN.md: 15-minute incremental sync, weekly retraining). */
export const tenantSchedules: TenantSchedule[] = [
  {
    key: 'incremental-sync',
    queue: 'sync',
    repeat: { every: 15 * 60_000 },
    payload: (tenantId) => ({ tenantId, mode: 'incremental', reason: 'schedule' }),
  },
  {
    key: 'weekly-train',
    queue: 'train',
    repeat: { pattern: '0 3 * * 0', tz: 'UTC' },
    payload: (tenantId) => ({ tenantId, reason: 'schedule' }),
  },
  {
    key: 'daily-drift',
    queue: 'maintenance',
    repeat: { pattern: '0 4 * * *', tz: 'UTC' },
    payload: (tenantId) => ({ tenantId, task: 'drift' }),
  },
  {
    key: 'daily-retention',
    queue: 'maintenance',
    repeat: { pattern: '30 4 * * *', tz: 'UTC' },
    payload: (tenantId) => ({ tenantId, task: 'retention' }),
  },
];

export function schedulerId(schedule: Pick<TenantSchedule, 'key'>, tenantId: TenantId): string {
  return `${schedule.key}.${tenantSlug(tenantId)}`;
}

/**
 * Upserts the tenant's schedulers under fixed ids, so a process that restarts (or twenty that
 * restart at once) leaves one scheduler each and at most one pending job per scheduler.
 */
export async function upsertTenantSchedulers(queues: BullmqJobQueue, tenantId: TenantId): Promise<string[]> {
  const ids: string[] = [];
  for (const schedule of tenantSchedules) {
    const id = schedulerId(schedule, tenantId);
    const data = parseJobPayload(schedule.queue, schedule.payload(tenantId));
    await queues
      .queue(schedule.queue)
      .upsertJobScheduler(id, schedule.repeat, { name: schedule.queue, data });
    ids.push(id);
  }
  return ids;
}

/** On uninstall: no more scheduled work for the tenant. */
export async function removeTenantSchedulers(queues: BullmqJobQueue, tenantId: TenantId): Promise<void> {
  for (const schedule of tenantSchedules) {
    await queues.queue(schedule.queue).removeJobScheduler(schedulerId(schedule, tenantId));
  }
}
