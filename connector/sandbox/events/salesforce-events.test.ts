import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../fixtures/generator/generate-dataset.ts';
import type { SyncPage, TaskInput } from '../../../shared/crm-connector.ts';
import { connectSalesforceToSandbox } from '../connect-to-sandbox.ts';
import { humanUserId } from '../salesforce/salesforce-store.ts';
import { scoreWritesFor } from '../sandbox-test-support.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';
import type { SalesforceWebhookBody } from './salesforce-webhook.ts';
import { type ReceivedPost, startWebhookReceiver } from './webhook-receiver.ts';

const orgId = '00D000000000001AAA';
const tenantId = `sf:${orgId}` as const;
const secret = 'sandbox-webhook-secret-4f1c9a2e7b';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setUp(leads = 300) {
  const receiver = await startWebhookReceiver();
  open.push(receiver);
  const dataset = generateDataset({ leads, seed: 11, tenantId, dirtyShare: 0 });
  const sandbox = await startSandbox({
    seed: { salesforce: dataset },
    events: { batchWindowMs: 30, salesforceRetry: { baseDelayMs: 5 } },
  });
  open.push(sandbox);
  const url = `${receiver.baseUrl}/webhooks/salesforce`;
  sandbox.events.configure({ salesforce: { url, orgId, secret } });
  return { receiver, sandbox, dataset };
}

