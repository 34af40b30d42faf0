import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectSalesforceToSandbox } from '../../connector/sandbox/connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { salesforceWebhooksRouter } from '../../connector/server/webhooks/salesforce-webhooks.ts';
import { postSalesforce, serve, webhookDeps } from '../../connector/server/webhooks/webhook-test-support.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { installedTenant } from './rescore-test-support.ts';

const suffix = String(Math.floor(Math.random() * 900_000) + 100_000);
const tenantSeed = `sf:00D0000010${suffix}AA` as TenantId;
const secret = 'composite-sandbox-secret';
const redis = new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const store = createStore(redis);
const scores = new ScoresRepository(redis);
const logger = createLogger({ level: 'silent' });
const running: { close: () => Promise<void> }[] = [];
const tenants: TenantId[] = [];

afterEach(async () => {
  for (const item of running.splice(0)) await item.close();
});
afterAll(async () => {
  for (const tenantId of tenants) await store.purgeTenant(tenantId);
  redis.disconnect();
});

async function setUp(seed: number) {
  const sandbox: RunningSandbox = await startSandbox({
    seed: { salesforce: generateDataset({ leads: 25, seed, tenantId: tenantSeed }) },
    salesforce: { orgId: tenantSeed.slice(3) },
  });
  running.push(sandbox);
  const { connector, orgId } = await connectSalesforceToSandbox(sandbox, { tenantId: tenantSeed, logger });
  const tenantId = `sf:${orgId}` as TenantId;
  tenants.push(tenantId);
  await connector.ensureFields();
  const { queue } = await installedTenant({ redis, store, tenantId, connector });
  const server = await serve(
    salesforceWebhooksRouter(webhookDeps(redis, queue, secret, 'http://unused'), {
      secretFor: async (asked) => (asked === tenantId ? secret : undefined),
    }),
  );
  running.push(server);
  const leads = [...sandbox.salesforce.store.table('Lead').values()]
    .filter((record) => !record.IsConverted)
    .slice(0, 8);
  if (leads.length < 8) throw new Error('the seed has fewer than 8 open leads');
  return {
    sandbox,
    connector,
    orgId,
    tenantId,
    queue,
    server,
    leadIds: leads.map((lead) => String(lead.Id)),
  };
}

/** The calls since a snapshot, by endpoint, without the ones that did not change. */
function callsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(after)) {
    const made = count - (before[endpoint] ?? 0);
    if (made > 0) out[endpoint] = made;
  }
  return out;
}

