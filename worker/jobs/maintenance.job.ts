import { applyRetention, type RetentionDependencies } from '../maintenance/retention.ts';
import type { JobHandler } from '../queues/job-queue.ts';

/**
 * The `maintenance` processor: `retention` purges a tenant that has not been active for longer
 * than TENANT_RETENTION_DAYS; `drift` is handed to the drift check when the worker has one.
 */
export function maintenanceJob(deps: {
  retention: RetentionDependencies;
  drift?: (tenantId: string) => Promise<void>;
}): JobHandler<'maintenance'> {
  return async (payload, context) => {
    if (payload.task === 'retention') {
      const outcome = await applyRetention(deps.retention, payload.tenantId);
      context.logger.info({ task: 'retention', outcome: outcome.kind }, 'retention checked');
      return;
    }
    if (deps.drift === undefined) {
      context.logger.info({ task: payload.task }, 'no drift check in this worker: skipped');
      return;
    }
    await deps.drift(payload.tenantId);
  };
}
