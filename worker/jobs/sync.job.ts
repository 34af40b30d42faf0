import { scorePassAfter } from '../queues/job-ids.ts';
import type { JobHandler, JobQueue } from '../queues/job-queue.ts';
import type { SyncService } from '../sync/sync-service.ts';

/**
 * The `sync` processor: the payload is already parsed (runJob), so it only picks the mode. A
 * `records` sync (webhook-named ids) is the webhook path's work: an incremental sync covers it.
 * With a queue, a sync that changed the store asks for a scoring pass of the tenant, and the full
 * sync of an install asks for the tenant's first training.
 */
export function syncJob(
  service: Pick<SyncService, 'syncTenant'>,
  options: { queue?: Pick<JobQueue, 'enqueue'> } = {},
): JobHandler<'sync'> {
  return async (payload, context) => {
    const mode = payload.mode === 'full' ? 'full' : 'incremental';
    const results = await service.syncTenant(payload.tenantId, mode);
    context.logger.info({ mode, reason: payload.reason, results }, 'sync finished');
    const changed = results.some((family) => family.written > 0 || family.deleted > 0);
    if (options.queue === undefined) return;
    if (changed) await options.queue.enqueue('score', scorePassAfter(payload.tenantId, context.jobId));
    // A new tenant's first models: trained as soon as its history is in, not at the weekly slot.
    if (payload.reason === 'install' && payload.mode === 'full')
      await options.queue.enqueue('train', { tenantId: payload.tenantId, reason: 'install' });
  };
}
