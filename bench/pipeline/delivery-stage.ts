import type { Redis } from 'ioredis';
import type { TruthRecord } from '../../fixtures/generator/records.ts';
import { snapshotTruth } from '../../fixtures/generator/snapshot-truth.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Settings } from '../../shared/schemas/settings.ts';
import { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import { ModelsRepository } from '../../shared/store/models.repository.ts';
import { createRedisLeadHistory } from '../../shared/store/redis-lead-history.ts';
import { RoutingStateRepository } from '../../shared/store/routing-state.repository.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import type { Store } from '../../shared/store/store.ts';
import { WritebackStateRepository } from '../../shared/store/writeback-state.repository.ts';
import { rocAuc } from '../../worker/engine/metric/ranking-metrics.ts';
import { predictRaw } from '../../worker/engine/predict/predict.ts';
import { TEST } from '../../worker/features/time-split.ts';
import type { TrainingExamples } from '../../worker/features/training-examples.ts';
import { expectedCalibrationError } from '../../worker/modelling/model-metrics.ts';
import { ModelRegistry } from '../../worker/modelling/registry.ts';
import { type RetrainResult, retrainTenant } from '../../worker/modelling/retrain-tenant.ts';
import { POOLED_SEGMENT } from '../../worker/modelling/train-tenant.ts';
import { scoringChampions } from '../../worker/pipeline/champions.ts';
import { type ScoreAndDeliverResult, scoreAndDeliver } from '../../worker/pipeline/score-and-deliver.ts';
import { trainingDataFromStore } from '../../worker/pipeline/training-data.ts';
import { RoutingService } from '../../worker/routing/routing-service.ts';
import { calibrated, type ScoringModel } from '../../worker/scoring/scoring-model.ts';
import { WritebackService } from '../../worker/writeback/writeback-service.ts';

export interface DeliveryStage {
  trainSeconds: number;
  training: RetrainResult;
  first: ScoreAndDeliverResult;
  rerun: ScoreAndDeliverResult;
  /** AUC of the calibrated probabilities the champions give the test examples, and the truth's on them. */
  testAuc: number;
  oracleAuc: number;
  ece: number;
  testExamples: number;
  /** Segments with their own model, and how many were served by the pooled one. */
  segments: { own: number; pooled: number };
}

/**
 * Trains the tenant's models from the examples, promotes champions, scores and explains every open
 * lead, writes the scores back and routes hot leads; then runs the scoring pass again with nothing
 * changed (it must write and route nothing).
 */
export async function runDeliveryStage(input: {
  redis: Redis;
  store: Store;
  tenantId: TenantId;
  settings: Settings;
  examples: TrainingExamples;
  connector: CrmConnector;
  dataEndMs: number;
  truth: readonly TruthRecord[];
}): Promise<DeliveryStage> {
  const { redis, store, tenantId, settings, examples } = input;
  const logger = createLogger({ level: 'warn' });
  const history = createRedisLeadHistory(store);
  const alerts = new AlertsRepository(redis);
  const registry = new ModelRegistry({ models: new ModelsRepository(redis), alerts });

  const trainStarted = performance.now();
  const data = await trainingDataFromStore({
    history,
    tenantId,
    settings,
    settingsVersion: 0,
    dataEndMs: input.dataEndMs,
    examples,
  });
  const training = await retrainTenant({ trainingData: async () => data, registry }, tenantId);
  const trainSeconds = (performance.now() - trainStarted) / 1000;

  const models = await scoringChampions({ registry, alerts }, tenantId, settings);
  const deps = {
    history,
    identity: store.identity,
    scores: new ScoresRepository(redis),
    writeback: new WritebackService({
      state: new WritebackStateRepository(redis),
      leads: store.leads,
      logger,
    }),
    routing: new RoutingService({ state: new RoutingStateRepository(redis), leads: store.leads, logger }),
  };
  const pass = (attemptId: string) =>
    scoreAndDeliver(deps, {
      tenantId,
      settings,
      models,
      connector: input.connector,
      nowMs: input.dataEndMs,
      attemptId,
    });
  const first = await pass('bench-first');
  const rerun = await pass('bench-rerun');

  // The system's probability for each test example: its segment's champion, else the pooled one.
  const width = examples.featureNames.length;
  const truthOf = snapshotTruth(input.truth, examples.options.horizonDays);
  const labels: number[] = [];
  const probabilities: number[] = [];
  const oracle: number[] = [];
  for (let row = 0; row < examples.numRows; row += 1) {
    if (examples.split.parts[row] !== TEST) continue;
    const leadId = examples.leadIds[row];
    const model: ScoringModel | undefined =
      models.get(data.segmentOfLead(leadId)) ?? models.get(POOLED_SEGMENT);
    if (model === undefined) continue;
    const values = examples.values.subarray(row * width, (row + 1) * width);
    const columns = new Float64Array(model.featureIds.length);
    model.featureIds.forEach((id, column) => {
      columns[column] = values[examples.featureNames.indexOf(id)];
    });
    probabilities.push(calibrated(model, predictRaw(model.model, columns)[0]));
    labels.push(examples.labels[row]);
    const crmId = leadId.includes(':contact:') ? leadId.slice(leadId.lastIndexOf(':') + 1) : leadId;
    oracle.push(truthOf(crmId, examples.snapshotTimes[row]));
  }
  const segments = { own: 0, pooled: 0 };
  if (training.kind === 'models') {
    for (const assignment of training.segments)
      segments[assignment.servedBy === 'segment' ? 'own' : 'pooled'] += 1;
  }
  return {
    trainSeconds,
    training,
    first,
    rerun,
    testAuc: rocAuc(labels, probabilities),
    oracleAuc: rocAuc(labels, oracle),
    ece: expectedCalibrationError(labels, probabilities, undefined),
    testExamples: labels.length,
    segments,
  };
}
