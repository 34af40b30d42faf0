import type { Job } from 'bullmq';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import type { Logger } from '../../shared/logger.ts';
import { type TenantId, tenantIdSchema } from '../../shared/schemas/common.ts';
import type { Score } from '../../shared/schemas/score.ts';
import { inHoldout } from '../../shared/scoring/holdout.ts';
import { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import { ModelsRepository } from '../../shared/store/models.repository.ts';
import { createRedisLeadHistory } from '../../shared/store/redis-lead-history.ts';
import { RoutingStateRepository } from '../../shared/store/routing-state.repository.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { SettingsRepository } from '../../shared/store/settings.repository.ts';
import type { RedisClient, Store } from '../../shared/store/store.ts';
import { WritebackStateRepository } from '../../shared/store/writeback-state.repository.ts';
import type { RouteJobDeps } from '../jobs/route.job.ts';
import type { ScoreJobDeps } from '../jobs/score.job.ts';
import type { WritebackJobDeps } from '../jobs/writeback.job.ts';
import { ModelRegistry } from '../modelling/registry.ts';
import type { RetrainDependencies } from '../modelling/retrain-tenant.ts';
import type { TenantControl } from '../queues/tenant-control.ts';
import { PendingRescores } from '../rescore/pending-rescores.ts';
import { type RescoreDeps, RescoreService } from '../rescore/rescore-service.ts';
import { RoutingService } from '../routing/routing-service.ts';
import { WritebackService } from '../writeback/writeback-service.ts';
import { ChampionCache } from './champions.ts';
import { type ScoreAndDeliverDeps, segmentRoutings } from './score-and-deliver.ts';
import { trainingDataFromStore } from './training-data.ts';

export interface WorkerServicesInput {
  redis: RedisClient;
  store: Store;
  connectorFor: (tenantId: TenantId) => Promise<CrmConnector>;
  logger: Logger;
  now?: () => number;
  /** For real-time rescoring: the producer for follow-up windows, the sync hygiene report, the metrics hook. */
  rescore?: Pick<RescoreDeps, 'queues' | 'hygiene' | 'onWritten'>;
}

/** What the train, score, writeback and route jobs need, built once over one Redis client. */
export interface WorkerServices {
  training: RetrainDependencies;
  scoring: ScoreJobDeps;
  writeback: WritebackJobDeps;
  routing: RouteJobDeps;
  /** The rescore job's service, when the input asked for it. */
  rescore?: RescoreService;
  alerts: AlertsRepository;
  /** For the queue workers: a job that failed for good becomes an alert of its tenant. */
  onJobFailedForGood: (job: Job, reason: string) => Promise<void>;
  /** Around the tenants' control: a tenant paused for revoked access gets an alert too. */
  alertingTenantControl: (control: TenantControl) => TenantControl;
}

/** The composition root of the batch pipeline (the worker process's only wiring besides its queue table). */
export function createWorkerServices(input: WorkerServicesInput): WorkerServices {
  const { redis, store, logger, connectorFor } = input;
  const now = input.now ?? Date.now;
  const at = () => new Date(now()).toISOString();
  const alerts = new AlertsRepository(redis);
  const models = new ModelsRepository(redis);
  const registry = new ModelRegistry({ models, alerts });
  const settings = new SettingsRepository(redis);
  const history = createRedisLeadHistory(store);
  const scores = new ScoresRepository(redis);
  const writebackService = new WritebackService({
    state: new WritebackStateRepository(redis),
    leads: store.leads,
    logger,
  });
  const routingState = new RoutingStateRepository(redis);
  const routingService = new RoutingService({
    state: routingState,
    leads: store.leads,
    logger,
  });
  const delivery: ScoreAndDeliverDeps = {
    history,
    identity: store.identity,
    scores,
    writeback: writebackService,
    routing: routingService,
    routingBaseline: (tenantId) => routingState.hasBaseline(tenantId),
  };
  // One cache per worker process: a rescore loads a champion only when its version is new here.
  const championCache = new ChampionCache({
    championId: (tenantId, segment) => models.champion(tenantId, segment),
    load: (tenantId, versionId) => registry.load(tenantId, versionId),
    alerts,
  });
  const rescore =
    input.rescore === undefined
      ? undefined
      : new RescoreService({
          ...input.rescore,
          store,
          pending: new PendingRescores(redis),
          settings,
          champions: championCache,
          connectorFor,
          delivery,
          logger,
          now,
        });

  const scoresFor = async (tenantId: TenantId, leadIds: string[], modelVersion: string) =>
    [...(await scores.get(tenantId, leadIds)).values()].filter(
      (score) => score.modelVersion === modelVersion,
    );
  // The holdout share is the segment's; the segment of a lead is the one its score was made in.
  const holdoutOf = async (tenantId: TenantId, scored: readonly Score[]) => {
    const current = await settings.current(tenantId);
    const share = new Map(current.settings.segments.map((segment) => [segment.id, segment.holdoutShare]));
    const segmentOf = new Map(scored.map((score) => [score.leadId, score.segment]));
    return (leadId: string) => inHoldout(tenantId, leadId, share.get(segmentOf.get(leadId) ?? '') ?? 0);
  };

  return {
    training: {
      registry,
      trainingData: async (tenantId) => {
        const current = await settings.current(tenantId);
        return trainingDataFromStore({
          history,
          tenantId: tenantIdSchema.parse(tenantId),
          settings: current.settings,
          settingsVersion: current.version,
          dataEndMs: now(),
        });
      },
    },
    scoring: {
      settings,
      champions: { registry, alerts },
      connectorFor,
      delivery,
      now,
    },
    ...(rescore === undefined ? {} : { rescore }),
    writeback: { service: writebackService, connectorFor, scoresFor, inHoldout: holdoutOf },
    routing: {
      service: routingService,
      connectorFor,
      scoresFor,
      routingFor: async (tenantId) => {
        const current = await settings.current(tenantId);
        return {
          segments: segmentRoutings(current.settings),
          routeAlreadyHot: current.settings.routeAlreadyHot,
        };
      },
      inHoldout: holdoutOf,
    },
    alerts,
    onJobFailedForGood: async (job) => {
      const tenant = tenantIdSchema.safeParse((job.data as { tenantId?: unknown } | undefined)?.tenantId);
      if (!tenant.success) return;
      // The error text can quote CRM records; the alert names the job, the log keeps the error.
      await alerts.add(tenant.data, {
        kind: 'job_failed',
        message: `the ${job.queueName} job ${job.id ?? ''} failed for good after ${job.attemptsMade} attempts; the worker log has its error`,
        at: at(),
      });
    },
    alertingTenantControl: (control) => ({
      pause: (tenantId, reason) => control.pause(tenantId, reason),
      isPaused: (tenantId) => control.isPaused(tenantId),
      resume: (tenantId) => control.resume(tenantId),
      flagForReconnection: async (tenantId, reason) => {
        await control.flagForReconnection(tenantId, reason);
        await alerts.add(tenantId, {
          kind: 'tenant_auth_revoked',
          message: 'the CRM revoked access: jobs of this tenant are paused until an admin reconnects it',
          at: at(),
        });
      },
    }),
  };
}
