import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetWebAnalyticsProbes } from '../../connector/providers/hubspot/hubspot-activities-for-leads.ts';
import { resetHubspotPauses } from '../../connector/providers/hubspot/hubspot-api.ts';
import { connectHubspotToSandbox } from '../../connector/sandbox/connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { hubspotWebhooksRouter } from '../../connector/server/webhooks/hubspot-webhooks.ts';
import {
  hubspotEvent,
  postHubspot,
  serve,
  webhookDeps,
} from '../../connector/server/webhooks/webhook-test-support.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { installedTenant } from './rescore-test-support.ts';

/**
 * The HubSpot event path end to end, fast: an activity simulated through the sandbox's route, the
 * webhooks the sandbox POSTs for it, the server's webhook router, one rescore window on an inline
 * queue; for every activity type the bench rotates through, the contact's new score lands exactly
 * once and the window stays within a few HubSpot calls.
 */

const suffix = String(Math.floor(Math.random() * 900_000) + 100_000);
const tenantId = `hs:8${suffix}` as TenantId;
const portalId = Number(tenantId.slice(3));
const secret = 'hubspot-realtime-secret';
const redis = new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const store = createStore(redis);
const scores = new ScoresRepository(redis);
const logger = createLogger({ level: 'silent' });
const running: { close: () => Promise<void> }[] = [];

beforeEach(() => {
  resetHubspotPauses();
  resetWebAnalyticsProbes();
});
afterEach(async () => {
  for (const item of running.splice(0)) await item.close();
});
afterAll(async () => {
  await store.purgeTenant(tenantId);
  redis.disconnect();
});

const activityTypes = ['meeting', 'demo_request', 'pricing_page_view', 'email_click'] as const;

/** The HubSpot reads of one window, each once, with the writes and the one-off web-analytics probe left out. */
const expectedReads: Record<(typeof activityTypes)[number], string[]> = {
  meeting: [
    'hubspot POST /crm/v3/objects/contacts/batch/read',
    'hubspot POST /crm/v3/objects/meetings/batch/read',
    'hubspot POST /crm/v4/associations/contacts/meetings/batch/read',
  ],
  demo_request: ['hubspot GET /events/v3/events/', 'hubspot POST /crm/v3/objects/contacts/batch/read'],
  pricing_page_view: ['hubspot GET /events/v3/events/', 'hubspot POST /crm/v3/objects/contacts/batch/read'],
  email_click: [
    'hubspot POST /crm/v3/objects/contacts/batch/read',
    'hubspot POST /crm/v3/objects/emails/batch/read',
    'hubspot POST /crm/v4/associations/contacts/emails/batch/read',
  ],
};

const contactUpdate = 'hubspot POST /crm/v3/objects/contacts/batch/update';

function callsSince(sandbox: RunningSandbox, before: Record<string, number>): Map<string, number> {
  return new Map(
    Object.entries(sandbox.calls.snapshot())
      .filter(([endpoint]) => endpoint.startsWith('hubspot ') && !/oauth/i.test(endpoint))
      .map(([endpoint, count]): [string, number] => [endpoint, count - (before[endpoint] ?? 0)])
      .filter(([, count]) => count !== 0),
  );
}

