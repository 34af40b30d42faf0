import { type RetrainDependencies, retrainTenant } from '../modelling/retrain-tenant.ts';
import { scorePassAfter } from '../queues/job-ids.ts';
import type { JobHandler, JobQueue } from '../queues/job-queue.ts';

/**
 * The `train` processor (payload parsed by runJob): retrains the tenant and lets the registry decide
 * which model becomes champion. A tenant below the data minimums keeps its transparent rules. With a
 * queue, a training that produced models asks for a scoring pass of the tenant.
 */
export function trainJob(
  deps: RetrainDependencies,
  options: { queue?: Pick<JobQueue, 'enqueue'> } = {},
): JobHandler<'train'> {
  return async (payload, context) => {
    const result = await retrainTenant(deps, payload.tenantId);
    if (result.kind === 'rules') {
      context.logger.info({ reason: payload.reason, below: result.reason }, 'training skipped: rules stay');
      return;
    }
    const decisions = result.decisions.map(({ outcome, versionId }) => ({ outcome, versionId }));
    context.logger.info({ reason: payload.reason, decisions }, 'training finished');
    if (options.queue !== undefined) {
      await options.queue.enqueue('score', scorePassAfter(payload.tenantId, context.jobId));
    }
  };
}
