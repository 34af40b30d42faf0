import type { AddressInfo } from 'node:net';
import express from 'express';
import { generateDataset } from '../../../fixtures/generator/generate-dataset.ts';
import { loadConfig } from '../../../shared/config.ts';
import { createLogger } from '../../../shared/logger.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import { type TenantId, tenantIdSchema } from '../../../shared/schemas/common.ts';
import type { Lead } from '../../../shared/schemas/lead.ts';
import type { Settings } from '../../../shared/schemas/settings.ts';
import { AlertsRepository } from '../../../shared/store/alerts.repository.ts';
import { ModelsRepository } from '../../../shared/store/models.repository.ts';
import { createRedisLeadHistory } from '../../../shared/store/redis-lead-history.ts';
import { RoutingStateRepository } from '../../../shared/store/routing-state.repository.ts';
import { ScoresRepository } from '../../../shared/store/scores.repository.ts';
import { SettingsRepository } from '../../../shared/store/settings.repository.ts';
import type { RedisClient, Store } from '../../../shared/store/store.ts';
import { WritebackStateRepository } from '../../../shared/store/writeback-state.repository.ts';
import { ModelRegistry } from '../../../worker/modelling/registry.ts';
import { retrainTenant } from '../../../worker/modelling/retrain-tenant.ts';
import { scoringChampions } from '../../../worker/pipeline/champions.ts';
import { scoreAndDeliver } from '../../../worker/pipeline/score-and-deliver.ts';
import { trainingDataFromStore } from '../../../worker/pipeline/training-data.ts';
import { jobIdFor } from '../../../worker/queues/job-ids.ts';
import { type JobPayload, parseJobPayload } from '../../../worker/queues/job-payloads.ts';
import type { JobQueue } from '../../../worker/queues/job-queue.ts';
import type { QueueName } from '../../../worker/queues/queue-names.ts';
import { RoutingService } from '../../../worker/routing/routing-service.ts';
import { WritebackService } from '../../../worker/writeback/writeback-service.ts';
import { RecordingConnector } from '../../../worker/writeback/writeback-test-support.ts';
import { type Caller, setCaller } from '../auth/caller.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { apiNotFound, apiRouter } from './api-router.ts';

/** The end of the generated data: training and scoring happen "now" = this instant. */
export const DATA_END_MS = Date.parse('2026-10-31T23:59:59.999Z');
const logger = createLogger({ level: 'silent' });

/** A fresh HubSpot portal id no other run uses (the suites share one Redis). */
export function uniqueHubspotTenantId(): TenantId {
  return tenantIdSchema.parse(`hs:9${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`);
}

/** Jobs the API asked for, validated and named as the BullMQ producer would. */
export class RecordingJobQueue implements JobQueue {
  readonly jobs: { queue: QueueName; payload: unknown; jobId: string }[] = [];

  async enqueue<Q extends QueueName>(queue: Q, payload: JobPayload<Q>): Promise<string> {
    const parsed = parseJobPayload(queue, payload);
    const jobId = jobIdFor(queue, parsed);
    this.jobs.push({ queue, payload: parsed, jobId });
    return jobId;
  }

  async close(): Promise<void> {}
}

/**
 * Seeds a tenant with generated data through the project's own pipeline: store, training (champions
 * with their test windows), one scoring pass that stores every open lead's score.
 */
