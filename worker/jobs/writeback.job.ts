import type { CrmConnector } from '../../shared/crm-connector.ts';
import type { WorkerMetrics } from '../../shared/metrics/worker-metrics.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Score } from '../../shared/schemas/score.ts';
import type { JobHandler } from '../queues/job-queue.ts';
import type { WritebackService } from '../writeback/writeback-service.ts';

export interface WritebackJobDeps {
  service: Pick<WritebackService, 'writeBack'>;
  connectorFor: (tenantId: TenantId) => Promise<Pick<CrmConnector, 'provider' | 'writeScores'>>;
  /** The current scores of these leads under this model version; leads without one are absent. */
  scoresFor: (tenantId: TenantId, leadIds: string[], modelVersion: string) => Promise<Score[]>;
  /** Which of these scored leads are in the holdout (their share depends on the score's segment). */
  inHoldout?: (tenantId: TenantId, scores: readonly Score[]) => Promise<(leadId: string) => boolean>;
}

/** The `writeback` processor: the payload is parsed by runJob; the service does the work. */
export function writebackJob(
  deps: WritebackJobDeps,
  options: { metrics?: Pick<WorkerMetrics, 'scoresWritten'> } = {},
): JobHandler<'writeback'> {
  return async (payload, context) => {
    const scores = await deps.scoresFor(payload.tenantId, payload.leadIds, payload.modelVersion);
    if (scores.length === 0) {
      context.logger.info({ leads: payload.leadIds.length }, 'write-back: no current scores');
      return;
    }
    const held = deps.inHoldout ? await deps.inHoldout(payload.tenantId, scores) : undefined;
    const figures = await deps.service.writeBack({
      tenantId: payload.tenantId,
      connector: await deps.connectorFor(payload.tenantId),
      scores,
      ...(held === undefined ? {} : { inHoldout: held }),
    });
    const { failures, ...counts } = figures;
    if (counts.writes > 0) void options.metrics?.scoresWritten(payload.tenantId, counts.writes);
    context.logger.info({ ...counts, failedLeadIds: failures.map((f) => f.leadId) }, 'write-back finished');
  };
}
