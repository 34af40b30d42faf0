import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../fixtures/generator/generate-dataset.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { sandboxHubspotTokens } from '../../sandbox/connect-to-sandbox.ts';
import { ensurePermissionSetRecord } from '../../sandbox/salesforce/permission-routes.ts';
import { humanUserId } from '../../sandbox/salesforce/salesforce-store.ts';
import { type RunningSandbox, startSandbox } from '../../sandbox/start-sandbox.ts';
import { createApp } from '../app.ts';
import { uniqueOrgId } from '../install/install-test-support.ts';
import type { PanelBootstrap } from '../panel/panel-routes.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { emptyQueueInspector, testServerDependencies } from '../server-test-support.ts';

/**
 * The demo and panel pages against a running sandbox CRM and the real auth: Canvas signed requests
 * the sandbox signs are accepted by /panel/canvas, the hubspot.fetch bridge's signature by
 * /auth/hubspot/session, and the demo's buttons reach the sandbox's simulate-activity routes.
 */

// A database of its own: the sandbox's HubSpot portal id is fixed, and other suites use it too.
const redisUrl = (() => {
  const url = new URL(testRedisUrl);
  url.pathname = '/11';
  return url.toString();
})();
const orgId = uniqueOrgId();
const sfTenant = `sf:${orgId}`;
const INDEX_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LeadScore</title><script type="module" crossorigin src="/panel/assets/index-AbCdEf12.js"></script></head><body><div id="root"></div></body></html>';

let sandbox: RunningSandbox;
let redis: Redis;
let dist: string;
const servers: Server[] = [];
let demo: { baseUrl: string; deps: ServerDependencies };
let hsTenant: string;
let leadId: string;
let contactId: string;
let salesforceLeads: ReturnType<typeof generateDataset>['leads'];

/** The app on a free port whose publicUrl is its own address (signatures cover it). */
async function serve(options: { sandbox?: boolean; panelDist?: string } = {}) {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deps = testServerDependencies(redis, {
    publicUrl: baseUrl,
    ...(options.sandbox === false ? {} : { sandbox: { baseUrl: sandbox.baseUrl, host: sandbox.host } }),
  });
  server.on(
    'request',
    createApp(deps, { queueInspector: emptyQueueInspector, panelDist: options.panelDist ?? dist }),
  );
  return { baseUrl, deps };
}

function bootstrapOf(html: string): PanelBootstrap {
  const match = /<script id="leadscore-bootstrap" type="application\/json">([^<]*)<\/script>/.exec(html);
  expect(match, 'the page carries the bootstrap').not.toBeNull();
  return JSON.parse(match?.[1] ?? 'null') as PanelBootstrap;
}

async function signedRequestFor(recordId: string | undefined, userId: string): Promise<string> {
  const answer = await fetch(`${sandbox.baseUrl}/sandbox/salesforce/canvas/signed-request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...(recordId ? { recordId } : {}), userId }),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { signedRequest: string }).signedRequest;
}

function postCanvas(baseUrl: string, signedRequest: string, view = 'record') {
  return fetch(`${baseUrl}/panel/canvas?view=${view}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ signed_request: signedRequest }),
  });
}

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'leadscore-panel-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX_HTML);
  writeFileSync(join(dist, 'assets', 'index-AbCdEf12.js'), 'console.log("panel");\n');
  writeFileSync(join(dist, 'assets', 'plain.js'), 'console.log("plain");\n');
  const salesforceSeed = generateDataset({ leads: 12, seed: 41, tenantId: sfTenant });
  const hubspotSeed = generateDataset({ leads: 12, seed: 42, tenantId: 'hs:2431623' });
  sandbox = await startSandbox({
    seed: { salesforce: salesforceSeed, hubspot: hubspotSeed },
    salesforce: { orgId },
    panels: { canvasConsumerSecret: 'canvas-consumer-secret', hubspotClientSecret: 'sandbox-secret' },
  });
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  demo = await serve();
  hsTenant = `hs:${sandbox.hubspot.store.portalId}`;
  const store = demo.deps.store;
  await store.purgeTenant(sfTenant);
  await store.purgeTenant(hsTenant);

  // Installed tenants with working CRM tokens: roles come from the sandbox CRM itself.
  const sfToken = sandbox.salesforce.state.issueAccessToken();
  await store.tenants.create({
    id: sfTenant,
    provider: 'salesforce',
    instanceUrl: sandbox.baseUrl,
    tokens: { accessToken: sfToken, refreshToken: 'unused-refresh-token' },
  });
  const adminSet = ensurePermissionSetRecord(sandbox.salesforce.store, 'LeadScore_Admin');
  const assigned = await fetch(`${sandbox.baseUrl}/services/data/v62.0/sobjects/PermissionSetAssignment`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sfToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ AssigneeId: sandbox.salesforce.state.userId, PermissionSetId: adminSet }),
  });
  expect(assigned.status).toBe(201);
  const hsTokens = await sandboxHubspotTokens(sandbox);
  await store.tenants.create({
    id: hsTenant,
    provider: 'hubspot',
    tokens: { accessToken: hsTokens.accessToken, refreshToken: hsTokens.refreshToken },
  });
  salesforceLeads = salesforceSeed.leads;
  leadId = salesforceSeed.leads[0]?.crmId ?? '';
  contactId = hubspotSeed.leads[0]?.crmId ?? '';
  expect(leadId).toMatch(/^00Q/);
  expect(contactId).toMatch(/^\d+$/);
}, 60_000);

