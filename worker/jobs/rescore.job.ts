import type { JobHandler } from '../queues/job-queue.ts';
import type { RescoreService } from '../rescore/rescore-service.ts';

/**
 * The `rescore` processor: one coalescing window of a tenant's CRM events, rescored within seconds
 * (see RescoreService). The job id is the routing attempt id, the same on every retry.
 */
export function rescoreJob(service: Pick<RescoreService, 'rescore'>): JobHandler<'rescore'> {
  return async (payload, context) => {
    const result = await service.rescore(payload, context.jobId);
    const delivery = result.delivery;
    const latencies = result.eventToWriteSeconds;
    context.logger.info(
      {
        window: payload.window,
        taken: result.taken,
        fetched: result.fetched,
        activities: result.activities,
        stored: result.stored,
        scored: delivery?.scoredLeadIds.length ?? 0,
        changed: delivery?.changed ?? 0,
        writes: delivery?.writeback.writes ?? 0,
        tasksCreated: delivery?.routing?.tasksCreated ?? 0,
        // Event → write latency of the job's leads (seconds): what the realtime target is about.
        eventToWriteSeconds:
          latencies.length === 0
            ? null
            : { max: Math.max(...latencies), min: Math.min(...latencies), count: latencies.length },
      },
      'rescore finished',
    );
  };
}
