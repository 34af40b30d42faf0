import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../fixtures/generator/generate-dataset.ts';
import type { SyncPage, TaskInput } from '../../../shared/crm-connector.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { resetHubspotPauses } from '../../providers/hubspot/hubspot-api.ts';
import { verifyHubspotSignatureV3 } from '../../server/auth/hubspot-signature.ts';
import { connectHubspotToSandbox } from '../connect-to-sandbox.ts';
import { scoreWritesFor } from '../sandbox-test-support.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';
import { defaultHubspotSubscriptions } from './hubspot-subscriptions.ts';
import type { HubspotWebhookEvent } from './hubspot-webhook.ts';
import type { SandboxEventsOptions } from './sandbox-events.ts';
import { type ReceivedPost, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

const tenantId: TenantId = `hs:9${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const clientSecret = 'hubspot-client-secret-7d3e91';
const appId = 4_210_987;
const portalId = 2_431_623;
const open: { close(): Promise<void> }[] = [];
beforeEach(() => resetHubspotPauses());
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setUp(
  leads = 60,
  events: SandboxEventsOptions = {},
): Promise<{ receiver: WebhookReceiver; sandbox: RunningSandbox }> {
  const receiver = await startWebhookReceiver();
  open.push(receiver);
  const dataset = generateDataset({ leads, seed: 7, tenantId, dirtyShare: 0 });
  const sandbox = await startSandbox({
    seed: { hubspot: dataset },
    events: { batchWindowMs: 30, hubspotRetry: { baseDelayMs: 5 }, ...events },
  });
  open.push(sandbox);
  // The target URL carries a query, as a public URL may: the signature covers it exactly.
  const url = `${receiver.baseUrl}/webhooks/hubspot?source=sandbox`;
  sandbox.events.configure({ hubspot: { url, clientSecret, appId, portalId } });
  return { receiver, sandbox };
}

const eventKeys = [
  'eventId',
  'subscriptionId',
  'portalId',
  'appId',
  'occurredAt',
  'subscriptionType',
  'attemptNumber',
  'objectId',
];

/** Verifies one POST's v3 signature as the server will, checks every event's shape, returns them. */
function verified(post: ReceivedPost): HubspotWebhookEvent[] {
  expect(post.uri).toMatch(/\/webhooks\/hubspot\?source=sandbox$/);
  const check = verifyHubspotSignatureV3({
    secret: clientSecret,
    method: 'POST',
    uri: post.uri,
    rawBody: post.rawBody,
    signature: post.headers['x-hubspot-signature-v3'] as string | undefined,
    timestamp: post.headers['x-hubspot-request-timestamp'] as string | undefined,
    nowMs: Date.now(),
  });
  expect(check).toEqual({ ok: true });
  const wrongSecret = verifyHubspotSignatureV3({
    secret: 'another-secret',
    method: 'POST',
    uri: post.uri,
    rawBody: post.rawBody,
    signature: post.headers['x-hubspot-signature-v3'] as string | undefined,
    timestamp: post.headers['x-hubspot-request-timestamp'] as string | undefined,
    nowMs: Date.now(),
  });
  expect(wrongSecret.ok).toBe(false);
  const events = JSON.parse(post.rawBody) as HubspotWebhookEvent[];
  expect(Array.isArray(events)).toBe(true);
  expect(events.length).toBeLessThanOrEqual(100);
  for (const event of events) {
    const optional = Object.keys(event).filter((key) => !eventKeys.includes(key));
    expect(Object.keys(event).slice(0, eventKeys.length)).toEqual(eventKeys);
    expect(optional.at(-1)).toBe('changeSource');
    expect(Number.isSafeInteger(event.eventId)).toBe(true);
    expect(Number.isSafeInteger(event.subscriptionId)).toBe(true);
    expect(event.portalId).toBe(portalId);
    expect(event.appId).toBe(appId);
    expect(Math.abs(Date.now() - event.occurredAt)).toBeLessThan(60_000);
  }
  return events;
}

function contactIds(sandbox: RunningSandbox): string[] {
  return [...sandbox.hubspot.store.typeMap('contacts').keys()];
}

async function simulate(sandbox: RunningSandbox, contactId: string, body: unknown) {
  return fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts/${contactId}/activities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const taskFor = (crmId: string): TaskInput => ({
  crmId,
  objectType: 'contact',
  subject: `LeadScore hot lead ${crmId}`,
  body: 'Score 90/100, now hot in segment smb.',
  dueDate: '2026-12-02',
});

async function drain<T>(pages: AsyncIterable<SyncPage<T>>): Promise<{ records: T[]; cursor: string }> {
  const records: T[] = [];
  let cursor = '';
  for await (const page of pages) {
    records.push(...page.records);
    cursor = page.nextCursor;
  }
  return { records, cursor };
}

describe('HubSpot webhooks from the sandbox CRM', () => {
  it('sends one signed page-view property change naming the contact, as HubSpot rolls analytics up', async () => {
    const { receiver, sandbox } = await setUp();
    const contactId = contactIds(sandbox)[0]!;
    const before = Number(
      sandbox.hubspot.store.typeMap('contacts').get(contactId)!.properties.hs_analytics_num_page_views ?? 0,
    );
    const response = await simulate(sandbox, contactId, { type: 'page_view', detail: '/features' });
    expect(response.status).toBe(201);
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(1);
    const [event, ...others] = verified(receiver.posts[0]!);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: Number(contactId),
      propertyName: 'hs_analytics_num_page_views',
      propertyValue: String(before + 1),
      changeSource: 'ANALYTICS',
    });
    const web = sandbox.hubspot.store.webEvents.filter((item) => item.objectId === contactId).at(-1);
    expect(web?.properties.hs_url).toBe('https://www.example.com/features');
  });

  it('sends the engagement creation and the last-sales-activity change for a meeting', async () => {
    const { receiver, sandbox } = await setUp();
    const contactId = contactIds(sandbox)[1]!;
    const at = '2026-11-30T15:00:00.000Z';
    const response = await simulate(sandbox, contactId, { type: 'meeting', at, detail: 'Discovery call' });
    const { record } = (await response.json()) as { record: { engagement: { type: string; id: string } } };
    expect(record.engagement.type).toBe('meetings');
    expect(sandbox.hubspot.store.associated(contactId, 'meetings')).toContain(record.engagement.id);
    await sandbox.events.idle();
    const events = receiver.posts.flatMap(verified);
    expect(
      events.map((event) => [
        event.subscriptionType,
        event.objectId,
        event.objectTypeId,
        event.propertyName,
        event.propertyValue,
      ]),
    ).toEqual([
      ['object.creation', Number(record.engagement.id), '0-47', undefined, undefined],
      ['contact.propertyChange', Number(contactId), undefined, 'hs_last_sales_activity_timestamp', at],
    ]);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(2);
  });

  it('batches 150 changes into two POSTs of 100 and 50', async () => {
    const { receiver, sandbox } = await setUp(160);
    const ids = contactIds(sandbox).slice(0, 150);
    expect(ids).toHaveLength(150);
    for (const id of ids)
      sandbox.hubspot.store.update('contacts', id, { lifecyclestage: 'marketingqualifiedlead' }, new Date());
    await sandbox.events.idle();
    const batches = receiver.posts.map(verified);
    expect(batches.map((batch) => batch.length)).toEqual([100, 50]);
    const events = batches.flat();
    expect(events.map((event) => String(event.objectId))).toEqual(ids);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(150);
    expect(new Set(events.map((event) => `${event.propertyName}=${event.propertyValue}`))).toEqual(
      new Set(['lifecyclestage=marketingqualifiedlead']),
    );
    expect(sandbox.events.stats().hubspot).toMatchObject({ queued: 150, sent: 150, posts: 2, retried: 0 });
  });

  it('sends nothing for our own score write-back nor for unsubscribed properties', async () => {
    const { receiver, sandbox } = await setUp();
    const connector = await connectHubspotToSandbox(sandbox, { tenantId });
    await connector.ensureFields();
    const leads = await drain(connector.syncLeads({ cursor: null }));
    expect(leads.records).toHaveLength(60);
    const results = await connector.writeScores(scoreWritesFor(leads.records));
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(sandbox.hubspot.store.writes.size).toBe(60);
    // Routing's tasks are the app's own creations (engagement creation is subscribed): no echo.
    const tasks = await connector.createTasks(leads.records.slice(0, 3).map((lead) => taskFor(lead.crmId)));
    expect(tasks.filter((task) => !task.ok)).toEqual([]);
    await connector.createTask(taskFor(leads.records[3]!.crmId));
    expect(sandbox.hubspot.store.typeMap('tasks').size).toBeGreaterThanOrEqual(4);
    // A person touching a LeadScore property, or one no subscription watches: still nothing.
    const store = sandbox.hubspot.store;
    store.update('contacts', leads.records[0]!.crmId, { leadscore_score: '99' }, new Date());
    store.update('contacts', leads.records[1]!.crmId, { hs_lead_status: 'OPEN_DEAL' }, new Date());
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(0);
    store.update('contacts', leads.records[2]!.crmId, { lifecyclestage: 'salesqualifiedlead' }, new Date());
    await sandbox.events.idle();
    expect(receiver.posts.flatMap(verified).map((event) => String(event.objectId))).toEqual([
      leads.records[2]!.crmId,
    ]);
  });

  it('retries a 503 keeping the eventId and bumping attemptNumber; never retries a 400', async () => {
    const { receiver, sandbox } = await setUp();
    const [first, second] = contactIds(sandbox);
    receiver.answer = (_post, index) => ({ status: index < 2 ? 503 : 200 });
    sandbox.hubspot.store.update('contacts', first!, { lifecyclestage: 'opportunity' }, new Date());
    await sandbox.events.idle();
    const attempts = receiver.posts.map(verified);
    expect(attempts.map((events) => events.map((event) => event.attemptNumber))).toEqual([[0], [1], [2]]);
    expect(new Set(attempts.map((events) => events[0]!.eventId)).size).toBe(1);
    expect(sandbox.events.stats().hubspot).toMatchObject({ sent: 1, posts: 3, retried: 2, failed: 0 });

    receiver.answer = () => ({ status: 400 });
    sandbox.hubspot.store.update('contacts', second!, { lifecyclestage: 'customer' }, new Date());
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(4);
    expect(sandbox.events.stats().hubspot).toMatchObject({ sent: 1, posts: 4, retried: 2, failed: 1 });
  });

  it('retries an answer slower than the timeout, as HubSpot does past 5 s', async () => {
    const { receiver, sandbox } = await setUp(10, { timeoutMs: 100 });
    receiver.answer = (_post, index) => (index === 0 ? { status: 200, delayMs: 400 } : { status: 200 });
    sandbox.hubspot.store.update(
      'contacts',
      contactIds(sandbox)[0]!,
      { lifecyclestage: 'other' },
      new Date(),
    );
    await sandbox.events.idle();
    const attempts = receiver.posts.map(verified);
    expect(attempts.map((events) => events[0]!.attemptNumber)).toEqual([0, 1]);
    expect(attempts[0]![0]!.eventId).toBe(attempts[1]![0]!.eventId);
    expect(sandbox.events.stats().hubspot).toMatchObject({ sent: 1, posts: 2, retried: 1, failed: 0 });
  });

  it('gives up after 10 attempts when the server keeps failing', async () => {
    const { receiver, sandbox } = await setUp(10, { hubspotRetry: { baseDelayMs: 1, maxDelayMs: 4 } });
    receiver.answer = () => ({ status: 502 });
    sandbox.hubspot.store.update('contacts', contactIds(sandbox)[0]!, { lifecyclestage: 'lead' }, new Date());
    sandbox.hubspot.store.update(
      'contacts',
      contactIds(sandbox)[0]!,
      { lifecyclestage: 'customer' },
      new Date(),
    );
    await sandbox.events.idle();
    expect(receiver.posts.map((post) => verified(post)[0]!.attemptNumber)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(sandbox.events.stats().hubspot).toMatchObject({ sent: 0, posts: 10, retried: 9, failed: 1 });
  });

  it('keeps at most the configured number of POSTs in flight', async () => {
    const { receiver, sandbox } = await setUp(160, { maxConcurrentPosts: 2 });
    receiver.answer = () => ({ status: 200, delayMs: 40 });
    const ids = contactIds(sandbox);
    // 150 contacts, each changed in two watched properties: 300 events, three full batches and more.
    for (const [index, id] of ids.slice(0, 150).entries()) {
      const properties = {
        lifecyclestage: 'evangelist',
        recent_conversion_date: String(1_764_000_000_000 + index),
      };
      sandbox.hubspot.store.update('contacts', id, properties, new Date());
    }
    sandbox.hubspot.store.update('contacts', ids[150]!, { lifecyclestage: 'customer' }, new Date());
    await sandbox.events.idle();
    // The last two batches share the freed slots, so either may arrive first.
    const sizes = receiver.posts.map((post) => verified(post).length);
    expect(sizes.sort((a, b) => b - a)).toEqual([100, 100, 100, 1]);
    expect(receiver.maxConcurrent).toBe(2);
    expect(sandbox.events.stats().hubspot).toMatchObject({ queued: 301, sent: 301, posts: 4 });
  });

  it('honours Retry-After on a 429', async () => {
    const { receiver, sandbox } = await setUp(10);
    receiver.answer = (_post, index) =>
      index === 0 ? { status: 429, headers: { 'Retry-After': '0' } } : { status: 204 };
    sandbox.hubspot.store.update(
      'contacts',
      contactIds(sandbox)[0]!,
      { lifecyclestage: 'evangelist' },
      new Date(),
    );
    await sandbox.events.idle();
    expect(receiver.posts.map(verified).map((events) => events[0]!.attemptNumber)).toEqual([0, 1]);
    expect(sandbox.events.stats().hubspot).toMatchObject({ sent: 1, retried: 1 });
  });

  it('sends creation, deletion and privacy deletion of contacts made through the sandbox routes', async () => {
    const { receiver, sandbox } = await setUp(10);
    const created = await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@initech.example', lastname: 'Okafor', company: 'Initech' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await sandbox.events.idle();
    const [deleted, erased] = contactIds(sandbox);
    expect(
      (await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts/${deleted}`, { method: 'DELETE' })).status,
    ).toBe(204);
    const gdpr = await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts/${erased}?privacy=true`, {
      method: 'DELETE',
    });
    expect(gdpr.status).toBe(204);
    expect(sandbox.hubspot.store.typeMap('contacts').has(erased!)).toBe(false);
    await sandbox.events.idle();
    const events = receiver.posts.flatMap(verified);
    expect(events.map((event) => [event.subscriptionType, String(event.objectId)])).toEqual([
      ['contact.creation', id],
      ['contact.deletion', deleted],
      ['contact.privacyDeletion', erased],
    ]);
    const missing = await simulate(sandbox, erased!, { type: 'call' });
    expect(missing.status).toBe(404);
  });

  it('reads engagement subscriptions named in the singular, as the manifest names them', async () => {
    const specs = defaultHubspotSubscriptions();
    const creations = specs.filter((spec) => spec.subscriptionType === 'object.creation');
    expect(creations.map((spec) => spec.objectType).sort()).toEqual([
      'calls',
      'emails',
      'meetings',
      'notes',
      'tasks',
    ]);
    expect(new Set(specs.map((spec) => JSON.stringify(spec))).size).toBe(specs.length);
  });

  it('sends only what the configured subscriptions list', async () => {
    const { receiver, sandbox } = await setUp(10);
    const url = `${receiver.baseUrl}/webhooks/hubspot?source=sandbox`;
    const subscriptions = [{ subscriptionType: 'contact.propertyChange' as const, propertyName: 'jobtitle' }];
    const targets = sandbox.events.configure({
      hubspot: { url, clientSecret, appId, portalId, subscriptions },
    });
    expect(targets.hubspot?.subscriptions).toEqual([{ ...subscriptions[0], id: 100_001 }]);
    const [id] = contactIds(sandbox);
    sandbox.hubspot.store.update(
      'contacts',
      id!,
      { lifecyclestage: 'customer', jobtitle: 'CEO' },
      new Date(),
    );
    await sandbox.events.idle();
    const events = receiver.posts.flatMap(verified);
    expect(events.map((event) => [event.subscriptionId, event.propertyName, event.propertyValue])).toEqual([
      [100_001, 'jobtitle', 'CEO'],
    ]);
  });

  it('answers 400 naming the bad field', async () => {
    const { receiver, sandbox } = await setUp(10);
    const response = await simulate(sandbox, contactIds(sandbox)[0]!, { type: 'email_open', detail: '' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^detail: /);
    const noType = await simulate(sandbox, contactIds(sandbox)[0]!, {});
    expect(((await noType.json()) as { error: { message: string } }).error.message).toMatch(
      /^type: is required/,
    );
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(0);
  });

  it('makes simulated activities visible to the real provider', async () => {
    const { sandbox } = await setUp(30);
    const connector = await connectHubspotToSandbox(sandbox, { tenantId });
    const contactId = contactIds(sandbox)[4]!;
    const at = new Date(Date.now() - 120_000).toISOString();
    const meeting = await simulate(sandbox, contactId, { type: 'meeting', at, detail: 'Demo' });
    const clicked = await simulate(sandbox, contactId, {
      type: 'form_submission',
      detail: 'free trial signup',
    });
    expect([meeting.status, clicked.status]).toEqual([201, 201]);
    const activities = await drain(connector.syncActivities({ cursor: null }));
    const mine = activities.records.filter((activity) => activity.leadId.endsWith(contactId));
    expect(mine.some((activity) => activity.type === 'meeting' && activity.occurredAt === at)).toBe(true);
    expect(mine.some((activity) => activity.type === 'form_submit')).toBe(true);
  });
});
