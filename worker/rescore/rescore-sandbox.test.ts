import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetHubspotPauses } from '../../connector/providers/hubspot/hubspot-api.ts';
import {
  connectHubspotToSandbox,
  connectSalesforceToSandbox,
} from '../../connector/sandbox/connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { hubspotWebhooksRouter } from '../../connector/server/webhooks/hubspot-webhooks.ts';
import { salesforceWebhooksRouter } from '../../connector/server/webhooks/salesforce-webhooks.ts';
import {
  hubspotEvent,
  postHubspot,
  postSalesforce,
  serve,
  webhookDeps,
} from '../../connector/server/webhooks/webhook-test-support.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { createRedisLeadHistory } from '../../shared/store/redis-lead-history.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { addHubspotMeetings, installedTenant, openContact } from './rescore-test-support.ts';

const suffix = String(Math.floor(Math.random() * 900_000) + 100_000);
const salesforceTenant = `sf:00D000000${suffix}AAA` as TenantId;
const hubspotTenant = `hs:9${suffix}` as TenantId;
const secret = 'rescore-sandbox-secret';
const redis = new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const store = createStore(redis);
const _hygiene = new SyncHygieneRepository(redis);
const scores = new ScoresRepository(redis);
const history = createRedisLeadHistory(store);
const logger = createLogger({ level: 'silent' });
const running: { close: () => Promise<void> }[] = [];

beforeEach(() => resetHubspotPauses());
afterEach(async () => {
  for (const item of running.splice(0)) await item.close();
});
afterAll(async () => {
  await store.purgeTenant(salesforceTenant);
  await store.purgeTenant(hubspotTenant);
  redis.disconnect();
});

const installed = (tenantId: TenantId, connector: CrmConnector) =>
  installedTenant({ redis, store, tenantId, connector });

const aMinuteAgo = () => new Date(Date.now() - 60_000).toISOString();

