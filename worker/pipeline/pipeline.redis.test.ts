import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { ScoreRecord } from '../../shared/schemas/score.ts';
import { defaultSettings, type Settings } from '../../shared/schemas/settings.ts';
import { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import { ModelsRepository } from '../../shared/store/models.repository.ts';
import { createRedisLeadHistory } from '../../shared/store/redis-lead-history.ts';
import { RoutingStateRepository } from '../../shared/store/routing-state.repository.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { WritebackStateRepository } from '../../shared/store/writeback-state.repository.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { ModelRegistry } from '../modelling/registry.ts';
import type { TenantTrainingData } from '../modelling/retrain-tenant.ts';
import { retrainTenant } from '../modelling/retrain-tenant.ts';
import { RoutingService } from '../routing/routing-service.ts';
import { WritebackService } from '../writeback/writeback-service.ts';
import { RecordingConnector } from '../writeback/writeback-test-support.ts';
import { scoringChampions } from './champions.ts';
import { scoreAndDeliver } from './score-and-deliver.ts';
import { trainingDataFromStore } from './training-data.ts';

/**
 * The batch pipeline on real Redis, from stored leads to written scores: training with champions
 * per segment, a scoring pass, settings that move tiers, and a rollback that brings the previous
 * champion's scores back.
 */
const END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const redis = connectTestRedis();
const store = storeOn(redis);
const logger = createLogger({ level: 'silent' });
const alerts = new AlertsRepository(redis);
const registry = new ModelRegistry({ models: new ModelsRepository(redis), alerts });
const history = createRedisLeadHistory(store);
const tenantId = uniqueTenantId() as TenantId;
let data: TenantTrainingData;

async function pass(settings: Settings, connector = new RecordingConnector('salesforce')) {
  const models = await scoringChampions({ registry, alerts }, tenantId, settings);
  const scores: ScoreRecord[] = [];
  const result = await scoreAndDeliver(
    {
      history,
      identity: store.identity,
      scores: { put: async (tenant, records) => new ScoresRepository(redis).put(tenant, records) },
      writeback: new WritebackService({
        state: new WritebackStateRepository(redis),
        leads: store.leads,
        logger,
      }),
      routing: new RoutingService({ state: new RoutingStateRepository(redis), leads: store.leads, logger }),
    },
    { tenantId, settings, models, connector, nowMs: END_MS },
  );
  const stored = await new ScoresRepository(redis).get(tenantId, [...(await leadIds())]);
  for (const record of stored.values()) scores.push(record);
  return { result, scores: new Map(scores.map((record) => [record.leadId, record])), connector };
}

let allIds: string[] | undefined;
async function leadIds(): Promise<string[]> {
  if (allIds === undefined) {
    allIds = [];
    for await (const batch of store.leads.scan(tenantId, 1000))
      for (const lead of batch) allIds.push(lead.id);
  }
  return allIds;
}

beforeAll(async () => {
  const dataset = generateDataset({ leads: 8_000, seed: 21, tenantId });
  await store.leads.upsertMany(tenantId, dataset.leads);
  await store.activities.upsertMany(tenantId, dataset.activities);
  await store.outcomes.upsertMany(tenantId, dataset.outcomes);
  await store.intent.upsertMany(tenantId, dataset.intent);
  data = await trainingDataFromStore({
    history,
    tenantId,
    settings: defaultSettings(),
    settingsVersion: 0,
    dataEndMs: END_MS,
  });
}, 120_000);

afterAll(async () => {
  await store.purgeTenant(tenantId);
  await redis.quit();
});

describe('the batch pipeline on real Redis', () => {
  let first: Awaited<ReturnType<typeof pass>>;

  it('trains champions, then scores, stores and writes back every open lead once', async () => {
    const trained = await retrainTenant({ trainingData: async () => data, registry }, tenantId);
    expect(trained.kind).toBe('models');
    if (trained.kind !== 'models') return;
    expect(trained.decisions.every((decision) => decision.outcome === 'promoted')).toBe(true);
    first = await pass(defaultSettings());
    const { result } = first;
    expect(result.scoring.scored).toBeGreaterThan(6_000);
    expect(result.scoring.bySource.rules).toBe(0);
    expect(result.writeback.writes).toBe(result.scoring.scored);
    expect(first.scores.size).toBe(result.scoring.scored);
    // The first scoring is the baseline: hot leads get no task unless RevOps asks for it.
    expect(result.routing?.baseline).toBe(true);
    expect(result.routing?.tasksCreated).toBe(0);
  }, 180_000);

  it('moves tiers when RevOps moves a segment threshold, and writes only the leads whose tier changed', async () => {
    const settings = defaultSettings();
    const lowered = {
      ...settings,
      segments: settings.segments.map((segment) => ({ ...segment, hotThreshold: 60, warmThreshold: 30 })),
    };
    const { scores, result } = await pass(lowered);
    let changedTier = 0;
    for (const [leadId, record] of scores) {
      const expected = record.score >= 60 ? 'hot' : record.score >= 30 ? 'warm' : 'cold';
      expect(record.tier).toBe(expected);
      if (first.scores.get(leadId)?.tier !== record.tier) changedTier += 1;
      expect(record.score).toBe(first.scores.get(leadId)?.score);
    }
    expect(changedTier).toBeGreaterThan(100);
    expect(result.writeback.writes).toBe(changedTier);
    // Leads that became hot crossed upward: one task each, for their owner.
    expect(result.routing?.tasksCreated).toBe(result.routing?.crossings);
    expect(result.routing?.crossings).toBeGreaterThan(0);
    await pass(settings);
  }, 180_000);

  it("restores the previous champion's scores on rollback", async () => {
    const retrained = await retrainTenant(
      // More leaves and another seed: another model, not a worse one.
      {
        trainingData: async () => ({ ...data, params: { num_leaves: 15, learning_rate: 0.05, seed: 9 } }),
        registry,
      },
      tenantId,
    );
    expect(retrained.kind).toBe('models');
    if (retrained.kind !== 'models') return;
    const promoted = retrained.decisions.filter((decision) => decision.outcome === 'promoted');
    expect(promoted.length).toBeGreaterThan(0);
    const second = await pass(defaultSettings());
    const versions = new Set([...second.scores.values()].map((record) => record.modelVersion));
    expect([...versions].some((version) => version.endsWith('-v2'))).toBe(true);
    let moved = 0;
    for (const [leadId, record] of second.scores)
      if (record.score !== first.scores.get(leadId)?.score) moved += 1;
    expect(moved).toBeGreaterThan(100);
    for (const decision of promoted) {
      const segment = decision.versionId.replace(/-v\d+$/, '');
      await registry.rollback(tenantId, segment);
    }
    const restored = await pass(defaultSettings());
    for (const [leadId, record] of restored.scores) {
      const before = first.scores.get(leadId);
      expect(record.modelVersion).toBe(before?.modelVersion);
      expect(record.score).toBe(before?.score);
      expect(record.factors).toEqual(before?.factors);
    }
  }, 180_000);
});
