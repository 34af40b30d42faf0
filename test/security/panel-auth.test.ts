import '../support/promise-with-resolvers.ts';
import express from 'express';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxHubspotTokens } from '../../connector/sandbox/connect-to-sandbox.ts';
import { hubspotUsersOf } from '../../connector/sandbox/hubspot/hubspot-users-routes.ts';
import { ensurePermissionSetRecord } from '../../connector/sandbox/salesforce/permission-routes.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { callerOf } from '../../connector/server/auth/caller.ts';
import { connectorTokensFromStore } from '../../connector/server/auth/connector-tokens.ts';
import { errorHandler, notFoundHandler, requestId } from '../../connector/server/auth/error-handler.ts';
import { leadscoreSignature } from '../../connector/server/auth/leadscore-signature.ts';
import { panelAuth } from '../../connector/server/auth/panel-auth.ts';
import { createRoleResolver, roleFromCrm } from '../../connector/server/auth/role-resolver.ts';
import { panelSessionRouter } from '../../connector/server/auth/session-routes.ts';
import { createSessionTokens } from '../../connector/server/auth/session-tokens.ts';
import { requireAdmin, requireLeadOfCaller } from '../../connector/server/auth/tenant-records.ts';
import { makeLead } from '../store/store-test-support.ts';
import { testRedisUrl } from '../support/redis.ts';
import {
  capturingLogger,
  hubspotFetchHeaders,
  listen,
  SESSION_KEY,
  testDependencies,
  testStore,
  uniqueOrgId,
  uniquePortalId,
} from './server-test-support.ts';

const portalId = uniquePortalId();
const hubspotTenant = `hs:${portalId}`;
const pausedPortal = uniquePortalId();
const orgId = uniqueOrgId();
const salesforceTenant = `sf:${orgId}`;
const otherOrgId = uniqueOrgId();
const otherSalesforceTenant = `sf:${otherOrgId}`;
const calloutSecret = 'per-tenant-callout-secret-0123456789';
const instanceHost = `acme${portalId}.my.salesforce.com`;

const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
const store = testStore(redis);
const { logger } = capturingLogger();
let sandbox: RunningSandbox;
let server: Awaited<ReturnType<typeof listen>>;
const sessionTokens = createSessionTokens({ signingKey: SESSION_KEY, now: Date.now });

function buildApp(deps: ReturnType<typeof testDependencies>) {
  const roles = createRoleResolver({ redis, logger, connectorTokens: connectorTokensFromStore(deps) });
  const api = express.Router();
  api.get('/whoami', (_request, response) => {
    response.json(callerOf(response));
  });
  api.post('/echo', (request, response) => {
    response.json({ caller: callerOf(response), body: request.body, query: request.query });
  });
  api.get('/leads/:leadId', async (request, response) => {
    const { lead } = await requireLeadOfCaller(store, response, request.params.leadId);
    response.json({ id: lead.id });
  });
  api.put('/settings', (_request, response) => {
    requireAdmin(response);
    response.json({ saved: true });
  });
  const app = express();
  app.use(requestId());
  app.use(
    panelSessionRouter(deps, {
      sessionTokens,
      roles,
      canvasConsumerSecret: 'unused-here',
      secretFor: async (tenantId) => (tenantId === salesforceTenant ? calloutSecret : undefined),
    }),
  );
  app.use('/api/v1', panelAuth(deps, { sessionTokens, roles }), api);
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.baseUrl}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>),
  };
}