afterAll(async () => {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  if (demo) {
    await demo.deps.store.purgeTenant(sfTenant);
    await demo.deps.store.purgeTenant(hsTenant);
  }
  await redis?.quit();
  await sandbox?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('POST /panel/canvas', () => {
  it('renders the panel with a session and the Canvas record id for a signed request the sandbox CRM signed', async () => {
    const answer = await postCanvas(
      demo.baseUrl,
      await signedRequestFor(leadId, sandbox.salesforce.state.userId),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-security-policy')).toContain('frame-ancestors');
    expect(answer.headers.get('content-security-policy')).toContain("'self'");
    const html = await answer.text();
    const bootstrap = bootstrapOf(html);
    expect(bootstrap).toMatchObject({
      host: 'salesforce',
      view: 'record',
      crmId: leadId,
      apiBase: `${demo.baseUrl}/api/v1`,
      session: { tenantId: sfTenant, userId: sandbox.salesforce.state.userId, role: 'admin' },
    });
    // Inserted just before </head>, the built page otherwise untouched.
    expect(html.indexOf('id="leadscore-bootstrap"')).toBeLessThan(html.indexOf('</head>'));
    expect(html).toContain('/panel/assets/index-AbCdEf12.js');
    // The session works on the API.
    const api = await fetch(`${demo.baseUrl}/api/v1/settings`, {
      headers: { authorization: `Bearer ${bootstrap.session?.token}` },
    });
    expect(api.status).not.toBe(401);
  });

  it('gives the rep (no LeadScore_Admin) a rep session, and the settings view when asked', async () => {
    const answer = await postCanvas(demo.baseUrl, await signedRequestFor(undefined, humanUserId), 'settings');
    expect(answer.status).toBe(200);
    const bootstrap = bootstrapOf(await answer.text());
    expect(bootstrap.view).toBe('settings');
    expect(bootstrap.crmId).toBeUndefined();
    expect(bootstrap.session?.role).toBe('rep');
  });

  it('refuses a tampered signed request with a 401 page that does not echo it', async () => {
    const signed = await signedRequestFor(leadId, sandbox.salesforce.state.userId);
    const [signature, envelope] = signed.split('.');
    const claims = JSON.parse(Buffer.from(envelope ?? '', 'base64').toString('utf8')) as {
      context: { user: { userId: string } };
      userId: string;
    };
    claims.userId = '005000000000777AAA';
    claims.context.user.userId = '005000000000777AAA';
    const forged = `${signature}.${Buffer.from(JSON.stringify(claims)).toString('base64')}`;
    const answer = await postCanvas(demo.baseUrl, forged);
    expect(answer.status).toBe(401);
    const html = await answer.text();
    expect(html).toContain('signature does not match');
    expect(html).not.toContain('leadscore-bootstrap');
    expect(html).not.toContain(signature ?? 'x');
    expect(html).not.toContain('005000000000777AAA');
  });

  it('answers 400 for an unknown view and for a body without signed_request', async () => {
    const badView = await postCanvas(demo.baseUrl, 'x.y', 'everything');
    expect(badView.status).toBe(400);
    expect(await badView.text()).toContain('view must be one of record, settings, health');
    const noBody = await fetch(`${demo.baseUrl}/panel/canvas`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'other=1',
    });
    expect(noBody.status).toBe(400);
    expect(await noBody.text()).toContain('signed_request');
  });
});

describe('GET /panel/ and the bundle', () => {
  it('serves the standalone page with a validated view, and hashed assets as immutable', async () => {
    const page = await fetch(`${demo.baseUrl}/panel/?view=health`);
    expect(page.status).toBe(200);
    expect(bootstrapOf(await page.text())).toEqual({
      host: 'standalone',
      view: 'health',
      apiBase: `${demo.baseUrl}/api/v1`,
    });
    expect((await fetch(`${demo.baseUrl}/panel/?view=admin`)).status).toBe(400);
    const hashed = await fetch(`${demo.baseUrl}/panel/assets/index-AbCdEf12.js`);
    expect(hashed.status).toBe(200);
    expect(hashed.headers.get('cache-control')).toContain('immutable');
    const plain = await fetch(`${demo.baseUrl}/panel/assets/plain.js`);
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${demo.baseUrl}/panel/assets/missing.js`)).status).toBe(404);
  });

  it('answers 503 saying how to build it when dist is missing', async () => {
    const unbuilt = await serve({ panelDist: join(dist, 'not-here') });
    const page = await fetch(`${unbuilt.baseUrl}/panel/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain(
      'the panel is not built: run npm run build:panel (npm start builds it)',
    );
    const canvas = await postCanvas(unbuilt.baseUrl, await signedRequestFor(leadId, humanUserId));
    expect(canvas.status).toBe(503);
  });
});

describe('the hubspot.fetch bridge', () => {
  const bridge = (baseUrl: string, body: unknown) =>
    fetch(`${baseUrl}/demo/hubspot/fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('exchanges a session through the sandbox proxy: the server accepts what the sandbox signs', async () => {
    const portalId = sandbox.hubspot.store.portalId;
    const admin = await bridge(demo.baseUrl, {
      url: `${demo.baseUrl}/auth/hubspot/session?portalId=${portalId}&userId=1`,
      method: 'POST',
      body: { purpose: 'panel' },
    });
    expect(admin.status).toBe(200);
    const answer = (await admin.json()) as {
      status: number;
      body: { token: string; role: string; tenantId: string };
    };
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ tenantId: hsTenant, userId: '1', role: 'admin' });
    const rep = (await (
      await bridge(demo.baseUrl, {
        url: `${demo.baseUrl}/auth/hubspot/session?portalId=${portalId}&userId=2`,
        method: 'POST',
      })
    ).json()) as { status: number; body: { role: string } };
    expect(rep).toMatchObject({ status: 201, body: { role: 'rep' } });
  });

  it('accepts the loopback name the browser used and calls the public URL, which the signature covers', async () => {
    const viaLocalhost = demo.baseUrl.replace('127.0.0.1', 'localhost');
    const panel = await fetch(`${viaLocalhost}/demo/hubspot/frame?contact=${contactId}&view=record`);
    expect(bootstrapOf(await panel.text()).apiBase).toBe(`${viaLocalhost}/api/v1`);
    const answer = (await (
      await bridge(viaLocalhost, {
        url: `${viaLocalhost}/auth/hubspot/session?portalId=${sandbox.hubspot.store.portalId}&userId=2`,
        method: 'POST',
      })
    ).json()) as { status: number; body: { role: string } };
    expect(answer).toMatchObject({ status: 201, body: { role: 'rep' } });
  });

  it('passes the server refusal through, and calls nothing outside this server', async () => {
    const unknownPortal = (await (
      await bridge(demo.baseUrl, {
        url: `${demo.baseUrl}/auth/hubspot/session?portalId=1&userId=1`,
        method: 'POST',
      })
    ).json()) as { status: number; body: { error: { code: string } } };
    expect(unknownPortal.status).toBe(404);
    expect(unknownPortal.body.error.code).toBe('TENANT_NOT_INSTALLED');
    for (const url of [
      `${sandbox.baseUrl}/sandbox/events/stats`,
      'http://127.0.0.1.example.com/',
      'not a url',
    ]) {
      const refused = await bridge(demo.baseUrl, { url, method: 'GET' });
      expect(refused.status, url).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
        'under this server',
      );
    }
  });

  it('renders the HubSpot frame with the hubspot bootstrap and no session', async () => {
    const page = await fetch(`${demo.baseUrl}/demo/hubspot/frame?contact=${contactId}&view=record&as=rep`);
    expect(page.status).toBe(200);
    expect(bootstrapOf(await page.text())).toEqual({
      host: 'hubspot',
      view: 'record',
      crmId: contactId,
      apiBase: `${demo.baseUrl}/api/v1`,
      hubspot: { portalId: sandbox.hubspot.store.portalId, userId: 2, fetchBridge: '/demo/hubspot/fetch' },
    });
  });
});

describe('the demo pages', () => {
  /** No inline script or style: the CSP would block them. */
  function expectNoInlineCode(html: string): void {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\sstyle=/);
  }

  it('lists the Salesforce leads in a table named Leads with a link per lead', async () => {
    const answer = await fetch(`${demo.baseUrl}/demo/salesforce/leads`);
    expect(answer.status).toBe(200);
    const html = await answer.text();
    expectNoInlineCode(html);
    expect(html).toContain('<caption>Leads</caption>');
    const links = [...html.matchAll(/<a href="\/demo\/salesforce\/leads\/(00Q[A-Za-z0-9]+)\?as=admin">/g)];
    expect(links.length).toBe(12);
    expect(links.map((link) => link[1])).toContain(leadId);
  });

  it('shows a record page with the framed panel, the score field, Simulate activity and the view links', async () => {
    for (const [crm, path, frame] of [
      [
        'salesforce',
        `/demo/salesforce/leads/${leadId}?as=rep`,
        `/demo/salesforce/frame?view=record&#38;lead=${leadId}&#38;as=rep`,
      ],
      [
        'hubspot',
        `/demo/hubspot/contacts/${contactId}?as=rep`,
        `/demo/hubspot/frame?view=record&#38;contact=${contactId}&#38;as=rep`,
      ],
    ] as const) {
      const answer = await fetch(`${demo.baseUrl}${path}`);
      expect(answer.status, crm).toBe(200);
      const html = await answer.text();
      expectNoInlineCode(html);
      expect(html).toContain(`<iframe class="panel-frame" title="LeadScore panel" src="${frame}">`);
      expect(html).toContain('<label for="activity-type">Activity</label>');
      expect(html).toContain('<select id="activity-type" name="type">');
      expect(html).toContain('<option value="pricing_page_view">Pricing page view</option>');
      expect(html).toMatch(/<button type="submit"[^>]*>Simulate activity<\/button>/);
      expect(html).toContain('role="status" aria-label="LeadScore score field">Not scored yet</span>');
      expect(html).toContain(`href="/demo/${crm}/settings?as=rep">Settings</a>`);
      expect(html).toContain(`href="/demo/${crm}/health?as=rep">Model health</a>`);
      expect(html).toContain('aria-label="Viewing as"');
      expect(html).toContain('aria-current="page">Rep</a>');
      expect(html.includes('data-renew-url')).toBe(crm === 'salesforce');
    }
  });

  it('frames the panel in Settings and Model health pages', async () => {
    const settings = await (await fetch(`${demo.baseUrl}/demo/salesforce/settings`)).text();
    expect(settings).toContain('src="/demo/salesforce/frame?view=settings&#38;as=admin"');
    const health = await (await fetch(`${demo.baseUrl}/demo/hubspot/health?as=admin`)).text();
    expect(health).toContain('src="/demo/hubspot/frame?view=health&#38;as=admin"');
  });

  it('the Salesforce frame POSTs a fresh signed request that /panel/canvas accepts for that user', async () => {
    const frame = await fetch(`${demo.baseUrl}/demo/salesforce/frame?lead=${leadId}&view=record&as=rep`);
    expect(frame.status).toBe(200);
    const html = await frame.text();
    expectNoInlineCode(html);
    expect(html).toContain('<form id="canvas-form" method="post" action="/panel/canvas?view=record">');
    const signed = /name="signed_request" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const page = await postCanvas(demo.baseUrl, signed);
    expect(page.status).toBe(200);
    expect(bootstrapOf(await page.text())).toMatchObject({
      crmId: leadId,
      session: { role: 'rep', userId: humanUserId },
    });
    const renew = await fetch(`${demo.baseUrl}/demo/salesforce/signed-request?lead=${leadId}&as=admin`);
    const renewed = ((await renew.json()) as { signedRequest: string }).signedRequest;
    const exchanged = await fetch(`${demo.baseUrl}/auth/salesforce/canvas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signedRequest: renewed }),
    });
    expect(exchanged.status).toBe(201);
    expect(await exchanged.json()).toMatchObject({ role: 'admin', recordId: leadId });
  });

  it('Simulate activity reaches the sandbox CRM and records the activity on the lead', async () => {
    const tasksBefore = sandbox.salesforce.store.count('Task') + sandbox.salesforce.store.count('Event');
    const answer = await fetch(`${demo.baseUrl}/demo/salesforce/records/${leadId}/activities?as=admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'meeting' }),
    });
    expect(answer.status).toBe(201);
    expect(await answer.json()).toMatchObject({ leadId, activity: { type: 'meeting' } });
    expect(sandbox.salesforce.store.count('Task') + sandbox.salesforce.store.count('Event')).toBe(
      tasksBefore + 1,
    );
    // Without script: a form POST, then back to the record page.
    const form = await fetch(`${demo.baseUrl}/demo/hubspot/records/${contactId}/activities?as=rep`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'type=email_click',
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe(`/demo/hubspot/contacts/${contactId}?as=rep`);
    const refused = await fetch(`${demo.baseUrl}/demo/salesforce/records/${leadId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'teleportation' }),
    });
    expect(refused.status).toBe(400);
  });

  it('polls the LeadScore fields as the CRM holds them', async () => {
    sandbox.salesforce.store.update(leadId, { LeadScore_Score__c: 64, LeadScore_Tier__c: 'Warm' });
    const fields = await fetch(`${demo.baseUrl}/demo/salesforce/records/${leadId}/fields`);
    expect(fields.headers.get('cache-control')).toBe('no-store');
    expect(await fields.json()).toMatchObject({ id: leadId, leadscore: { score: 64, tier: 'Warm' } });
    const page = await (await fetch(`${demo.baseUrl}/demo/salesforce/leads/${leadId}`)).text();
    expect(page).toContain('aria-label="LeadScore score field">64</span>');
  });

  it('the home page shows both tenants and their state, and serves its assets', async () => {
    const home = await fetch(`${demo.baseUrl}/`);
    expect(home.status).toBe(200);
    const html = await home.text();
    expectNoInlineCode(html);
    expect(html).toContain(`Salesforce org ${orgId}`);
    expect(html).toContain(`HubSpot portal ${sandbox.hubspot.store.portalId}`);
    // Installed, nothing synced into LeadScore yet.
    expect(html.match(/<span class="state-badge">Syncing<\/span>/g)?.length).toBe(2);
    const css = await fetch(`${demo.baseUrl}/demo/assets/demo.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${demo.baseUrl}/demo/assets/demo.js`)).headers.get('content-type')).toContain(
      'javascript',
    );
  });

  it('says the first model is training once leads are synced and no model exists yet', async () => {
    const report = await demo.deps.store.leads.upsertMany(sfTenant, salesforceLeads);
    expect(report.rejected.length).toBeLessThan(salesforceLeads.length);
    const html = await (await fetch(`${demo.baseUrl}/`)).text();
    const salesforceCard = html.slice(
      html.indexOf('id="tenant-salesforce"'),
      html.indexOf('id="tenant-hubspot"'),
    );
    expect(salesforceCard).toContain('<span class="state-badge">Training</span>');
    expect(salesforceCard).toContain('until it is ready the panel shows rules-based scores');
    expect(salesforceCard).toContain(
      `${salesforceLeads.length - report.rejected.length} leads synced into LeadScore`,
    );
  });

  it('are not mounted without sandbox mode', async () => {
    const plain = await serve({ sandbox: false });
    for (const path of [
      '/demo/salesforce/leads',
      '/demo/assets/demo.js',
      `/demo/hubspot/frame?contact=${contactId}`,
    ]) {
      expect((await fetch(`${plain.baseUrl}${path}`)).status, path).toBe(404);
    }
    const bridge = await fetch(`${plain.baseUrl}/demo/hubspot/fetch`, { method: 'POST', body: '{}' });
    expect(bridge.status).toBe(404);
    expect(await (await fetch(`${plain.baseUrl}/`)).text()).toContain('LeadScore is running');
    // The panel itself is served in every mode; outside sandbox mode the API is on the public URL only.
    const viaLocalhost = plain.baseUrl.replace('127.0.0.1', 'localhost');
    const panel = await fetch(`${viaLocalhost}/panel`);
    expect(panel.status).toBe(200);
    expect(bootstrapOf(await panel.text()).apiBase).toBe(`${plain.baseUrl}/api/v1`);
  });
});
