import type { TenantId } from '../../shared/schemas/common.ts';
import type { Score } from '../../shared/schemas/score.ts';
import type { JobHandler } from '../queues/job-queue.ts';
import type { SegmentRouting } from '../routing/routing-decisions.ts';
import type { RoutingConnector, RoutingService } from '../routing/routing-service.ts';

export interface RouteJobDeps {
  service: Pick<RoutingService, 'route'>;
  connectorFor: (tenantId: TenantId) => Promise<RoutingConnector>;
  /** The current scores of these leads under this model version; leads without one are absent. */
  scoresFor: (tenantId: TenantId, leadIds: string[], modelVersion: string) => Promise<Score[]>;
  /** The tenant's segments as routing sees them, and whether its first scoring routes hot leads. */
  routingFor: (tenantId: TenantId) => Promise<{ segments: SegmentRouting[]; routeAlreadyHot: boolean }>;
  /** Which of these scored leads are in the holdout (their share depends on the score's segment). */
  inHoldout?: (tenantId: TenantId, scores: readonly Score[]) => Promise<(leadId: string) => boolean>;
}

/** The `route` processor: the job id is the attempt id, the same on every retry of the job. */
export function routeJob(deps: RouteJobDeps): JobHandler<'route'> {
  return async (payload, context) => {
    const leadIds = [...new Set([...(payload.leadIds ?? []), ...(payload.leadId ? [payload.leadId] : [])])];
    const scores = await deps.scoresFor(payload.tenantId, leadIds, payload.modelVersion);
    if (scores.length === 0) {
      context.logger.info({ leads: leadIds.length }, 'route: no current scores');
      return;
    }
    const held = deps.inHoldout ? await deps.inHoldout(payload.tenantId, scores) : undefined;
    const routing = await deps.routingFor(payload.tenantId);
    const figures = await deps.service.route({
      tenantId: payload.tenantId,
      connector: await deps.connectorFor(payload.tenantId),
      scores,
      segments: routing.segments,
      routeAlreadyHot: routing.routeAlreadyHot,
      attemptId: context.jobId,
      ...(held === undefined ? {} : { inHoldout: held }),
    });
    const { failures, ...counts } = figures;
    context.logger.info({ ...counts, failedLeadIds: failures.map((f) => f.leadId) }, 'route finished');
  };
}