function signedGet(pathAndQuery: string, overrides: { secret?: string; timestampMs?: number } = {}) {
  return call(pathAndQuery, { headers: hubspotFetchHeaders({ method: 'GET', pathAndQuery, ...overrides }) });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const hubspotTokens = await sandboxHubspotTokens(sandbox);
  hubspotUsersOf(sandbox.hubspot.store).put({ id: '501', email: 'a@x.example', superAdmin: true });
  hubspotUsersOf(sandbox.hubspot.store).put({ id: '502', email: 'b@x.example', superAdmin: false });
  await store.tenants.create({
    id: hubspotTenant,
    provider: 'hubspot',
    tokens: { accessToken: hubspotTokens.accessToken, refreshToken: hubspotTokens.refreshToken },
  });
  await store.tenants.create({
    id: `hs:${pausedPortal}`,
    provider: 'hubspot',
    tokens: { accessToken: 'x', refreshToken: 'y' },
  });
  await store.tenants.setStatus(
    `hs:${pausedPortal}`,
    'auth_revoked',
    'reconnect LeadScore in HubSpot settings',
  );
  for (const id of [salesforceTenant, otherSalesforceTenant]) {
    await store.tenants.create({
      id,
      provider: 'salesforce',
      instanceUrl: `https://${instanceHost}`,
      tokens: { accessToken: 'sf-integration-token', refreshToken: 'sf-refresh' },
    });
  }
  await store.leads.upsertMany(salesforceTenant, [makeLead(salesforceTenant, '00Q000000000001AAA')]);
  await store.leads.upsertMany(otherSalesforceTenant, [
    makeLead(otherSalesforceTenant, '00Q000000000002AAA'),
  ]);
  const deps = testDependencies({
    redis,
    store,
    logger,
    sandbox: { baseUrl: sandbox.baseUrl, host: sandbox.host },
  });
  server = await listen(buildApp(deps));
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await server.close();
  await sandbox.close();
  for (const id of [hubspotTenant, `hs:${pausedPortal}`, salesforceTenant, otherSalesforceTenant])
    await store.purgeTenant(id);
  await redis.quit();
});

describe('HubSpot signed fetch', () => {
  it('a valid signed GET with portalId and userId sets the caller, with the role from the sandbox portal', async () => {
    const admin = await signedGet(`/api/v1/whoami?portalId=${portalId}&userId=501`);
    expect(admin).toEqual({
      status: 200,
      body: { tenantId: hubspotTenant, userId: '501', role: 'admin', via: 'hubspot-fetch' },
    });
    const rep = await signedGet(`/api/v1/whoami?portalId=${portalId}&userId=502`);
    expect(rep.body).toMatchObject({ userId: '502', role: 'rep' });
    // A user the portal does not have is a rep, never an admin.
    const unknown = await signedGet(`/api/v1/whoami?portalId=${portalId}&userId=999999`);
    expect(unknown.body).toMatchObject({ role: 'rep' });
  });

  it('a signed POST leaves the parsed JSON body for the handler; a changed body is refused', async () => {
    const pathAndQuery = `/api/v1/echo?portalId=${portalId}&userId=502&lead=7`;
    const body = JSON.stringify({ hot: 80, note: 'é ✓' });
    const headers = hubspotFetchHeaders({ method: 'POST', pathAndQuery, body });
    const ok = await call(pathAndQuery, { method: 'POST', headers, body });
    expect(ok.status).toBe(200);
    expect(ok.body?.body).toEqual({ hot: 80, note: 'é ✓' });
    // The identity parameters were for the auth layer: a handler's strict query schema sees only its own.
    expect(ok.body?.query).toEqual({ lead: '7' });
    const changed = await call(pathAndQuery, { method: 'POST', headers, body: body.replace('80', '81') });
    expect(changed.status).toBe(401);
  });

  it('another portalId in the query than the one signed → 401', async () => {
    const signedFor = `/api/v1/whoami?portalId=${portalId}&userId=501`;
    const headers = hubspotFetchHeaders({ method: 'GET', pathAndQuery: signedFor });
    const other = await call(`/api/v1/whoami?portalId=${pausedPortal}&userId=501`, { headers });
    expect(other.status).toBe(401);
    expect(JSON.stringify(other.body)).toContain('signature does not match');
  });

  it('wrong secret, stale timestamp, missing header → 401; no credentials → 401; both kinds → 400', async () => {
    const path = `/api/v1/whoami?portalId=${portalId}&userId=501`;
    expect((await signedGet(path, { secret: 'someone-elses-secret' })).status).toBe(401);
    expect((await signedGet(path, { timestampMs: Date.now() - 6 * 60_000 })).status).toBe(401);
    const headers = hubspotFetchHeaders({ method: 'GET', pathAndQuery: path });
    const noTimestamp = await call(path, {
      headers: { 'x-hubspot-signature-v3': headers['x-hubspot-signature-v3'] ?? '' },
    });
    expect(noTimestamp.status).toBe(401);
    expect((await call(path)).status).toBe(401);
    expect((await call(path, { headers: { ...headers, authorization: 'Bearer abc.def' } })).status).toBe(400);
  });

  it('a portal without LeadScore → 404, a paused one → 403 with what to do; missing portalId → 400', async () => {
    const unknownPortal = uniquePortalId();
    const missing = await signedGet(`/api/v1/whoami?portalId=${unknownPortal}&userId=1`);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain(`HubSpot portal ${unknownPortal}`);
    const paused = await signedGet(`/api/v1/whoami?portalId=${pausedPortal}&userId=1`);
    expect(paused.status).toBe(403);
    expect(JSON.stringify(paused.body)).toContain('reconnect LeadScore');
    expect((await signedGet('/api/v1/whoami?userId=1')).status).toBe(400);
    expect((await signedGet(`/api/v1/whoami?portalId=${portalId}&portalId=1&userId=1`)).status).toBe(400);
  });

  it('roles are cached for five minutes per tenant and user', async () => {
    await signedGet(`/api/v1/whoami?portalId=${portalId}&userId=501`);
    hubspotUsersOf(sandbox.hubspot.store).put({ id: '501', email: 'a@x.example', superAdmin: false });
    const cached = await signedGet(`/api/v1/whoami?portalId=${portalId}&userId=501`);
    expect(cached.body).toMatchObject({ role: 'admin' });
    const ttl = await redis.ttl(`ls:{${hubspotTenant}}:panel-role:501`);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
    await redis.del(`ls:{${hubspotTenant}}:panel-role:501`);
    const fresh = await signedGet(`/api/v1/whoami?portalId=${portalId}&userId=501`);
    expect(fresh.body).toMatchObject({ role: 'rep' });
  });

  it('POST /auth/hubspot/session gives the settings page a session token with the same caller', async () => {
    const pathAndQuery = `/auth/hubspot/session?portalId=${portalId}&userId=502`;
    const issued = await call(pathAndQuery, {
      method: 'POST',
      headers: hubspotFetchHeaders({ method: 'POST', pathAndQuery }),
    });
    expect(issued.status).toBe(201);
    const me = await call('/api/v1/whoami', {
      headers: { authorization: `Bearer ${String(issued.body?.token)}` },
    });
    expect(me.body).toEqual({ tenantId: hubspotTenant, userId: '502', role: 'rep', via: 'session' });
    const admin = await call('/api/v1/settings', {
      method: 'PUT',
      headers: { authorization: `Bearer ${String(issued.body?.token)}` },
    });
    expect(admin.status).toBe(403);
  });
});

