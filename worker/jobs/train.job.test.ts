import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { tenantIdSchema } from '../../shared/schemas/common.ts';
import { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { ModelsRepository } from '../../shared/store/models.repository.ts';
import { connectTestRedis, scanNode, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { trainModelSync } from '../engine/boosting/train.ts';
import { historyFromRecords } from '../features/in-memory-history.ts';
import { buildTrainingExamples, type TrainingExamples } from '../features/training-examples.ts';
import { ModelRegistry } from '../modelling/registry.ts';
import type { TenantTrainingData } from '../modelling/retrain-tenant.ts';
import type { TrainFunction } from '../modelling/train-tenant.ts';
import { InlineJobQueue } from '../queues/inline-job-queue.ts';
import { scorePassAfter } from '../queues/job-ids.ts';
import type { JobPayload } from '../queues/job-payloads.ts';
import type { JobHandlers } from '../queues/job-queue.ts';
import { trainJob } from './train.job.ts';

const redis = connectTestRedis();
const models = new ModelsRepository(redis);
const registry = new ModelRegistry({ models, alerts: new AlertsRepository(redis) });
const bigTenant = uniqueTenantId();
const smallTenant = uniqueTenantId();
const chainedTenant = uniqueTenantId();
let examples: TrainingExamples;
let employeesOf: Map<string, unknown>;

const trainHere: TrainFunction = async (task) =>
  trainModelSync(task.data, task.params, {
    ...(task.valid === undefined ? {} : { valid: task.valid }),
    ...(task.inputSchema === undefined ? {} : { inputSchema: task.inputSchema }),
  });

beforeAll(async () => {
  const dataset = generateDataset({ leads: 8_000, seed: 9, conversionRate: 0.05 });
  employeesOf = new Map(dataset.leads.map((lead) => [lead.id, lead.employees]));
  examples = await buildTrainingExamples(historyFromRecords(dataset), dataset.leads[0].tenantId, {
    dataEndMs: Date.parse('2026-10-31T23:59:59.999Z'),
  });
}, 60_000);

afterAll(async () => {
  for (const tenantId of [bigTenant, smallTenant, chainedTenant]) {
    const keys = await scanNode(redis, tenantKeys(tenantId).pattern);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function trainingData(tenantId: string): Promise<TenantTrainingData> {
  const small = tenantId === smallTenant;
  return Promise.resolve({
    // The small tenant's leads never convert: below 50 conversions, so transparent rules.
    examples: small ? { ...examples, labels: new Uint8Array(examples.numRows) } : examples,
    segments: ['smb', 'enterprise'],
    segmentOfLead: (leadId) => {
      const employees = employeesOf.get(leadId);
      return typeof employees === 'number' && employees < 200 ? 'smb' : 'enterprise';
    },
    settingsVersion: 7,
    scaleOf: (trained) => ({ segment: trained.segment, rows: trained.counts.trainRows }),
  });
}

describe('the train job', () => {
  it('trains the tenant inline and makes each first model its segment champion', async () => {
    const queue = new InlineJobQueue({
      handlers: { train: trainJob({ trainingData, registry, train: trainHere }) },
    });
    await queue.enqueue('train', { tenantId: bigTenant, reason: 'manual' });
    await queue.runUntilIdle();
    expect([...queue.jobs.values()].map((job) => job.state)).toEqual(['completed']);
    const versions = await models.list(bigTenant);
    // 8,000 leads: enterprise has the minimums in its training window, SMB falls back to the pooled model.
    expect(versions.map((version) => version.id).sort()).toEqual(['enterprise-v1', 'pooled-v1']);
    for (const version of versions) {
      expect(await models.champion(bigTenant, version.segment)).toBe(version.id);
      expect(version.settingsVersion).toBe(7);
      expect(version.scale).toMatchObject({ segment: version.segment });
    }
  });

  it('stores no model for a tenant below the minimums, and completes', async () => {
    const queue = new InlineJobQueue({
      handlers: { train: trainJob({ trainingData, registry, train: trainHere }) },
    });
    await queue.enqueue('train', { tenantId: smallTenant, reason: 'drift' });
    await queue.runUntilIdle();
    expect([...queue.jobs.values()].map((job) => job.state)).toEqual(['completed']);
    expect(await models.list(smallTenant)).toEqual([]);
  });

  it('asks for a scoring pass of the tenant after a training that produced models, none while rules stay', async () => {
    const scored: string[] = [];
    const handlers: JobHandlers = {
      score: async (payload) => {
        scored.push(payload.tenantId);
      },
    };
    const queue = new InlineJobQueue({ handlers });
    handlers.train = trainJob({ trainingData, registry, train: trainHere }, { queue });
    const trained = await queue.enqueue('train', { tenantId: chainedTenant, reason: 'schedule' });
    await queue.enqueue('train', { tenantId: smallTenant, reason: 'schedule' });
    await queue.runUntilIdle();
    expect([...queue.jobs.values()].map((job) => [job.queue, job.state])).toEqual([
      ['train', 'completed'],
      ['train', 'completed'],
      ['score', 'completed'],
    ]);
    expect([...queue.jobs.values()][2].payload).toEqual(
      scorePassAfter(tenantIdSchema.parse(chainedTenant), trained),
    );
    expect(scored).toEqual([chainedTenant]);
  });

  it('refuses a payload with an unknown reason before it is queued', async () => {
    const queue = new InlineJobQueue({ handlers: {} });
    const payload = { tenantId: bigTenant, reason: 'weekly' } as unknown as JobPayload<'train'>;
    await expect(queue.enqueue('train', payload)).rejects.toThrow('reason');
    expect(queue.jobs.size).toBe(0);
  });
});
