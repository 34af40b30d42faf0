import type { TenantId } from '../../shared/schemas/common.ts';
import type { BullmqJobQueue } from '../queues/bullmq-job-queue.ts';
import { parseJobPayload } from '../queues/job-payloads.ts';
import { schedulerId } from '../queues/schedulers.ts';

/** The same scheduler key as schedulers.ts, so either upsert replaces the other instead of adding one. */
const retentionKey = 'daily-retention';

/**
 * Upserts the tenant's daily retention check under a fixed scheduler id (04:30 UTC unless told):
 * calling it again, from any number of processes, leaves one scheduler.
 */
export async function upsertRetentionScheduler(
  queues: BullmqJobQueue,
  tenantId: TenantId,
  options: { pattern?: string; tz?: string } = {},
): Promise<string> {
  const id = schedulerId({ key: retentionKey }, tenantId);
  await queues
    .queue('maintenance')
    .upsertJobScheduler(
      id,
      { pattern: options.pattern ?? '30 4 * * *', tz: options.tz ?? 'UTC' },
      { name: 'maintenance', data: parseJobPayload('maintenance', { tenantId, task: 'retention' }) },
    );
  return id;
}
