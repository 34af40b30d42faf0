import type { CrmConnector } from '../../shared/crm-connector.ts';
import type { WorkerMetrics } from '../../shared/metrics/worker-metrics.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { SettingsRepository } from '../../shared/store/settings.repository.ts';
import { scoringChampions } from '../pipeline/champions.ts';
import { type ScoreAndDeliverDeps, scoreAndDeliver } from '../pipeline/score-and-deliver.ts';
import type { JobHandler } from '../queues/job-queue.ts';

export type ScoringConnector = Pick<
  CrmConnector,
  'provider' | 'writeScores' | 'createTasks' | 'findTasks' | 'setNurtureFlags'
>;

export interface ScoreJobDeps {
  settings: Pick<SettingsRepository, 'current'>;
  /** Where the champions come from; a champion that fails to load is reported here and left out. */
  champions: Parameters<typeof scoringChampions>[0];
  connectorFor: (tenantId: TenantId) => Promise<ScoringConnector>;
  delivery: ScoreAndDeliverDeps;
  now?: () => number;
}

/**
 * The `score` processor: a pass over every open lead of the tenant with the settings and champions
 * in force (the rules where there is no champion), stored, written back and routed. A payload that
 * names leads gets the same pass: scoring one lead reads the same history, and the pass writes only
 * what changed. The job id is the routing attempt id, the same on every retry.
 */
export function scoreJob(
  deps: ScoreJobDeps,
  options: { metrics?: Pick<WorkerMetrics, 'scoresWritten'> } = {},
): JobHandler<'score'> {
  return async (payload, context) => {
    const { tenantId } = payload;
    const { settings } = await deps.settings.current(tenantId);
    const models = await scoringChampions(deps.champions, tenantId, settings);
    const result = await scoreAndDeliver(deps.delivery, {
      tenantId,
      settings,
      models,
      connector: await deps.connectorFor(tenantId),
      nowMs: (deps.now ?? Date.now)(),
      attemptId: context.jobId,
    });
    const { failures, ...writeback } = result.writeback;
    if (writeback.writes > 0) void options.metrics?.scoresWritten(tenantId, writeback.writes);
    const routing = result.routing;
    context.logger.info(
      {
        after: payload.after,
        models: [...models.values()].map((model) => model.version),
        scoring: result.scoring,
        changed: result.changed,
        writeback: { ...writeback, failedLeadIds: failures.map((failure) => failure.leadId) },
        routing:
          routing === null
            ? null
            : {
                crossings: routing.crossings,
                tasksCreated: routing.tasksCreated,
                tasksRecovered: routing.tasksRecovered,
                nurtureSet: routing.nurtureSet,
                failed: routing.failed,
                failedLeadIds: routing.failures.map((failure) => failure.leadId),
              },
        seconds: result.seconds,
      },
      'scoring pass finished',
    );
  };
}