describe('real-time rescoring against the sandbox CRM', () => {
  it('Salesforce: a Task on a lead, its signed change POST, one rescore: the new score lands with one write', async () => {
    const sandbox: RunningSandbox = await startSandbox({
      seed: { salesforce: generateDataset({ leads: 25, seed: 11, tenantId: salesforceTenant }) },
      salesforce: { orgId: salesforceTenant.slice(3) },
    });
    running.push(sandbox);
    const { connector, orgId } = await connectSalesforceToSandbox(sandbox, {
      tenantId: salesforceTenant,
      logger,
    });
    const tenantId = `sf:${orgId}` as TenantId;
    expect(tenantId).toMatch(/^sf:00D/);
    await connector.ensureFields();
    const { queue, written } = await installed(tenantId, connector);
    const lead = [...sandbox.salesforce.store.table('Lead').values()].find((record) => !record.IsConverted);
    if (lead === undefined) throw new Error('the seed has no open lead');
    const before = (await scores.get(tenantId, [lead.Id])).get(lead.Id);
    const writesBefore = new Map(sandbox.salesforce.store.scoreWrites);

    // A demo booked and three calls: the lead's score must move.
    const taskIds: string[] = [];
    for (const subject of ['Demo', 'Call', 'Call', 'Call']) {
      const at = aMinuteAgo();
      const task = sandbox.salesforce.store.newId('Task');
      taskIds.push(task);
      sandbox.salesforce.store.put('Task', {
        Id: task,
        WhoId: lead.Id,
        Subject: subject,
        Status: 'Completed',
        TaskSubtype: subject === 'Call' ? 'Call' : 'Task',
        CallDisposition: subject === 'Call' ? 'Connected' : null,
        ActivityDate: at.slice(0, 10),
        CreatedDate: at,
        SystemModstamp: at,
        LastModifiedDate: at,
      });
    }
    const server = await serve(
      salesforceWebhooksRouter(webhookDeps(redis, queue, secret, 'http://unused'), {
        secretFor: async (asked) => (asked === tenantId ? secret : undefined),
      }),
    );
    running.push(server);
    const body = JSON.stringify({
      batchId: `batch-${suffix}-0000000001`,
      changes: [{ sobject: 'Task', recordId: '00T000000000001AAA', leadId: lead.Id, change: 'insert' }],
    });
    const answer = await postSalesforce(server.url, body, { secret, orgId });
    expect(answer.status).toBe(202);
    expect(await queue.runUntilIdle()).toBe(1);

    const stored = await history.activitiesBefore(tenantId, lead.Id, Date.now() + 1);
    expect(taskIds.filter((id) => stored.some((activity) => activity.id === id))).toEqual(taskIds);
    const after = (await scores.get(tenantId, [lead.Id])).get(lead.Id);
    expect(after?.score).not.toBe(before?.score);
    expect(sandbox.salesforce.store.get(lead.Id)?.LeadScore_Score__c).toBe(after?.score);
    // One write, for this lead only.
    const writesAfter = new Map(sandbox.salesforce.store.scoreWrites);
    expect(writesAfter.get(lead.Id)).toBe((writesBefore.get(lead.Id) ?? 0) + 1);
    for (const [id, count] of writesAfter)
      if (id !== lead.Id) expect([id, count]).toEqual([id, writesBefore.get(id)]);
    expect(written).toHaveLength(1);
    expect(written[0]?.count).toBe(1);
    expect(written[0]?.seconds).toHaveLength(1);
  });

  it('HubSpot: meetings on a contact, its signed event, one rescore: the new score lands with one write', async () => {
    const dataset = generateDataset({ leads: 25, seed: 12, tenantId: hubspotTenant });
    const sandbox: RunningSandbox = await startSandbox({ seed: { hubspot: dataset } });
    running.push(sandbox);
    // The webhook's portal id names the tenant the connector was installed for.
    const portalId = Number(hubspotTenant.slice(3));
    const tenantId = hubspotTenant;
    const connector = await connectHubspotToSandbox(sandbox, { tenantId, logger });
    await connector.ensureFields();
    const { queue, written } = await installed(tenantId, connector);
    const contact = openContact(sandbox);
    const leadId = `${tenantId}:contact:${contact.id}`;
    const before = (await scores.get(tenantId, [leadId])).get(leadId);
    const writesBefore = new Map(sandbox.hubspot.store.writes);

    const meetingIds = addHubspotMeetings(sandbox, contact.id, leadId, ['Demo', 'Pricing call', 'Follow-up']);
    const server = await serve(
      hubspotWebhooksRouter(webhookDeps(redis, queue, secret, 'https://leadscore.example.com'), {
        erasePerson: async () => {},
      }),
    );
    running.push(server);
    const body = JSON.stringify([
      hubspotEvent({
        eventId: Number(suffix),
        portalId,
        objectId: Number(contact.id),
        propertyName: 'hs_last_sales_activity_timestamp',
      }),
    ]);
    const answer = await postHubspot(server.url, body, {
      secret,
      publicUrl: 'https://leadscore.example.com',
    });
    expect(answer.status).toBe(200);
    expect(await queue.runUntilIdle()).toBe(1);

    const activities = await history.activitiesBefore(tenantId, leadId, Date.now() + 1);
    expect(meetingIds.filter((id) => activities.some((activity) => activity.id === id))).toEqual(meetingIds);
    const after = (await scores.get(tenantId, [leadId])).get(leadId);
    expect(after?.score).not.toBe(before?.score);
    const stored = sandbox.hubspot.store.typeMap('contacts').get(contact.id);
    expect(stored?.properties.leadscore_score).toBe(String(after?.score));
    const writesAfter = new Map(sandbox.hubspot.store.writes);
    expect(writesAfter.get(contact.id)).toBe((writesBefore.get(contact.id) ?? 0) + 1);
    for (const [id, count] of writesAfter)
      if (id !== contact.id) expect([id, count]).toEqual([id, writesBefore.get(id)]);
    expect(written.map((entry) => entry.count)).toEqual([1]);
  });
});
