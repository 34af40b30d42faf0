import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSalesforceToSandbox } from '../../connector/sandbox/connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadManifest } from '../../shared/manifest.ts';
import { type TenantId, tenantIdSchema } from '../../shared/schemas/common.ts';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { inHoldout } from '../../shared/scoring/holdout.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { segmentRoutings } from '../pipeline/score-and-deliver.ts';
import { createWorkerServices } from '../pipeline/worker-services.ts';
import { InlineJobQueue } from '../queues/inline-job-queue.ts';
import { scorePassAfter } from '../queues/job-ids.ts';
import type { JobHandlers } from '../queues/job-queue.ts';
import { InMemoryTenantControl } from '../queues/tenant-control.ts';
import { SyncService } from '../sync/sync-service.ts';
import { routeJob } from './route.job.ts';
import { scoreJob } from './score.job.ts';
import { syncJob } from './sync.job.ts';
import { writebackJob } from './writeback.job.ts';

const redis = connectTestRedis();
const store = storeOn(redis);
const scores = new ScoresRepository(redis);
const tenantId: TenantId = tenantIdSchema.parse(uniqueTenantId());
const logger = createLogger({ level: 'silent' });
const leadFields = loadManifest().salesforce.objects.Lead;
const scoreField = leadFields.find((field) => field.key === 'score')?.apiName;
const nurtureField = leadFields.find((field) => field.key === 'nurture')?.apiName;
let sandbox: RunningSandbox;
let connector: CrmConnector;

beforeAll(async () => {
  const dataset = generateDataset({ leads: 1_500, seed: 17, tenantId });
  sandbox = await startSandbox({ seed: { salesforce: dataset } });
  connector = (await connectSalesforceToSandbox(sandbox, { tenantId }, { overlapMs: 1_000 })).connector;
  await connector.ensureFields();
}, 60_000);

afterAll(async () => {
  await store.purgeTenant(tenantId);
  await sandbox.close();
  await redis.quit();
});

function pipeline() {
  const services = createWorkerServices({ redis, store, connectorFor: async () => connector, logger });
  const sync = new SyncService({
    store,
    hygiene: new SyncHygieneRepository(redis),
    connectorFor: async () => connector,
    logger,
  });
  const handlers: JobHandlers = { score: scoreJob(services.scoring) };
  const queue = new InlineJobQueue({ handlers, startAt: Date.now() });
  handlers.sync = syncJob(sync, { queue });
  return { queue, services };
}

