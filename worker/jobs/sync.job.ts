import type { JobHandler } from '../queues/job-queue.ts';
import type { SyncService } from '../sync/sync-service.ts';

/**
 * The `sync` processor: the payload is already parsed (runJob), so it only picks the mode. A
 * `records` sync (webhook-named ids) is the webhook path's work: an incremental sync covers it.
 */
export function syncJob(service: Pick<SyncService, 'syncTenant'>): JobHandler<'sync'> {
  return async (payload, context) => {
    const mode = payload.mode === 'full' ? 'full' : 'incremental';
    const results = await service.syncTenant(payload.tenantId, mode);
    context.logger.info({ mode, reason: payload.reason, results }, 'sync finished');
  };
}