/** Checks the headers and signature of one POST as the server will, and returns its body. */
function verified(post: ReceivedPost): SalesforceWebhookBody {
  expect(post.uri).toMatch(/\/webhooks\/salesforce$/);
  expect(post.headers['content-type']).toBe('application/json');
  expect(post.headers['x-leadscore-org']).toBe(orgId);
  const timestamp = String(post.headers['x-leadscore-timestamp']);
  expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(5 * 60_000);
  const expected = createHmac('sha256', secret).update(`${timestamp}.${post.rawBody}`).digest();
  const received = Buffer.from(String(post.headers['x-leadscore-signature']), 'base64');
  expect(received.length === expected.length && timingSafeEqual(received, expected)).toBe(true);
  expect(Buffer.byteLength(post.rawBody)).toBeLessThanOrEqual(64 * 1024);
  const body = JSON.parse(post.rawBody) as SalesforceWebhookBody;
  expect(Object.keys(body)).toEqual(['batchId', 'changes']);
  expect(body.batchId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  for (const change of body.changes)
    expect(Object.keys(change)).toEqual(['sobject', 'recordId', 'leadId', 'change']);
  return body;
}

function personIds(sandbox: RunningSandbox): string[] {
  const store = sandbox.salesforce.store;
  return [...store.table('Lead').keys(), ...store.table('Contact').keys()];
}

async function simulate(sandbox: RunningSandbox, leadId: string, body: unknown) {
  return fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads/${leadId}/activities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const taskFor = (crmId: string): TaskInput => ({
  crmId,
  objectType: 'Lead',
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

describe('Salesforce change webhooks from the sandbox CRM', () => {
  it('sends one signed change naming the lead when an activity is simulated for it', async () => {
    const { receiver, sandbox } = await setUp(40);
    const leadId = [...sandbox.salesforce.store.table('Lead').keys()][0]!;
    const response = await simulate(sandbox, leadId, { type: 'email_click', detail: 'Pricing launch' });
    expect(response.status).toBe(201);
    const answer = (await response.json()) as { record: { object: string; id: string } };
    expect(answer.record.object).toBe('Task');
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(1);
    const body = verified(receiver.posts[0]!);
    expect(body.changes).toEqual([{ sobject: 'Task', recordId: answer.record.id, leadId, change: 'insert' }]);
    expect(sandbox.events.stats().salesforce).toMatchObject({
      queued: 1,
      sent: 1,
      posts: 1,
      retried: 0,
      failed: 0,
    });
  });

  it('records meetings as Events and marketing responses as CampaignMembers, each naming the person', async () => {
    const { receiver, sandbox } = await setUp(20);
    const store = sandbox.salesforce.store;
    // The generator makes Leads only: a person adds a Contact by hand.
    const contactId = store.newId('Contact');
    store.put('Contact', { Id: contactId, LastName: 'Lovelace', LastModifiedById: humanUserId });
    expect((await simulate(sandbox, contactId, { type: 'meeting', at: '2026-11-30T09:00:00Z' })).status).toBe(
      201,
    );
    expect((await simulate(sandbox, contactId, { type: 'webinar', detail: 'Scoring 101' })).status).toBe(201);
    await sandbox.events.idle();
    const changes = receiver.posts.flatMap((post) => verified(post).changes);
    expect(changes.map((change) => [change.sobject, change.leadId, change.change])).toEqual([
      ['Contact', contactId, 'insert'],
      ['Event', contactId, 'insert'],
      ['CampaignMember', contactId, 'insert'],
    ]);
  });

  it('batches 250 quick changes into two POSTs of 200 and 50', async () => {
    const { receiver, sandbox } = await setUp(300);
    const ids = personIds(sandbox).slice(0, 250);
    expect(ids).toHaveLength(250);
    for (const id of ids) sandbox.salesforce.store.update(id, { Title: 'VP Sales' });
    await sandbox.events.idle();
    const bodies = receiver.posts.map(verified);
    expect(bodies.map((body) => body.changes.length)).toEqual([200, 50]);
    expect(new Set(bodies.map((body) => body.batchId)).size).toBe(2);
    expect(bodies.flatMap((body) => body.changes.map((change) => change.recordId))).toEqual(ids);
    expect(bodies.flatMap((body) => body.changes.map((change) => change.change))).toEqual(
      ids.map(() => 'update'),
    );
    expect(sandbox.events.stats().salesforce).toMatchObject({ queued: 250, sent: 250, posts: 2 });
    expect(sandbox.events.stats().salesforce.sendTimesMs).toHaveLength(250);
  });

  it('sends nothing for our own score write-back, but still reports a person editing the same lead', async () => {
    const { receiver, sandbox } = await setUp(60);
    const { connector } = await connectSalesforceToSandbox(sandbox, { tenantId });
    const leads = await drain(connector.syncLeads({ cursor: null }));
    expect(leads.records.length).toBe(60);
    const results = await connector.writeScores(scoreWritesFor(leads.records));
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(sandbox.salesforce.store.scoreWrites.size).toBe(60);
    // Routing's tasks are the integration user's inserts: the trigger skips them too.
    const tasks = await connector.createTasks(leads.records.slice(0, 3).map((lead) => taskFor(lead.crmId)));
    expect(tasks.filter((task) => !task.ok)).toEqual([]);
    const task = await connector.createTask(taskFor(leads.records[3]!.crmId));
    expect(sandbox.salesforce.store.get(task.crmId)?.WhoId).toBe(leads.records[3]!.crmId);
    // A LeadScore field changed by a person is still only ours: the trigger skips it too.
    sandbox.salesforce.store.update(leads.records[1]!.crmId, { LeadScore_Score__c: 12 });
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(0);
    const edited = leads.records[0]!.crmId;
    sandbox.salesforce.store.update(edited, { Title: 'Head of Growth', LeadScore_Score__c: 40 });
    await sandbox.events.idle();
    expect(receiver.posts.map((post) => verified(post).changes.map((change) => change.recordId))).toEqual([
      [edited],
    ]);
  });

  it('retries a 503 with the same batchId until delivered, and never retries a 400', async () => {
    const { receiver, sandbox } = await setUp(40);
    const [first, second] = personIds(sandbox);
    receiver.answer = (_post, index) => ({ status: index < 2 ? 503 : 200 });
    sandbox.salesforce.store.update(first!, { Title: 'CTO' });
    await sandbox.events.idle();
    const bodies = receiver.posts.map(verified);
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies.map((body) => body.batchId)).size).toBe(1);
    expect(new Set(receiver.posts.map((post) => post.rawBody)).size).toBe(1);
    expect(sandbox.events.stats().salesforce).toMatchObject({ sent: 1, posts: 3, retried: 2, failed: 0 });

    receiver.answer = () => ({ status: 400 });
    sandbox.salesforce.store.update(second!, { Title: 'CFO' });
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(4);
    expect(sandbox.events.stats().salesforce).toMatchObject({ sent: 1, posts: 4, retried: 2, failed: 1 });
  });

  it('gives up after three attempts when the server keeps failing', async () => {
    const { receiver, sandbox } = await setUp(20);
    receiver.answer = () => ({ status: 500 });
    sandbox.salesforce.store.update(personIds(sandbox)[0]!, { Title: 'COO' });
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(3);
    expect(sandbox.events.stats().salesforce).toMatchObject({ sent: 0, posts: 3, retried: 2, failed: 1 });
  });

  it('sends nothing while no target is set, and again once it is removed', async () => {
    const receiver = await startWebhookReceiver();
    open.push(receiver);
    const sandbox = await startSandbox({
      seed: { salesforce: generateDataset({ leads: 20, seed: 3, tenantId }) },
    });
    open.push(sandbox);
    const [id] = personIds(sandbox);
    sandbox.salesforce.store.update(id!, { Title: 'CEO' });
    await sandbox.events.idle();
    expect(sandbox.events.stats().ignored).toBe(1);
    const configured = await fetch(`${sandbox.baseUrl}/sandbox/events/targets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ salesforce: { url: `${receiver.baseUrl}/webhooks/salesforce`, orgId, secret } }),
    });
    expect(configured.status).toBe(200);
    expect(await configured.json()).toEqual({
      targets: { hubspot: null, salesforce: { url: `${receiver.baseUrl}/webhooks/salesforce`, orgId } },
    });
    sandbox.salesforce.store.update(id!, { Title: 'CEO and founder' });
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(1);
    sandbox.events.configure({ salesforce: null });
    sandbox.salesforce.store.update(id!, { Title: 'Chair' });
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(1);
    expect(sandbox.events.stats().ignored).toBe(2);
  });

  it('refuses bad targets naming the field', async () => {
    const sandbox = await startSandbox();
    open.push(sandbox);
    const response = await fetch(`${sandbox.baseUrl}/sandbox/events/targets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ salesforce: { url: 'ftp://example.com', orgId: '00Dshort', secret } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_TARGETS');
    expect(body.error.message).toContain('salesforce.url');
    expect(body.error.message).toContain('salesforce.orgId');
    expect(body.error.message).not.toContain(secret);
  });

  it('answers 400 naming a bad activity field and 404 for an unknown lead', async () => {
    const { sandbox, receiver } = await setUp(20);
    const leadId = personIds(sandbox)[0]!;
    const badType = await simulate(sandbox, leadId, { type: 'fax' });
    expect(badType.status).toBe(400);
    const error = ((await badType.json()) as { error: { message: string } }).error.message;
    expect(error).toMatch(/^type: must be one of email_open, /);
    const badTime = await simulate(sandbox, leadId, { type: 'call', at: 'yesterday' });
    expect(((await badTime.json()) as { error: { message: string } }).error.message).toMatch(/^at: /);
    const extra = await simulate(sandbox, leadId, { type: 'call', colour: 'red' });
    expect(extra.status).toBe(400);
    const missing = await simulate(sandbox, '00Q9Z0000009999AAA', { type: 'call' });
    expect(missing.status).toBe(404);
    const notJson = await fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads/${leadId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).not.toMatch(/at .*\.ts/);
    await sandbox.events.idle();
    expect(receiver.posts).toHaveLength(0);
  });

  it('creates a lead through the sandbox route, reporting its insert, then deletes it', async () => {
    const { sandbox, receiver } = await setUp(10);
    const response = await fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Okafor', FirstName: 'Ada', Company: 'Initech', Title: 'CTO' }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(id).toMatch(/^00Q/);
    await sandbox.events.idle();
    expect(verified(receiver.posts[0]!).changes).toEqual([
      { sobject: 'Lead', recordId: id, leadId: id, change: 'insert' },
    ]);
    const deleted = await fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(sandbox.salesforce.store.get(id)).toBeUndefined();
    await sandbox.events.idle();
    expect(verified(receiver.posts[1]!).changes).toEqual([
      { sobject: 'Lead', recordId: id, leadId: id, change: 'delete' },
    ]);
  });

  it('makes the simulated activity visible to the real provider on its next incremental sync', async () => {
    const { sandbox } = await setUp(50);
    const { connector } = await connectSalesforceToSandbox(sandbox, { tenantId }, { overlapMs: 1_000 });
    const first = await drain(connector.syncActivities({ cursor: null }));
    const leadId = [...sandbox.salesforce.store.table('Lead').keys()][2]!;
    const at = new Date(Date.now() - 60_000).toISOString();
    const response = await simulate(sandbox, leadId, { type: 'pricing_page_view', at });
    const { record } = (await response.json()) as { record: { id: string } };
    const next = await drain(connector.syncActivities({ cursor: first.cursor }));
    const found = next.records.filter((activity) => activity.id === record.id);
    expect(
      found.map((activity) => [activity.leadId, activity.type, activity.detail, activity.occurredAt]),
    ).toEqual([[leadId, 'pricing_page_view', '/pricing', at]]);
  });

  it('stops pending retries when the sandbox closes', async () => {
    const receiver = await startWebhookReceiver();
    open.push(receiver);
    const sandbox = await startSandbox({
      seed: { salesforce: generateDataset({ leads: 10, seed: 4, tenantId }) },
      events: { batchWindowMs: 10, salesforceRetry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } },
    });
    sandbox.events.configure({
      salesforce: { url: `${receiver.baseUrl}/webhooks/salesforce`, orgId, secret },
    });
    receiver.answer = () => ({ status: 503 });
    sandbox.salesforce.store.update(personIds(sandbox)[0]!, { Title: 'CMO' });
    while (receiver.posts.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await sandbox.close();
    expect(receiver.posts).toHaveLength(1);
    expect(sandbox.events.stats().salesforce).toMatchObject({ posts: 1, sent: 0, dropped: 1 });
    // Changes after shutdown are not queued.
    sandbox.salesforce.store.update(personIds(sandbox)[1]!, { Title: 'CIO' });
    expect(sandbox.events.stats().salesforce.queued).toBe(1);
  });
});