describe('the score job', () => {
  it('runs after a sync that loaded the tenant: every open lead scored by the rules, stored and written back once', async () => {
    const { queue } = pipeline();
    await queue.enqueue('sync', { tenantId, mode: 'full', reason: 'manual' });
    await queue.runUntilIdle();
    const jobs = [...queue.jobs.values()];
    expect(jobs.map((job) => [job.queue, job.state])).toEqual([
      ['sync', 'completed'],
      ['score', 'completed'],
    ]);
    // The pass names the sync that asked for it, so that sync's retries ask for this same pass.
    expect(jobs[1].payload).toEqual(scorePassAfter(tenantId, jobs[0].id));

    const leadIds: string[] = [];
    for await (const batch of store.leads.scan(tenantId)) leadIds.push(...batch.map((lead) => lead.id));
    const stored = await scores.get(tenantId, leadIds);
    // No champion yet: the cold-start rules score every open lead; closed and linked ones are not scored.
    expect(stored.size).toBeGreaterThan(1_000);
    expect(stored.size).toBeLessThanOrEqual(leadIds.length);
    expect([...stored.values()].every((score) => score.source === 'rules')).toBe(true);

    // Written back once per lead outside the holdout, the CRM field holding the stored score.
    const share = new Map(defaultSettings().segments.map((segment) => [segment.id, segment.holdoutShare]));
    const expected = [...stored.values()].filter(
      (score) => !inHoldout(tenantId, score.leadId, share.get(score.segment) ?? 0),
    );
    expect(expected.length).toBeGreaterThan(0);
    const writes = sandbox.salesforce.store.scoreWrites;
    expect(writes.size).toBe(expected.length);
    // One score write per record; routing's baseline adds one nurture-flag write for each warm lead.
    const nurtured = [...writes.keys()].filter(
      (crmId) => sandbox.salesforce.store.get(crmId)?.[nurtureField ?? 'missing'] === true,
    );
    expect(nurtured.length).toBeGreaterThan(0);
    expect(nurtured.length).toBeLessThan(writes.size);
    for (const [crmId, count] of writes)
      expect([crmId, count]).toEqual([crmId, nurtured.includes(crmId) ? 2 : 1]);
    let checked = 0;
    for (const score of expected) {
      const lead = await store.leads.get(tenantId, score.leadId);
      if (lead?.objectType !== 'Lead' || checked === 50) continue;
      checked += 1;
      const record = sandbox.salesforce.store.table('Lead').get(lead.crmId);
      expect(record?.[scoreField ?? 'missing']).toBe(score.score);
    }
    expect(checked).toBe(50);
  }, 120_000);

  it('writes nothing more on a second pass when nothing changed', async () => {
    const { queue } = pipeline();
    const before = new Map(sandbox.salesforce.store.scoreWrites);
    await queue.enqueue('score', scorePassAfter(tenantId, 'manual.rerun'));
    await queue.runUntilIdle();
    expect([...queue.jobs.values()].map((job) => job.state)).toEqual(['completed']);
    expect(new Map(sandbox.salesforce.store.scoreWrites)).toEqual(before);
  }, 120_000);

  it('feeds the writeback and route jobs the stored scores of their model version and the routing of the settings', async () => {
    const { services } = pipeline();
    const leadIds: string[] = [];
    for await (const batch of store.leads.scan(tenantId)) leadIds.push(...batch.map((lead) => lead.id));
    const stored = [...(await scores.get(tenantId, leadIds)).values()].slice(0, 20);
    const modelVersion = stored[0].modelVersion;
    const wanted = [...stored.map((score) => score.leadId), 'not-a-lead'];
    const given: { writeback: string[]; route: string[]; segments: unknown } = {
      writeback: [],
      route: [],
      segments: undefined,
    };
    const handlers: JobHandlers = {
      writeback: writebackJob({
        ...services.writeback,
        service: {
          writeBack: (input) => {
            given.writeback.push(...input.scores.map((score) => score.leadId));
            return services.writeback.service.writeBack(input);
          },
        },
      }),
      route: routeJob({
        ...services.routing,
        service: {
          route: (input) => {
            given.route.push(...input.scores.map((score) => score.leadId));
            given.segments = input.segments;
            return services.routing.service.route(input);
          },
        },
      }),
    };
    const queue = new InlineJobQueue({ handlers });
    const before = new Map(sandbox.salesforce.store.scoreWrites);
    await queue.enqueue('writeback', { tenantId, modelVersion, leadIds: wanted });
    await queue.enqueue('route', { tenantId, modelVersion, leadIds: wanted });
    await queue.enqueue('writeback', { tenantId, modelVersion: 'm-older', leadIds: wanted });
    await queue.runUntilIdle();
    expect([...queue.jobs.values()].map((job) => job.state)).toEqual(['completed', 'completed', 'completed']);
    // The unknown lead and the other model version's job get nothing; the known leads their own scores.
    expect(given.writeback.sort()).toEqual(stored.map((score) => score.leadId).sort());
    expect(given.route.sort()).toEqual(stored.map((score) => score.leadId).sort());
    expect(given.segments).toEqual(segmentRoutings(defaultSettings()));
    // Nothing changed since the pass: nothing written again.
    expect(new Map(sandbox.salesforce.store.scoreWrites)).toEqual(before);
  }, 60_000);

  it('asks for no scoring pass after a sync that changed nothing', async () => {
    const { queue } = pipeline();
    await queue.enqueue('sync', { tenantId, mode: 'incremental', reason: 'schedule' });
    await queue.runUntilIdle();
    expect([...queue.jobs.values()].map((job) => [job.queue, job.state])).toEqual([['sync', 'completed']]);
  }, 60_000);

  it('pauses a tenant whose CRM revoked access and leaves it an alert that quotes no CRM text', async () => {
    const revoked = uniqueTenantId();
    const services = createWorkerServices({
      redis,
      store,
      connectorFor: async () => {
        throw new ConnectorError('AUTH_REVOKED', 'refresh token revoked for ana@example.com', {
          context: { tenantId: revoked },
        });
      },
      logger,
    });
    const control = new InMemoryTenantControl();
    const queue = new InlineJobQueue({
      handlers: { score: scoreJob(services.scoring) },
      tenants: services.alertingTenantControl(control),
    });
    try {
      await queue.enqueue('score', scorePassAfter(tenantIdSchema.parse(revoked), 'manual.1'));
      await queue.enqueue('score', scorePassAfter(tenantIdSchema.parse(revoked), 'manual.2'));
      await queue.runUntilIdle();
      expect([...queue.jobs.values()].map((job) => job.state)).toEqual(['failed', 'skipped']);
      expect(control.state(tenantIdSchema.parse(revoked)).status).toBe('auth_revoked');
      const alerts = await services.alerts.list(revoked);
      expect(alerts.map((alert) => alert.kind)).toEqual(['tenant_auth_revoked']);
      expect(alerts[0].message).not.toContain('ana@example.com');
    } finally {
      await store.purgeTenant(revoked);
    }
  });
});
