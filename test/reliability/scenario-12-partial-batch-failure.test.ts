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
import type { Score } from '../../shared/schemas/score.ts';
import { createStore } from '../../shared/store/store.ts';
import { WritebackStateRepository } from '../../shared/store/writeback-state.repository.ts';
import { WritebackService } from '../../worker/writeback/writeback-service.ts';
import { testRedisUrl } from '../support/redis.ts';

const salesforceTenant: TenantId = 'sf:00D000000000S12AAA';
const hubspotTenant: TenantId = 'hs:1212121';
const redis = new Redis(testRedisUrl);
const store = createStore(redis);
const state = new WritebackStateRepository(redis);
const service = new WritebackService({
  state,
  leads: store.leads,
  logger: createLogger({ level: 'silent' }),
});
const running: RunningSandbox[] = [];

async function syncedLeads(tenantId: TenantId, connector: CrmConnector, count: number): Promise<Lead[]> {
  const leads: Lead[] = [];
  for await (const page of connector.syncLeads({ cursor: null })) leads.push(...page.records);
  const chosen = leads.slice(0, count);
  await store.leads.upsertMany(tenantId, chosen);
  return chosen;
}

function scoreOf(lead: Lead, n: number): Score {
  return {
    leadId: lead.id,
    modelVersion: 'm-12',
    score: (n * 37) % 101,
    probability: 0.3,
    tier: n % 3 === 0 ? 'hot' : n % 3 === 1 ? 'warm' : 'cold',
    segment: 'smb',
    factors: [
      { featureId: 'pricing_views_30d', label: `Viewed pricing ${n % 7} times`, points: 4 + (n % 5) },
    ],
    scoredAt: '2026-03-01T12:00:00.000Z',
  };
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

describe('scenario 12: partial batch failure', () => {
  it('scenario 12: 3 of 200 records fail in a batch write → only those 3 are retried; the final state has all 200 once', async () => {
    const dataset = generateDataset({ leads: 260, seed: 12, tenantId: salesforceTenant });
    const sandbox = await startSandbox({ seed: { salesforce: dataset } });
    running.push(sandbox);
    const { connector } = await connectSalesforceToSandbox(sandbox, { tenantId: salesforceTenant });
    await connector.ensureFields();
    const leads = await syncedLeads(salesforceTenant, connector, 200);
    const locked = [leads[3]!, leads[101]!, leads[198]!].map((lead) => lead.crmId);
    sandbox.faults.options.lockRecordsOnce = locked;
    sandbox.calls.reset();

    const scores = leads.map(scoreOf);
    const figures = await service.writeBack({ tenantId: salesforceTenant, connector, scores });

    expect(figures).toMatchObject({ writes: 200, failed: 0, calls: 1 });
    expect(sandbox.faults.injected.recordLock).toBe(3);
    // One Collections call for the 200, one more holding only the 3: nothing else was sent twice.
    expect(sandbox.calls.snapshot()['salesforce PATCH /composite/sobjects']).toBe(2);
    const writes = sandbox.salesforce.store.scoreWrites;
    expect(leads.map((lead) => writes.get(lead.crmId))).toEqual(leads.map(() => 1));
    leads.forEach((lead, n) => {
      expect(sandbox.salesforce.store.get(lead.crmId)?.LeadScore_Score__c).toBe(scores[n]!.score);
    });
    expect(
      (
        await state.lastWritten(
          salesforceTenant,
          leads.map((lead) => lead.id),
        )
      ).size,
    ).toBe(200);

    // Run again (a retried job): nothing is sent.
    const again = await service.writeBack({ tenantId: salesforceTenant, connector, scores });
    expect(again).toMatchObject({ writes: 0, skippedUnchanged: 200, calls: 0 });
    expect(sandbox.calls.snapshot()['salesforce PATCH /composite/sobjects']).toBe(2);
  }, 60_000);

  it('scenario 12 on HubSpot: 3 of 200 contacts locked in batch updates of 100 → only those 3 sent again', async () => {
    const dataset = generateDataset({ leads: 260, seed: 12, tenantId: hubspotTenant });
    const sandbox = await startSandbox({ seed: { hubspot: dataset } });
    running.push(sandbox);
    const connector = await connectHubspotToSandbox(sandbox, { tenantId: hubspotTenant });
    await connector.ensureFields();
    const leads = await syncedLeads(hubspotTenant, connector, 200);
    sandbox.faults.options.lockRecordsOnce = [leads[0]!, leads[99]!, leads[150]!].map((lead) => lead.crmId);
    sandbox.calls.reset();

    const figures = await service.writeBack({
      tenantId: hubspotTenant,
      connector,
      scores: leads.map(scoreOf),
    });

    expect(figures).toMatchObject({ writes: 200, failed: 0, calls: 2 });
    expect(sandbox.faults.injected.recordLock).toBe(3);
    // Two batches of 100, each followed by a call holding only its locked contacts (2, then 1).
    expect(sandbox.calls.snapshot()['hubspot POST /crm/v3/objects/contacts/batch/update']).toBe(4);
    const writes = sandbox.hubspot.store.writes;
    expect(leads.map((lead) => writes.get(lead.crmId))).toEqual(leads.map(() => 1));
  }, 60_000);
});
