import { createHmac, randomBytes } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerOf } from '../../connector/server/auth/caller.ts';
import { errorHandler, notFoundHandler, requestId } from '../../connector/server/auth/error-handler.ts';
import { panelAuth } from '../../connector/server/auth/panel-auth.ts';
import { createRoleResolver } from '../../connector/server/auth/role-resolver.ts';
import { panelSessionRouter } from '../../connector/server/auth/session-routes.ts';
import { createSessionTokens } from '../../connector/server/auth/session-tokens.ts';
import {
  capturingLogger,
  listen,
  SESSION_KEY,
  testDependencies,
  testStore,
  uniqueOrgId,
} from '../security/server-test-support.ts';
import { testRedisUrl } from '../support/redis.ts';

const CONSUMER_SECRET = 'canvas-consumer-secret-of-the-app';
const orgId = uniqueOrgId();
const tenantId = `sf:${orgId}`;
const userId = '005000000000042AAA';
const recordId = '00Q000000000777AAA';
const oauthToken = `${orgId}!${randomBytes(24).toString('base64url')}`;

const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
const store = testStore(redis);
const { logger, lines } = capturingLogger();
let clock = Date.UTC(2026, 11, 1, 15, 0, 0);
const deps = testDependencies({ redis, store, logger, now: () => clock });
const roleLookups: string[] = [];
const roles = createRoleResolver({
  redis,
  logger,
  connectorTokens: async () => ({
    provider: 'salesforce',
    accessToken: 'integration-token',
    instanceUrl: 'https://acme.my.salesforce.com',
    apiVersion: '62.0',
  }),
  lookup: async (_access, user) => {
    roleLookups.push(user);
    return 'admin';
  },
});
const sessionTokens = createSessionTokens({ signingKey: SESSION_KEY, now: () => clock });

const app = express();
app.use(requestId());
app.use(
  panelSessionRouter(deps, {
    sessionTokens,
    roles,
    canvasConsumerSecret: CONSUMER_SECRET,
    secretFor: async () => undefined,
  }),
);
app.use(
  '/api/v1',
  panelAuth(deps, { sessionTokens, roles }),
  express.Router().get('/whoami', (_request, response) => {
    response.json(callerOf(response));
  }),
);
app.use(notFoundHandler());
app.use(errorHandler(logger));
let server: Awaited<ReturnType<typeof listen>>;

function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    algorithm: 'HMACSHA256',
    issuedAt: Math.floor(clock / 1000),
    userId,
    client: {
      oauthToken,
      instanceUrl: 'https://acme.my.salesforce.com',
      targetOrigin: 'https://acme.lightning.force.com',
      refreshToken: null,
    },
    context: {
      user: { userId, userName: 'rep@acme.example', fullName: 'Rep Person', email: 'rep@acme.example' },
      organization: { organizationId: orgId, name: 'Acme' },
      environment: { displayLocation: 'Chatter', record: { Id: recordId, attributes: { type: 'Lead' } } },
    },
    ...overrides,
  };
}

function sign(
  value: Record<string, unknown>,
  secret = CONSUMER_SECRET,
  encoding: 'base64' | 'base64url' = 'base64',
): string {
  const body = Buffer.from(JSON.stringify(value)).toString(encoding);
  const signature = createHmac('sha256', secret).update(body).digest(encoding);
  return `${signature}.${body}`;
}

