import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../fixtures/generator/generate-dataset.ts';
import { verifyCanvasSignedRequest } from '../../server/auth/canvas-signed-request.ts';
import { verifyHubspotSignatureV3 } from '../../server/auth/hubspot-signature.ts';
import { humanUserId } from '../salesforce/salesforce-store.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';

/** The sandbox CRM's side of panel auth, checked with the server's own verifiers. */

const running: RunningSandbox[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function sandboxWith(panels: { canvasConsumerSecret?: string; hubspotClientSecret?: string } = {}) {
  const salesforce = generateDataset({ leads: 5, seed: 7, tenantId: 'sf:00D000000000001AAA' });
  const hubspot = generateDataset({ leads: 5, seed: 8, tenantId: 'hs:2431623' });
  const sandbox = await startSandbox({ seed: { salesforce, hubspot }, panels });
  running.push(sandbox);
  return { sandbox, salesforce, hubspot };
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A stand-in for LeadScore that records what reached it and answers JSON. */
async function receiver(
  answer: (request: IncomingMessage, body: string) => { status: number; body: string },
) {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const reply = answer(request, body);
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('Canvas signed requests', () => {
  it('signs what the server verifies: org, user and record as Salesforce puts them', async () => {
    const { sandbox, salesforce } = await sandboxWith({ canvasConsumerSecret: 'the-consumer-secret' });
    const recordId = salesforce.leads[2]?.crmId ?? '';
    const answer = await post(`${sandbox.baseUrl}/sandbox/salesforce/canvas/signed-request`, {
      recordId,
      userId: humanUserId,
    });
    expect(answer.status).toBe(200);
    const { signedRequest } = (await answer.json()) as { signedRequest: string };
    const check = verifyCanvasSignedRequest({
      signedRequest,
      consumerSecret: 'the-consumer-secret',
      nowMs: Date.now(),
    });
    expect(check).toEqual({
      ok: true,
      identity: {
        organizationId: sandbox.salesforce.state.orgId,
        userId: humanUserId,
        recordId,
        instanceUrl: sandbox.baseUrl,
      },
    });
    const wrongKey = verifyCanvasSignedRequest({
      signedRequest,
      consumerSecret: 'another',
      nowMs: Date.now(),
    });
    expect(wrongKey.ok).toBe(false);
    // The OAuth token in it is a real access token of the org.
    const envelope = JSON.parse(
      Buffer.from(signedRequest.split('.')[1] ?? '', 'base64').toString('utf8'),
    ) as {
      client: { oauthToken: string };
      context: { environment: { record: { attributes: { type: string } } } };
    };
    expect(sandbox.salesforce.state.accessTokens.has(envelope.client.oauthToken)).toBe(true);
    expect(envelope.context.environment.record.attributes.type).toBe('Lead');
    // Without a userId: the admin who installs LeadScore.
    const admin = (await (
      await post(`${sandbox.baseUrl}/sandbox/salesforce/canvas/signed-request`, { recordId })
    ).json()) as { signedRequest: string };
    const adminCheck = verifyCanvasSignedRequest({
      signedRequest: admin.signedRequest,
      consumerSecret: 'the-consumer-secret',
      nowMs: Date.now(),
    });
    expect(adminCheck.ok && adminCheck.identity.userId).toBe(sandbox.salesforce.state.userId);
  });

  it('needs a configured secret, a known record and a known user', async () => {
    const { sandbox, salesforce } = await sandboxWith();
    const url = `${sandbox.baseUrl}/sandbox/salesforce/canvas/signed-request`;
    const recordId = salesforce.leads[0]?.crmId ?? '';
    const unconfigured = await post(url, { recordId });
    expect(unconfigured.status).toBe(409);
    expect(JSON.stringify(await unconfigured.json())).toContain('/sandbox/panels/secrets');
    const configured = await post(`${sandbox.baseUrl}/sandbox/panels/secrets`, {
      canvasConsumerSecret: 's3cret',
    });
    expect(await configured.json()).toEqual({
      configured: { canvasConsumerSecret: true, hubspotClientSecret: false },
    });
    expect((await post(url, { recordId })).status).toBe(200);
    expect((await post(url, { recordId: '00Q000000000999AAA' })).status).toBe(404);
    expect((await post(url, { recordId, userId: '005000000000999AAA' })).status).toBe(404);
    const bad = await post(url, { recordId: 'nope' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('recordId');
    const badSecrets = await post(`${sandbox.baseUrl}/sandbox/panels/secrets`, { canvasConsumerSecret: '' });
    expect(badSecrets.status).toBe(400);
    expect(sandbox.panels.configure({ canvasConsumerSecret: null })).toEqual({
      canvasConsumerSecret: false,
      hubspotClientSecret: false,
    });
  });
});

describe('the hubspot.fetch proxy', () => {
  it('signs v3 over the method, the URI as given, the JSON body and the timestamp, and answers the upstream JSON', async () => {
    const { sandbox } = await sandboxWith({ hubspotClientSecret: 'client-secret' });
    const app = await receiver(() => ({ status: 201, body: '{"token":"t","role":"admin"}' }));
    const url = `${app.baseUrl}/auth/hubspot/session?portalId=2431623&userId=1&note=a%3Ab`;
    const answer = await post(`${sandbox.baseUrl}/sandbox/hubspot/fetch`, {
      url,
      method: 'POST',
      body: { hello: 'world' },
      userId: 1,
    });
    expect(await answer.json()).toEqual({ status: 201, body: { token: 't', role: 'admin' } });
    const call = app.seen[0];
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/auth/hubspot/session?portalId=2431623&userId=1&note=a%3Ab');
    expect(call?.body).toBe('{"hello":"world"}');
    const check = verifyHubspotSignatureV3({
      secret: 'client-secret',
      method: 'POST',
      uri: `${app.baseUrl}${call?.url}`,
      rawBody: call?.body ?? '',
      signature: call?.headers['x-hubspot-signature-v3'] as string | undefined,
      timestamp: call?.headers['x-hubspot-request-timestamp'] as string | undefined,
      nowMs: Date.now(),
    });
    expect(check).toEqual({ ok: true });
  });

  it('sends no body on GET, answers null for a non-JSON answer, and refuses what HubSpot would', async () => {
    const { sandbox } = await sandboxWith();
    const fetchUrl = `${sandbox.baseUrl}/sandbox/hubspot/fetch`;
    const app = await receiver(() => ({ status: 404, body: 'not json' }));
    expect((await post(fetchUrl, { url: `${app.baseUrl}/x`, method: 'GET' })).status).toBe(409);
    sandbox.panels.configure({ hubspotClientSecret: 'client-secret' });
    const answer = await post(fetchUrl, {
      url: `${app.baseUrl}/x?portalId=1`,
      method: 'GET',
      body: { ignored: true },
    });
    expect(await answer.json()).toEqual({ status: 404, body: null });
    expect(app.seen[0]?.body).toBe('');
    expect((await post(fetchUrl, { url: 'ftp://example.com/', method: 'GET' })).status).toBe(400);
    expect((await post(fetchUrl, { url: `${app.baseUrl}/x`, method: 'TRACE' })).status).toBe(400);
    expect((await post(fetchUrl, { url: `${app.baseUrl}/x`, method: 'GET', userId: 99 })).status).toBe(404);
    const unreachable = await post(fetchUrl, { url: 'http://127.0.0.1:1/x', method: 'GET' });
    expect(unreachable.status).toBe(502);
  });
});

describe('record listings', () => {
  it('lists leads and contacts with their LeadScore fields as the CRM holds them', async () => {
    const { sandbox, salesforce, hubspot } = await sandboxWith();
    const lead = salesforce.leads[1]?.crmId ?? '';
    sandbox.salesforce.store.update(lead, {
      LeadScore_Score__c: 81,
      LeadScore_Tier__c: 'Hot',
      LeadScore_Factor_1__c: 'Visited pricing +18',
    });
    const leads = (await (
      await fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads?limit=2&offset=1`)
    ).json()) as {
      total: number;
      scored: number;
      records: { id: string; leadscore: { score: number | null; tier: string | null; factors: string[] } }[];
    };
    expect(leads.total).toBe(sandbox.salesforce.store.count('Lead'));
    expect(leads.scored).toBe(1);
    expect(leads.records).toHaveLength(2);
    expect(leads.records[0]).toMatchObject({
      id: lead,
      leadscore: { score: 81, tier: 'Hot', factors: ['Visited pricing +18'] },
    });
    const one = (await (await fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads/${lead}`)).json()) as {
      name: string;
    };
    expect(one.name.length).toBeGreaterThan(0);
    expect((await fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads?limit=500`)).status).toBe(400);
    expect((await fetch(`${sandbox.baseUrl}/sandbox/salesforce/leads/00Q000000000999AAA`)).status).toBe(404);

    const contact = hubspot.leads[0]?.crmId ?? '';
    const stored = sandbox.hubspot.store.typeMap('contacts').get(contact);
    if (stored) {
      stored.properties.leadscore_score = '42';
      // HubSpot keeps a datetime property as epoch milliseconds; the record page shows the time.
      stored.properties.leadscore_scored_at = String(Date.UTC(2026, 11, 1, 9, 30));
    }
    const contacts = (await (await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts`)).json()) as {
      total: number;
      scored: number;
    };
    expect(contacts).toMatchObject({ total: 5, scored: 1 });
    const view = (await (await fetch(`${sandbox.baseUrl}/sandbox/hubspot/contacts/${contact}`)).json()) as {
      leadscore: { score: number; scoredAt: string };
    };
    expect(view.leadscore.score).toBe(42);
    expect(view.leadscore.scoredAt).toBe('2026-12-01T09:30:00.000Z');
  });

  it('names each CRM a user kind: an admin and a rep', async () => {
    const { sandbox } = await sandboxWith();
    const org = (await (await fetch(`${sandbox.baseUrl}/sandbox/salesforce/org`)).json()) as {
      orgId: string;
      users: { id: string; kind: string }[];
    };
    expect(org.orgId).toBe(sandbox.salesforce.state.orgId);
    expect(org.users.map((user) => [user.id, user.kind])).toEqual([
      [sandbox.salesforce.state.userId, 'admin'],
      [humanUserId, 'rep'],
    ]);
    const portal = (await (await fetch(`${sandbox.baseUrl}/sandbox/hubspot/portal`)).json()) as {
      users: { id: string; kind: string }[];
    };
    expect(portal.users.map((user) => [user.id, user.kind])).toEqual([
      ['1', 'admin'],
      ['2', 'rep'],
    ]);
  });
});