describe('Salesforce rescore windows in one Composite API call', () => {
  it('a Task, an Event and a campaign response on each of 8 leads: one composite read, one write, every activity stored', async () => {
    const { sandbox, connector, orgId, tenantId, queue, server, leadIds } = await setUp(21);
    const sf = sandbox.salesforce.store;
    const campaignId = [...sf.table('CampaignMember').values()][0]?.CampaignId;
    if (campaignId === undefined) throw new Error('the seed has no campaign member');
    const at = new Date(Date.now() - 60_000).toISOString();
    const added: string[] = [];
    const changes: { sobject: string; recordId: string; leadId: string; change: string }[] = [];
    for (const leadId of leadIds) {
      const task = sf.newId('Task');
      sf.put('Task', {
        Id: task,
        WhoId: leadId,
        Subject: 'Call',
        Status: 'Completed',
        TaskSubtype: 'Call',
        CallDisposition: 'Connected',
        ActivityDate: at.slice(0, 10),
        CreatedDate: at,
        SystemModstamp: at,
        LastModifiedDate: at,
      });
      const event = sf.newId('Event');
      sf.put('Event', {
        Id: event,
        WhoId: leadId,
        Subject: 'Demo',
        ActivityDateTime: at,
        StartDateTime: at,
        CreatedDate: at,
        SystemModstamp: at,
        LastModifiedDate: at,
      });
      const member = sf.newId('CampaignMember');
      sf.put('CampaignMember', {
        Id: member,
        LeadId: leadId,
        ContactId: null,
        CampaignId: campaignId,
        Status: 'Responded',
        HasResponded: true,
        FirstRespondedDate: at.slice(0, 10),
        CreatedDate: at,
        SystemModstamp: at,
        LastModifiedDate: at,
      });
      added.push(task, event, member);
      changes.push(
        { sobject: 'Task', recordId: task, leadId, change: 'insert' },
        { sobject: 'Event', recordId: event, leadId, change: 'insert' },
        { sobject: 'CampaignMember', recordId: member, leadId, change: 'insert' },
      );
    }
    const before = sandbox.calls.snapshot();
    const writesBefore = new Map(sf.scoreWrites);
    const body = JSON.stringify({ batchId: `composite-${suffix}-000001`, changes });
    const answer = await postSalesforce(server.url, body, { secret, orgId });
    expect([answer.status, answer.status === 202 ? '' : await answer.text()]).toEqual([202, '']);
    expect(await queue.runUntilIdle()).toBe(1);
    const made = callsSince(before, sandbox.calls.snapshot());
    // No lead fetch (only activities changed) and no separate query: one composite read.
    expect(made['salesforce POST /composite']).toBe(1);
    expect(Object.keys(made).filter((endpoint) => endpoint.includes('/query'))).toEqual([]);
    // Besides it only write-backs (PATCH /composite/sobjects: the scores, then any nurture flags).
    expect(Object.keys(made).sort()).toEqual([
      'salesforce PATCH /composite/sobjects',
      'salesforce POST /composite',
    ]);
    const written = await scores.get(tenantId, leadIds);
    for (const leadId of leadIds) {
      expect(sf.scoreWrites.get(leadId) ?? 0).toBeGreaterThan(writesBefore.get(leadId) ?? 0);
      expect(sf.get(leadId)?.LeadScore_Score__c).toBe(written.get(leadId)?.score);
    }

    // Every activity the changes named is stored, as the sync's own read of those leads returns them.
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const synced = await connector.activitiesForLeads(leadIds, since);
    const syncedIds = new Set(synced.records.map((activity) => activity.id));
    for (const id of added) expect(syncedIds.has(id)).toBe(true);
    const storedIds = new Set<string>();
    for (const leadId of leadIds)
      for (const activity of await store.activities.all(tenantId, leadId)) storedIds.add(activity.id);
    expect([...syncedIds].filter((id) => !storedIds.has(id))).toEqual([]);
  });

  it('a Lead field change still fetches that lead, in the same window as another lead’s Task', async () => {
    const { sandbox, orgId, tenantId, queue, server, leadIds } = await setUp(22);
    const sf = sandbox.salesforce.store;
    const [changed, other] = leadIds;
    if (changed === undefined || other === undefined) throw new Error('need two leads');
    const record = sf.get(changed);
    if (record === undefined) throw new Error('the lead is not in the sandbox');
    sf.put('Lead', { ...record, Title: 'VP Revenue', LastModifiedDate: new Date().toISOString() });
    const task = sf.newId('Task');
    const at = new Date(Date.now() - 60_000).toISOString();
    sf.put('Task', {
      Id: task,
      WhoId: other,
      Subject: 'Call',
      Status: 'Completed',
      TaskSubtype: 'Call',
      CallDisposition: 'Connected',
      ActivityDate: at.slice(0, 10),
      CreatedDate: at,
      SystemModstamp: at,
      LastModifiedDate: at,
    });
    const before = sandbox.calls.snapshot();
    const body = JSON.stringify({
      batchId: `composite-${suffix}-000002`,
      changes: [
        { sobject: 'Lead', recordId: changed, leadId: changed, change: 'update' },
        { sobject: 'Task', recordId: task, leadId: other, change: 'insert' },
      ],
    });
    const answer = await postSalesforce(server.url, body, { secret, orgId });
    expect([answer.status, answer.status === 202 ? '' : await answer.text()]).toEqual([202, '']);
    expect(await queue.runUntilIdle()).toBe(1);
    const made = callsSince(before, sandbox.calls.snapshot());
    // The lead fetch (one query for the changed lead) plus the activity read.
    expect(made['salesforce GET /query']).toBe(1);
    expect(made['salesforce POST /composite']).toBe(1);
    expect((await store.leads.get(tenantId, changed))?.title).toBe('VP Revenue');
    const stored = await store.activities.all(tenantId, other);
    expect(stored.some((activity) => activity.id === task)).toBe(true);
  });
});