async function exchangeForm(signedRequest: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.baseUrl}/auth/salesforce/canvas`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ signed_request: signedRequest }).toString(),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  await store.tenants.create({
    id: tenantId,
    provider: 'salesforce',
    instanceUrl: 'https://acme.my.salesforce.com',
    tokens: { accessToken: 'integration-token', refreshToken: 'integration-refresh' },
  });
  server = await listen(app);
});

afterAll(async () => {
  await server.close();
  await store.purgeTenant(tenantId);
  await redis.quit();
});

describe('scenario 14: Canvas signed request', () => {
  it('scenario 14: a valid signed request (form field) is exchanged for a session token bound to org, user and role', async () => {
    const answer = await exchangeForm(sign(envelope()));
    expect(answer.status).toBe(201);
    const body = JSON.parse(answer.text) as Record<string, string>;
    expect(body).toMatchObject({ tenantId, userId, role: 'admin', recordId });
    expect(body.expiresAt).toBe(new Date(clock + 15 * 60_000).toISOString());
    expect(answer.text).not.toContain(oauthToken);
    expect(roleLookups).toContain(userId);

    const whoami = await fetch(`${server.baseUrl}/api/v1/whoami`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toEqual({ tenantId, userId, role: 'admin', via: 'session' });
  });

  it('scenario 14: the JSON form {signedRequest} is accepted too', async () => {
    const response = await fetch(`${server.baseUrl}/auth/salesforce/canvas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signedRequest: sign(envelope()) }),
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { tenantId: string }).tenantId).toBe(tenantId);
  });

  it('scenario 14: tampered envelope, tampered signature, wrong secret, base64url, stale or future issuedAt → 401, nothing echoed', async () => {
    const valid = sign(envelope());
    const [signature = '', body = ''] = valid.split('.');
    // A forged envelope for another org, with the original signature.
    const forged = Buffer.from(JSON.stringify(envelope({ userId: '005000000000099AAA' }))).toString('base64');
    const flippedSignature = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const cases: Record<string, string> = {
      'tampered envelope': `${signature}.${forged}`,
      'one character of the envelope changed': `${signature}.${body.slice(0, 40)}${body[40] === 'x' ? 'y' : 'x'}${body.slice(41)}`,
      'tampered signature': `${flippedSignature}.${body}`,
      'wrong secret': sign(envelope(), 'another-apps-secret'),
      'base64url encoding': sign(envelope(), CONSUMER_SECRET, 'base64url'),
      // Node's base64 decoder also takes url-safe text: only a strict alphabet check refuses this one.
      'base64url signature over the standard envelope': `${Buffer.from(signature, 'base64').toString('base64url')}.${body}`,
      'stale issuedAt (6 minutes)': sign(envelope({ issuedAt: Math.floor((clock - 6 * 60_000) / 1000) })),
      'issuedAt in the future (10 minutes)': sign(
        envelope({ issuedAt: Math.floor((clock + 10 * 60_000) / 1000) }),
      ),
      'no issuedAt': sign(envelope({ issuedAt: undefined })),
      'another algorithm': sign(envelope({ algorithm: 'HMACSHA1' })),
      'no dot': signature,
    };
    for (const [name, signedRequest] of Object.entries(cases)) {
      const answer = await exchangeForm(signedRequest);
      expect(answer.status, name).toBe(401);
      const error = (
        JSON.parse(answer.text) as { error: { code: string; message: string; requestId: string } }
      ).error;
      expect(error.code, name).toBe('UNAUTHENTICATED');
      expect(error.requestId, name).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.text, name).not.toContain(oauthToken);
      expect(answer.text, name).not.toContain(signature);
      expect(answer.text, name).not.toMatch(/\n\s+at /);
    }
    // The base64url refusal names the cause; the stale one says so.
    expect((await exchangeForm(cases['base64url encoding'] ?? '')).text).toContain('standard Base64');
    expect((await exchangeForm(cases['stale issuedAt (6 minutes)'] ?? '')).text).toContain('stale');
  });

  it('scenario 14: the issued token expires after 15 minutes and a tampered token is refused', async () => {
    const answer = await exchangeForm(sign(envelope()));
    const { token } = JSON.parse(answer.text) as { token: string };
    const call = (bearer: string) =>
      fetch(`${server.baseUrl}/api/v1/whoami`, { headers: { authorization: `Bearer ${bearer}` } });
    const [payload = '', mac = ''] = token.split('.');
    const otherTenant = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        t: 'sf:00D000000000001AAA',
      }),
    ).toString('base64url');
    const tampered = await call(`${otherTenant}.${mac}`);
    expect(tampered.status).toBe(401);
    expect(await tampered.text()).not.toContain(token);
    const issuedAt = clock;
    clock = issuedAt + 15 * 60_000 - 1;
    expect((await call(token)).status).toBe(200);
    clock = issuedAt + 15 * 60_000;
    const expired = await call(token);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toContain('expired');
    clock = issuedAt;
  });

  it('scenario 14: a valid signed request for an org without LeadScore is 404 and no token is issued', async () => {
    const otherOrg = uniqueOrgId();
    const answer = await exchangeForm(
      sign(
        envelope({
          context: { ...(envelope().context as object), organization: { organizationId: otherOrg } },
        }),
      ),
    );
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('"token"');
  });

  it('scenario 14: neither the oauthToken nor any issued session token reached the logs', () => {
    const logged = lines.join('');
    expect(lines.length).toBeGreaterThan(0);
    expect(logged).not.toContain(oauthToken);
    expect(logged).not.toMatch(/eyJ0Ijoi/); // the start of every session token's payload
  });
});
