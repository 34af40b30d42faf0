import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetHubspotPauses } from '../../connector/providers/hubspot/hubspot-api.ts';
import {
  connectHubspotToSandbox,
  connectSalesforceToSandbox,
} from '../../connector/sandbox/connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import { RoutingStateRepository } from '../../shared/store/routing-state.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { testScore } from '../writeback/writeback-test-support.ts';
import type { SegmentRouting } from './routing-decisions.ts';
import { RoutingService } from './routing-service.ts';

const salesforceTenant: TenantId = 'sf:00D000000000R01AAA';
const hubspotTenant: TenantId = 'hs:3030303';
const redis = new Redis(testRedisUrl);
const store = createStore(redis);
const state = new RoutingStateRepository(redis);
const segments: SegmentRouting[] = [{ segmentId: 'smb', hot: 80, warm: 50, action: 'both' }];
const running: RunningSandbox[] = [];
const logger = createLogger({ level: 'silent' });

async function firstLeads(tenantId: TenantId, connector: CrmConnector, count: number): Promise<Lead[]> {
  const leads: Lead[] = [];
  for await (const page of connector.syncLeads({ cursor: null })) leads.push(...page.records);
  const chosen = leads.slice(0, count);
  await store.leads.upsertMany(tenantId, chosen);
  return chosen;
}

/** Baseline (all cold), then 40 leads cross hot in a run killed after the CRM created their tasks. */
async function crashThenResume(tenantId: TenantId, connector: CrmConnector, leads: Lead[]) {
  await new RoutingService({ state, leads: store.leads, logger }).route({
    tenantId,
    connector,
    segments,
    scores: leads.map((lead) => testScore(lead.id, 20)),
  });
  const hot = leads.map((lead) => testScore(lead.id, 90));
  const killed = new RoutingService({
    state,
    leads: store.leads,
    logger,
    afterTasksCreated: () => {
      throw new Error('killed after the CRM answered');
    },
  });
  await expect(
    killed.route({ tenantId, connector, segments, scores: hot, attemptId: 'route.1' }),
  ).rejects.toThrow('killed');
  const resumed = await new RoutingService({ state, leads: store.leads, logger }).route({
    tenantId,
    connector,
    segments,
    scores: hot,
    attemptId: 'route.1',
  });
  const replayed = await new RoutingService({ state, leads: store.leads, logger }).route({
    tenantId,
    connector,
    segments,
    scores: hot,
    attemptId: 'route.2',
  });
  return { resumed, replayed };
}

beforeEach(async () => {
  resetHubspotPauses();
  await store.purgeTenant(salesforceTenant);
  await store.purgeTenant(hubspotTenant);
});
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});
afterAll(async () => {
  await store.purgeTenant(salesforceTenant);
  await store.purgeTenant(hubspotTenant);
  await redis.quit();
});

describe('routing against the sandbox CRM', () => {
  it('Salesforce: a crash after the tasks were created leaves exactly one task per lead and crossing', async () => {
    const sandbox = await startSandbox({
      seed: { salesforce: generateDataset({ leads: 60, seed: 3, tenantId: salesforceTenant }) },
    });
    running.push(sandbox);
    const { connector } = await connectSalesforceToSandbox(sandbox, { tenantId: salesforceTenant, logger });
    await connector.ensureFields();
    const leads = await firstLeads(salesforceTenant, connector, 40);
    const before = sandbox.salesforce.store.count('Task');
    const { resumed, replayed } = await crashThenResume(salesforceTenant, connector, leads);
    expect(resumed).toMatchObject({ tasksRecovered: 40, tasksCreated: 0 });
    expect(replayed).toMatchObject({ crossings: 0, tasksCreated: 0, tasksRecovered: 0 });
    expect(sandbox.salesforce.store.count('Task')).toBe(before + 40);
    const ours = [...sandbox.salesforce.store.table('Task').values()].filter((task) =>
      String(task.Subject).startsWith('LeadScore hot lead'),
    );
    expect(new Set(ours.map((task) => task.WhoId))).toEqual(new Set(leads.map((lead) => lead.crmId)));
    expect(ours.find((task) => task.WhoId === leads[0]?.crmId)?.OwnerId).toBe(leads[0]?.ownerId ?? undefined);
  }, 60_000);

  it('HubSpot: a crash after the tasks were created leaves exactly one task per contact and crossing', async () => {
    const sandbox = await startSandbox({
      seed: { hubspot: generateDataset({ leads: 60, seed: 3, tenantId: hubspotTenant }) },
    });
    running.push(sandbox);
    const connector = await connectHubspotToSandbox(sandbox, { tenantId: hubspotTenant, logger });
    await connector.ensureFields();
    const leads = await firstLeads(hubspotTenant, connector, 40);
    const { resumed, replayed } = await crashThenResume(hubspotTenant, connector, leads);
    expect(resumed).toMatchObject({ tasksRecovered: 40, tasksCreated: 0 });
    expect(replayed).toMatchObject({ tasksCreated: 0 });
    const tasks = sandbox.hubspot.store.typeMap('tasks');
    for (const lead of leads) {
      const ours = sandbox.hubspot.store
        .associated(lead.crmId, 'tasks')
        .filter((id) => tasks.get(id)?.properties.hs_task_subject?.startsWith('LeadScore hot lead'));
      expect(ours).toHaveLength(1);
    }
  }, 60_000);
});