describe('HubSpot real-time rescoring from simulated activities', () => {
  it('each activity type: its webhooks, one rescore window, one score write, only the reads it needs', async () => {
    const dataset = generateDataset({ leads: 60, seed: 21, tenantId });
    const sandbox = await startSandbox({ seed: { hubspot: dataset } });
    running.push(sandbox);
    const connector = await connectHubspotToSandbox(sandbox, { tenantId, logger });
    await connector.ensureFields();
    const { queue } = await installedTenant({ redis, store, tenantId, connector });
    const deps = webhookDeps(redis, queue, secret, 'http://pending');
    const server = await serve(hubspotWebhooksRouter(deps, { erasePerson: async () => {} }));
    running.push(server);
    // The sandbox signs the URL it posts to: the server's public URL is the test server's.
    deps.publicUrl = server.url;
    sandbox.events.configure({
      hubspot: { url: `${server.url}/webhooks/hubspot`, clientSecret: secret, appId: 1, portalId },
    });
    // LeadScore's writes of each contact, by the properties they changed (as the bench observes them).
    const leadscoreWrites = new Map<string, string[][]>();
    const stop = sandbox.hubspot.store.onChange((change) => {
      if (change.change !== 'propertyChange' || change.type !== 'contacts') return;
      const ours = change.properties.filter((property) => property.startsWith('leadscore_'));
      if (ours.length > 0)
        leadscoreWrites.set(change.object.id, [...(leadscoreWrites.get(change.object.id) ?? []), ours]);
    });
    running.push({ close: async () => stop() });
    const contacts = [...sandbox.hubspot.store.typeMap('contacts').values()].filter(
      (item) => !item.archived && (item.properties.leadscore_score ?? '') !== '',
    );
    expect(contacts.length).toBeGreaterThanOrEqual(activityTypes.length);

    for (const [index, type] of activityTypes.entries()) {
      const contact = contacts[index];
      if (contact === undefined) throw new Error('not enough scored contacts');
      const leadId = `${tenantId}:contact:${contact.id}`;
      const before = (await scores.get(tenantId, [leadId])).get(leadId);
      const answer = await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts/${contact.id}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type }),
      });
      expect(answer.status, await answer.text()).toBeLessThan(300);
      sandbox.events.flush();
      await sandbox.events.idle();
      const callsBefore = sandbox.calls.snapshot();
      expect([type, await queue.runUntilIdle()]).toEqual([type, 1]);
      const calls = callsSince(sandbox, callsBefore);

      // The activity was read: the score moved, and it landed once (routing's nurture flag is its own write).
      const after = (await scores.get(tenantId, [leadId])).get(leadId);
      expect([type, after?.score === before?.score]).toEqual([type, false]);
      expect(sandbox.hubspot.store.typeMap('contacts').get(contact.id)?.properties.leadscore_score).toBe(
        String(after?.score),
      );
      const scoreWrites = (leadscoreWrites.get(contact.id) ?? []).filter((properties) =>
        properties.includes('leadscore_score'),
      );
      expect([type, scoreWrites.length]).toEqual([type, 1]);
      // Only the engagement type the activity created is read, page views and forms in one listing.
      const reads = [...calls.keys()].filter((endpoint) => endpoint !== contactUpdate).sort();
      expect([type, reads]).toEqual([type, expectedReads[type]]);
      const probe = index === activityTypes.indexOf('demo_request') ? 1 : 0;
      for (const endpoint of reads)
        expect([type, endpoint, calls.get(endpoint)]).toEqual([
          type,
          endpoint,
          endpoint.startsWith('hubspot GET /events') ? 1 + probe : 1,
        ]);
      expect([type, calls.get(contactUpdate)]).toEqual([
        type,
        (leadscoreWrites.get(contact.id) ?? []).length,
      ]);
    }
  }, 120_000);

  it('a window of every activity type, two contacts each: one score write per contact, a handful of calls', async () => {
    const dataset = generateDataset({ leads: 60, seed: 23, tenantId });
    const sandbox = await startSandbox({ seed: { hubspot: dataset } });
    running.push(sandbox);
    const connector = await connectHubspotToSandbox(sandbox, { tenantId, logger });
    await connector.ensureFields();
    const { queue } = await installedTenant({ redis, store, tenantId, connector });
    const deps = webhookDeps(redis, queue, secret, 'http://pending');
    const server = await serve(hubspotWebhooksRouter(deps, { erasePerson: async () => {} }));
    running.push(server);
    deps.publicUrl = server.url;
    sandbox.events.configure({
      hubspot: { url: `${server.url}/webhooks/hubspot`, clientSecret: secret, appId: 1, portalId },
    });
    const scoreWrites = new Map<string, number>();
    const stop = sandbox.hubspot.store.onChange((change) => {
      if (change.change === 'propertyChange' && change.properties.includes('leadscore_score'))
        scoreWrites.set(change.object.id, (scoreWrites.get(change.object.id) ?? 0) + 1);
    });
    running.push({ close: async () => stop() });
    const contacts = [...sandbox.hubspot.store.typeMap('contacts').values()]
      .filter((item) => !item.archived && (item.properties.leadscore_score ?? '') !== '')
      .slice(0, 2 * activityTypes.length);
    expect(contacts).toHaveLength(2 * activityTypes.length);
    // The portal's web-analytics answer is read once an hour: not part of a window's cost.
    await connector.activitiesForLeads([contacts[0]?.id ?? ''], new Date().toISOString(), { kinds: ['web'] });
    for (const [index, contact] of contacts.entries()) {
      const answer = await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts/${contact.id}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: activityTypes[index % activityTypes.length] }),
      });
      expect(answer.status).toBeLessThan(300);
    }
    sandbox.events.flush();
    await sandbox.events.idle();
    const callsBefore = sandbox.calls.snapshot();
    expect(await queue.runUntilIdle()).toBe(1);
    const calls = callsSince(sandbox, callsBefore);
    expect(Object.fromEntries(scoreWrites)).toEqual(
      Object.fromEntries(contacts.map((contact) => [contact.id, 1])),
    );
    // A contact read, meetings and emails (association and batch read each), one web listing, the write,
    // and routing's nurture flags and tasks when leads turned warm or hot.
    const reads = [...calls.entries()].filter(
      ([endpoint]) => endpoint.includes('/read') || endpoint.includes('GET'),
    );
    expect(Object.fromEntries(reads)).toEqual({
      'hubspot GET /events/v3/events/': 1,
      'hubspot POST /crm/v3/objects/contacts/batch/read': 1,
      'hubspot POST /crm/v3/objects/emails/batch/read': 1,
      'hubspot POST /crm/v3/objects/meetings/batch/read': 1,
      'hubspot POST /crm/v4/associations/contacts/emails/batch/read': 1,
      'hubspot POST /crm/v4/associations/contacts/meetings/batch/read': 1,
    });
    expect(calls.get(contactUpdate)).toBeLessThanOrEqual(2);
    const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
    expect(total, JSON.stringify(Object.fromEntries(calls))).toBeLessThanOrEqual(10);
  }, 120_000);

  it('the same contact rescored again by a later event without new activity: no second write', async () => {
    const dataset = generateDataset({ leads: 30, seed: 22, tenantId });
    const sandbox = await startSandbox({ seed: { hubspot: dataset } });
    running.push(sandbox);
    const connector = await connectHubspotToSandbox(sandbox, { tenantId, logger });
    await connector.ensureFields();
    const { queue } = await installedTenant({ redis, store, tenantId, connector });
    const deps = webhookDeps(redis, queue, secret, 'http://pending');
    const server = await serve(hubspotWebhooksRouter(deps, { erasePerson: async () => {} }));
    running.push(server);
    deps.publicUrl = server.url;
    sandbox.events.configure({
      hubspot: { url: `${server.url}/webhooks/hubspot`, clientSecret: secret, appId: 1, portalId },
    });
    const contact = [...sandbox.hubspot.store.typeMap('contacts').values()].find(
      (item) => !item.archived && (item.properties.leadscore_score ?? '') !== '',
    );
    if (contact === undefined) throw new Error('the seed has no scored contact');
    let scoreWrites = 0;
    const stop = sandbox.hubspot.store.onChange((change) => {
      if (change.change === 'propertyChange' && change.object.id === contact.id)
        if (change.properties.includes('leadscore_score')) scoreWrites += 1;
    });
    running.push({ close: async () => stop() });
    await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts/${contact.id}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'meeting' }),
    });
    sandbox.events.flush();
    await sandbox.events.idle();
    expect(await queue.runUntilIdle()).toBe(1);
    expect(scoreWrites).toBe(1);
    // A second event for the same activity in a later window (delivered late, under its own id):
    // rescored again, the same score and factors, so the content hash writes nothing.
    const late = await postHubspot(
      server.url,
      JSON.stringify([
        hubspotEvent({
          eventId: Number(`7${suffix}`),
          portalId,
          objectId: Number(contact.id),
          propertyName: 'hs_last_sales_activity_timestamp',
        }),
      ]),
      { secret, publicUrl: server.url },
    );
    expect(late.status).toBe(200);
    expect(await queue.runUntilIdle()).toBe(1);
    expect(scoreWrites).toBe(1);
  }, 120_000);
});
