import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Dataset, generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector, SyncPage } from '../../shared/crm-connector.ts';
import { activityTypeSchema } from '../../shared/schemas/activity.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { resetHubspotPauses } from '../providers/hubspot/hubspot-api.ts';
import { HubspotConnector } from '../providers/hubspot/hubspot-connector.ts';
import { RollingTokenBucket } from '../providers/hubspot/search-rate-limiter.ts';
import { testContext } from '../providers/hubspot/test-support.ts';
import { compareCounts, countByLead, type RoundTripComparison } from './activity-counts.ts';
import { connectSalesforceToSandbox, sandboxHubspotTokens } from './connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from './start-sandbox.ts';

/**
 * The generator's activities go into the sandbox CRM in each vendor's own shapes (Tasks, Events,
 * typed Campaign responses; engagements and web analytics events) and come back through the real
 * provider: per lead, the count of every activity type must match what was generated.
 */

const leadCount = 3000;
const running: RunningSandbox[] = [];
beforeEach(() => resetHubspotPauses());
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

async function drain<T>(pages: AsyncIterable<SyncPage<T>>) {
  const records: T[] = [];
  const rejected: string[] = [];
  for await (const page of pages) {
    records.push(...page.records);
    rejected.push(...page.rejected.map((record) => record.crmId));
  }
  return { records, rejected };
}

async function roundTrip(
  connector: CrmConnector,
  dataset: Dataset,
  crmIdOf: (leadId: string) => string,
): Promise<RoundTripComparison> {
  const leads = await drain(connector.syncLeads({ cursor: null }));
  // Owners arrive with the leads, for routing: the generator's owner, or none where it gave none.
  const ownerOf = new Map(dataset.leads.map((lead) => [lead.crmId, lead.ownerId]));
  const owners = leads.records.map((lead) => [lead.crmId, lead.ownerId]);
  expect(owners).toEqual(owners.map(([crmId]) => [crmId, ownerOf.get(crmId ?? '')]));
  expect(owners.filter(([, owner]) => owner !== null).length).toBeGreaterThan(leads.records.length * 0.85);
  const activities = await drain(connector.syncActivities({ cursor: null }));
  return compareCounts(
    dataset.leads.map((lead) => lead.crmId),
    new Set(leads.rejected),
    countByLead(dataset.activities),
    countByLead(activities.records, crmIdOf),
  );
}

function report(provider: string, result: RoundTripComparison): void {
  const share = (result.share * 100).toFixed(2);
  process.stdout.write(
    `${provider}: ${result.identical} of ${result.compared} leads (${share}%) have identical activity counts by type; ${result.rejected} dirty leads rejected and left out\n`,
  );
}

/** The real HubSpot provider against the sandbox, installed by OAuth, with budgets that never wait. */
async function unpacedHubspot(sandbox: RunningSandbox, tenantId: TenantId): Promise<HubspotConnector> {
  const tokens = await sandboxHubspotTokens(sandbox);
  return new HubspotConnector(testContext({ tenantId, tokens, baseUrls: { api: sandbox.baseUrl } }), {
    searchBucket: new RollingTokenBucket(1_000_000, 1),
    callBucket: new RollingTokenBucket(1_000_000, 1),
  });
}

/** Every type the generator emits reaches the store as that type, in about the seeded numbers. */
function expectEveryGeneratedType(result: RoundTripComparison, dataset: Dataset): void {
  const generated = new Set(dataset.activities.map((activity) => activity.type));
  expect(generated.size).toBeGreaterThanOrEqual(10);
  for (const type of generated) {
    expect(activityTypeSchema.options).toContain(type);
    const total = result.totals[type];
    expect(total, type).toBeDefined();
    expect(total!.synced / total!.seeded, type).toBeGreaterThan(0.98);
    expect(total!.synced, type).toBeLessThanOrEqual(total!.seeded);
  }
}

describe('activity types through the sandbox CRM and each provider', () => {
  it('Salesforce: at least 99% of leads come back with the same count of every activity type', async () => {
    const tenantId = 'sf:00D000000000001AAA';
    const dataset = generateDataset({ leads: leadCount, seed: 23, tenantId });
    const sandbox = await startSandbox({ seed: { salesforce: dataset } });
    running.push(sandbox);
    const { connector } = await connectSalesforceToSandbox(sandbox, { tenantId });
    const result = await roundTrip(connector, dataset, (leadId) => leadId);
    report('salesforce', result);
    expect(result.compared + result.rejected).toBe(leadCount);
    expect(result.rejected).toBeGreaterThan(0);
    expect(result.share, JSON.stringify(result.examples)).toBeGreaterThanOrEqual(0.99);
    expectEveryGeneratedType(result, dataset);
  });

  it('HubSpot: at least 99% of leads come back with the same count of every activity type', async () => {
    const tenantId = 'hs:2431623';
    const dataset = generateDataset({ leads: leadCount, seed: 23, tenantId });
    // This test is about what arrives, not pacing (the rate-limit tests cover that): no limits.
    const sandbox = await startSandbox({
      seed: { hubspot: dataset },
      hubspot: { tenSecondlyLimit: 1_000_000, searchesPerSecond: 1_000_000 },
    });
    running.push(sandbox);
    const connector = await unpacedHubspot(sandbox, tenantId);
    const prefix = `${tenantId}:contact:`;
    const result = await roundTrip(connector, dataset, (leadId) => leadId.slice(prefix.length));
    report('hubspot', result);
    expect(result.compared + result.rejected).toBe(leadCount);
    expect(result.share, JSON.stringify(result.examples)).toBeGreaterThanOrEqual(0.99);
    expectEveryGeneratedType(result, dataset);
  });

  it('HubSpot below Enterprise: page views and forms come from contact properties, engagements as before', async () => {
    const tenantId = 'hs:2431623';
    const dataset = generateDataset({ leads: 200, seed: 29, tenantId });
    const sandbox = await startSandbox({
      seed: { hubspot: dataset },
      hubspot: { webAnalytics: false, tenSecondlyLimit: 1_000_000, searchesPerSecond: 1_000_000 },
    });
    running.push(sandbox);
    const connector = await unpacedHubspot(sandbox, tenantId);
    const { records } = await drain(connector.syncActivities({ cursor: null }));
    expect(records.some((activity) => activity.id.includes(':events:'))).toBe(false);
    const summaries = records.filter((activity) => activity.id.endsWith(':analytics:page_views'));
    const viewers = new Set(
      dataset.activities
        .filter((activity) => activity.type === 'page_view' || activity.type === 'pricing_page_view')
        .map((activity) => activity.leadId),
    );
    // One summary per contact with page views: the detail a portal without web analytics allows.
    expect(summaries).toHaveLength(viewers.size);
    const engagementTypes = new Set(['email_open', 'email_click', 'meeting', 'call']);
    const engagements = (list: readonly { type: string }[]) =>
      list.filter((activity) => engagementTypes.has(activity.type)).length;
    expect(engagements(records)).toBe(engagements(dataset.activities));
  });
});
