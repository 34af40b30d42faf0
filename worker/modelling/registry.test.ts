import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { seededRandom } from '../../shared/random.ts';
import { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { ModelsRepository } from '../../shared/store/models.repository.ts';
import { connectTestRedis, scanNode, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { trainModelSync } from '../engine/boosting/train.ts';
import { historyFromRecords } from '../features/in-memory-history.ts';
import { buildTrainingExamples, type TrainingExamples } from '../features/training-examples.ts';
import { ModelRegistry } from './registry.ts';
import { POOLED_SEGMENT, type TrainedSegmentModel, trainTenantModels } from './train-tenant.ts';

const redis = connectTestRedis();
const models = new ModelsRepository(redis);
const alerts = new AlertsRepository(redis);
const registry = new ModelRegistry({ models, alerts }, { now: () => new Date('2026-11-01T03:00:00.000Z') });
const tenants: string[] = [];
let examples: TrainingExamples;

/** One pooled model of the examples, trained on this thread (the registry is what is under test). */
async function pooledModel(
  source: TrainingExamples,
  params: Record<string, number> = {},
): Promise<TrainedSegmentModel> {
  const result = await trainTenantModels({
    examples: source,
    segments: [],
    segmentOfLead: () => POOLED_SEGMENT,
    params,
    train: async (task) =>
      trainModelSync(task.data, task.params, {
        ...(task.valid === undefined ? {} : { valid: task.valid }),
        ...(task.inputSchema === undefined ? {} : { inputSchema: task.inputSchema }),
      }),
  });
  if (result.kind !== 'models') throw new Error(`expected a model: ${result.reason}`);
  return result.models[0];
}

function tenant(): string {
  const id = uniqueTenantId();
  tenants.push(id);
  return id;
}

let champion: TrainedSegmentModel;
let retrained: TrainedSegmentModel;
let shuffled: TrainedSegmentModel;

beforeAll(async () => {
  const dataset = generateDataset({ leads: 8_000, seed: 5, conversionRate: 0.05 });
  examples = await buildTrainingExamples(historyFromRecords(dataset), dataset.leads[0].tenantId, {
    dataEndMs: Date.parse('2026-10-31T23:59:59.999Z'),
  });
  champion = await pooledModel(examples);
  retrained = await pooledModel(examples, { seed: 2, feature_fraction: 0.9 });
  // Two trees on shuffled labels: a model that has learnt nothing real.
  const random = seededRandom(3);
  const labels = examples.labels.slice();
  for (let i = labels.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  shuffled = await pooledModel({ ...examples, labels }, { num_iterations: 2, early_stopping_round: 0 });
}, 120_000);

afterAll(async () => {
  for (const id of tenants) {
    const keys = await scanNode(redis, tenantKeys(id).pattern);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

const registered = (trained: TrainedSegmentModel) => ({
  ...trained,
  settingsVersion: 4,
  scale: { knots: [0.01, 0.2] },
});

describe('the model registry', () => {
  it('makes the first model the champion and stores it with its window, metrics, calibrator and scale', async () => {
    const tenantId = tenant();
    const decision = await registry.register(tenantId, registered(champion));
    expect(decision).toMatchObject({ outcome: 'promoted', versionId: 'pooled-v1' });
    const loaded = await registry.champion(tenantId, POOLED_SEGMENT);
    expect(loaded?.meta).toMatchObject({
      id: 'pooled-v1',
      segment: POOLED_SEGMENT,
      settingsVersion: 4,
      createdAt: '2026-11-01T03:00:00.000Z',
      featureNames: examples.featureNames,
      window: champion.window,
      scale: { knots: [0.01, 0.2] },
      calibrator: champion.calibrator,
    });
    expect(loaded?.meta.metrics).toEqual(JSON.parse(JSON.stringify(champion.metrics)));
    expect(loaded?.meta.params).toMatchObject({ is_unbalance: true, num_leaves: 7 });
    expect(loaded?.model.trees).toHaveLength(champion.model.trees.length);
  });

  it('keeps the champion when a challenger on shuffled labels is worse on the same test examples', async () => {
    const tenantId = tenant();
    await registry.register(tenantId, registered(champion));
    // Judged on the real labels of the newest test window, like the champion.
    const decision = await registry.register(tenantId, { ...registered(shuffled), judgeOn: champion.test });
    if (decision.outcome !== 'kept') throw new Error(`expected the champion kept, got ${decision.outcome}`);
    console.log(
      `champion ${JSON.stringify(decision.championJudgement)}, challenger ${JSON.stringify(decision.challenger)}`,
    );
    expect(decision.champion).toBe('pooled-v1');
    expect(decision.versionId).toBe('pooled-v2');
    expect(decision.championJudgement.rocAuc).toBeGreaterThan(0.85);
    expect(decision.challenger.rocAuc ?? 1).toBeLessThan((decision.championJudgement.rocAuc ?? 0) - 0.005);
    expect(decision.championJudgement.rocAuc).toBeCloseTo(champion.metrics.rocAuc ?? 0, 10);
    expect(await models.champion(tenantId, POOLED_SEGMENT)).toBe('pooled-v1');
    expect((await models.list(tenantId)).map((meta) => meta.id)).toEqual(['pooled-v1', 'pooled-v2']);
  });

  it('promotes a challenger that is not worse, and rollback restores the previous champion in one call', async () => {
    const tenantId = tenant();
    await registry.register(tenantId, registered(champion));
    const decision = await registry.register(tenantId, registered(retrained));
    if (decision.outcome !== 'promoted') throw new Error(`expected a promotion, got ${decision.outcome}`);
    expect(decision.replaced).toBe('pooled-v1');
    expect(decision.challenger.rocAuc ?? 0).toBeGreaterThanOrEqual((decision.champion?.rocAuc ?? 1) - 0.005);
    expect(decision.challenger.ece ?? 1).toBeLessThanOrEqual((decision.champion?.ece ?? 0) + 0.01);
    expect((await registry.champion(tenantId, POOLED_SEGMENT))?.meta.id).toBe('pooled-v2');

    expect(await registry.rollback(tenantId, POOLED_SEGMENT)).toEqual({
      restored: 'pooled-v1',
      replaced: 'pooled-v2',
    });
    expect((await registry.champion(tenantId, POOLED_SEGMENT))?.meta.id).toBe('pooled-v1');
  });

  it('leaves the champion in place and records an alert when a model text does not load', async () => {
    const tenantId = tenant();
    await registry.register(tenantId, registered(champion));
    const corrupt = champion.modelText.replace(/^num_leaves=\d+$/m, 'num_leaves=many');
    expect(corrupt).not.toBe(champion.modelText);
    const decision = await registry.register(tenantId, { ...registered(retrained), modelText: corrupt });
    expect(decision).toMatchObject({ outcome: 'unloadable', versionId: 'pooled-v2', champion: 'pooled-v1' });
    expect(await models.champion(tenantId, POOLED_SEGMENT)).toBe('pooled-v1');
    const [alert, ...others] = await alerts.list(tenantId);
    expect(others).toHaveLength(0);
    expect(alert).toMatchObject({
      kind: 'model_load_failed',
      segment: POOLED_SEGMENT,
      modelVersion: 'pooled-v2',
      at: '2026-11-01T03:00:00.000Z',
    });
    expect(alert.message).toContain('the champion stays in place');
  });

  it('replaces a champion whose stored text no longer loads, with an alert', async () => {
    const tenantId = tenant();
    await registry.register(tenantId, registered(champion));
    await redis.hset(tenantKeys(tenantId).modelVersion('pooled-v1'), 'text', 'not a model');
    const decision = await registry.register(tenantId, registered(retrained));
    expect(decision).toMatchObject({ outcome: 'promoted', versionId: 'pooled-v2', replaced: 'pooled-v1' });
    expect((await alerts.list(tenantId)).map((alert) => alert.kind)).toEqual(['champion_load_failed']);
  });
});