export async function seedScoredTenant(input: {
  redis: RedisClient;
  store: Store;
  tenantId: TenantId;
  leads: number;
  seed: number;
  settings?: Settings;
}): Promise<{ leads: Lead[]; settings: Settings; settingsVersion: number }> {
  const { redis, store, tenantId } = input;
  const settingsRepository = new SettingsRepository(redis);
  let settingsVersion = 0;
  if (input.settings !== undefined) {
    const saved = await settingsRepository.save(tenantId, input.settings, { savedBy: 'seed' });
    if (!saved.ok) throw new Error(`seed settings of ${tenantId} were refused`);
    settingsVersion = saved.version;
  }
  const { settings } = await settingsRepository.current(tenantId);
  const dataset = generateDataset({ leads: input.leads, seed: input.seed, tenantId, conversionRate: 0.08 });
  await store.leads.upsertMany(tenantId, dataset.leads);
  await store.activities.upsertMany(tenantId, dataset.activities);
  await store.outcomes.upsertMany(tenantId, dataset.outcomes);
  await store.intent.upsertMany(tenantId, dataset.intent);
  const alerts = new AlertsRepository(redis);
  const registry = new ModelRegistry({ models: new ModelsRepository(redis), alerts });
  const history = createRedisLeadHistory(store);
  const data = await trainingDataFromStore({
    history,
    tenantId,
    settings,
    settingsVersion,
    dataEndMs: DATA_END_MS,
  });
  const trained = await retrainTenant({ trainingData: async () => data, registry }, tenantId);
  if (trained.kind !== 'models')
    throw new Error(`the seeded tenant ${tenantId} trained no model: ${trained.reason}`);
  const models = await scoringChampions({ registry, alerts }, tenantId, settings);
  await scoreAndDeliver(
    {
      history,
      identity: store.identity,
      scores: new ScoresRepository(redis),
      writeback: new WritebackService({
        state: new WritebackStateRepository(redis),
        leads: store.leads,
        logger,
      }),
      routing: new RoutingService({ state: new RoutingStateRepository(redis), leads: store.leads, logger }),
    },
    {
      tenantId,
      settings,
      models,
      connector: new RecordingConnector(tenantId.startsWith('hs:') ? 'hubspot' : 'salesforce'),
      nowMs: DATA_END_MS,
    },
  );
  const stored: Lead[] = [];
  for await (const batch of store.leads.scan(tenantId, 1000)) stored.push(...batch);
  return { leads: stored, settings, settingsVersion };
}

export const TEST_CALLER_HEADER = 'x-test-caller';

export interface RunningApi {
  url: string;
  queues: JobQueue;
  deps: ServerDependencies;
  /** fetch under /api/v1 as this caller. */
  call(caller: Caller | null, method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The API on its own express app, as the server mounts it, behind a stand-in for the auth
 * middleware: the caller comes from a test-only header (JSON), set with setCaller.
 */
export async function startApi(input: {
  redis: RedisClient;
  store: Store;
  queues?: JobQueue;
  queuePrefix?: string;
  now?: () => number;
}): Promise<RunningApi> {
  const queues = input.queues ?? new RecordingJobQueue();
  const deps: ServerDependencies = {
    config: loadConfig({
      NODE_ENV: 'test',
      ...(input.queuePrefix === undefined ? {} : { QUEUE_PREFIX: input.queuePrefix }),
    }),
    redis: input.redis,
    store: input.store,
    queues,
    manifest: loadManifest(),
    logger,
    publicUrl: 'http://127.0.0.1',
    now: input.now ?? (() => DATA_END_MS),
  };
  const app = express();
  app.use('/api/v1', (request, response, next) => {
    const header = request.header(TEST_CALLER_HEADER);
    if (header !== undefined) setCaller(response, JSON.parse(header) as Caller);
    next();
  });
  app.use('/api/v1', apiRouter(deps));
  app.use('/api/v1', apiNotFound(deps));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  return {
    url,
    queues,
    deps,
    call: (caller, method, path, body) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          ...(caller === null ? {} : { [TEST_CALLER_HEADER]: JSON.stringify(caller) }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Everything one key holds, as text: to search a keyspace for a person's id or email. */
export async function keyText(redis: RedisClient, key: string): Promise<string> {
  const type = await redis.type(key);
  if (type === 'string') return (await redis.get(key)) ?? '';
  if (type === 'hash') return JSON.stringify(await redis.hgetall(key));
  if (type === 'zset') return JSON.stringify(await redis.zrange(key, 0, '-1'));
  if (type === 'set') return JSON.stringify(await redis.smembers(key));
  if (type === 'list') return JSON.stringify(await redis.lrange(key, 0, -1));
  if (type === 'stream') return JSON.stringify(await redis.xrange(key, '-', '+'));
  return '';
}

/** Every key matching a glob with its content, sorted by key. */
export async function dumpKeys(redis: RedisClient, keys: readonly string[]): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  for (const key of [...keys].sort()) dump.set(key, await keyText(redis, key));
  return dump;
}