describe('Salesforce roles and the Apex exchange', () => {
  const soql = (userId: string) =>
    `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${userId}' AND PermissionSet.Name = 'LeadScore_Admin'`;

  /** The REST query answer Salesforce gives (attributes per record, done, totalSize). */
  function answerQuery(userId: string, assigned: boolean) {
    return nock(`https://${instanceHost}`)
      .get('/services/data/v62.0/query')
      .query({ q: soql(userId) })
      .reply(200, {
        totalSize: assigned ? 1 : 0,
        done: true,
        records: assigned
          ? [
              {
                attributes: {
                  type: 'PermissionSetAssignment',
                  url: '/services/data/v62.0/sobjects/PermissionSetAssignment/0Pa000000000001AAA',
                },
                Id: '0Pa000000000001AAA',
              },
            ]
          : [],
      });
  }

  it('LeadScore_Admin assigned → admin, not assigned → rep (the exact SOQL query)', async () => {
    const access = {
      provider: 'salesforce' as const,
      accessToken: 'sf-integration-token',
      instanceUrl: `https://${instanceHost}`,
      apiVersion: '62.0',
    };
    const adminQuery = answerQuery('005000000000001AAA', true);
    expect(await roleFromCrm(access, '005000000000001AAA')).toBe('admin');
    expect(adminQuery.isDone()).toBe(true);
    const repQuery = answerQuery('005000000000002AAA', false);
    expect(await roleFromCrm(access, '005000000000002AAA')).toBe('rep');
    expect(repQuery.isDone()).toBe(true);
  });

  it('against the sandbox org: an assigned LeadScore_Admin (unmanaged or namespaced) → admin, none → rep', async () => {
    const sandboxStore = sandbox.salesforce.store;
    const unmanaged = ensurePermissionSetRecord(sandboxStore, 'LeadScore_Admin');
    const namespaced = ensurePermissionSetRecord(sandboxStore, 'LeadScore_Admin', 'leadscore');
    const userSet = ensurePermissionSetRecord(sandboxStore, 'LeadScore_User');
    const access = {
      provider: 'salesforce' as const,
      accessToken: sandbox.salesforce.state.issueAccessToken(),
      instanceUrl: sandbox.baseUrl,
      apiVersion: '62.0',
      allowedInstanceHosts: [sandbox.host],
    };
    const assign = async (assigneeId: string, permissionSetId: string) => {
      const response = await fetch(
        `${sandbox.baseUrl}/services/data/v62.0/sobjects/PermissionSetAssignment`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${access.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ AssigneeId: assigneeId, PermissionSetId: permissionSetId }),
        },
      );
      expect(response.status).toBe(201);
    };
    await assign('005000000000011AAA', unmanaged);
    await assign('005000000000012AAA', namespaced);
    await assign('005000000000013AAA', userSet);
    expect(await roleFromCrm(access, '005000000000011AAA')).toBe('admin');
    expect(await roleFromCrm(access, '005000000000012AAA')).toBe('admin');
    expect(await roleFromCrm(access, '005000000000013AAA')).toBe('rep');
    expect(await roleFromCrm(access, '005000000000014AAA')).toBe('rep');
  });

  async function apexExchange(
    body: string,
    secret = calloutSecret,
    timestamp = String(Date.now()),
    org = orgId,
  ) {
    return call('/auth/salesforce/apex', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-leadscore-org': org,
        'x-leadscore-timestamp': timestamp,
        'x-leadscore-signature': leadscoreSignature(secret, timestamp, body),
      },
      body,
    });
  }

  it('a signed Apex callout is exchanged for a token with the role from the org; tampering → 401', async () => {
    const userId = '005000000000003AAA';
    const query = answerQuery(userId, true);
    const body = JSON.stringify({ userId });
    const issued = await apexExchange(body);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ tenantId: salesforceTenant, userId, role: 'admin' });
    expect(query.isDone()).toBe(true);
    expect((await apexExchange(body, 'wrong-secret')).status).toBe(401);
    expect((await apexExchange(body, calloutSecret, String(Date.now() - 6 * 60_000))).status).toBe(401);
    expect((await apexExchange(body, calloutSecret, String(Date.now()), otherOrgId)).status).toBe(401);
    const invalid = await apexExchange(JSON.stringify({ userId: 'robert' }));
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toContain('userId');
  });

  it('a session of one tenant cannot read a lead of another: 404, its own lead 200', async () => {
    const userId = '005000000000004AAA';
    answerQuery(userId, false);
    const issued = await apexExchange(JSON.stringify({ userId }));
    const authorization = `Bearer ${String(issued.body?.token)}`;
    const own = await call('/api/v1/leads/00Q000000000001AAA', { headers: { authorization } });
    expect(own).toEqual({ status: 200, body: { id: '00Q000000000001AAA' } });
    const foreign = await call('/api/v1/leads/00Q000000000002AAA', { headers: { authorization } });
    expect(foreign.status).toBe(404);
    const admin = await call('/api/v1/settings', { method: 'PUT', headers: { authorization } });
    expect(admin.status).toBe(403);
    expect(JSON.stringify(admin.body)).toContain('LeadScore_Admin');
  });

  it('a token stops working as soon as its tenant is paused', async () => {
    const userId = '005000000000005AAA';
    answerQuery(userId, false);
    const issued = await apexExchange(JSON.stringify({ userId }));
    const authorization = `Bearer ${String(issued.body?.token)}`;
    expect((await call('/api/v1/whoami', { headers: { authorization } })).status).toBe(200);
    await store.tenants.setStatus(salesforceTenant, 'paused', 'paused by an admin');
    expect((await call('/api/v1/whoami', { headers: { authorization } })).status).toBe(403);
    await store.tenants.setStatus(salesforceTenant, 'active');
  });
});
