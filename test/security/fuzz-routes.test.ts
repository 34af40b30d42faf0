// First: the panel API's schemas call `.openapi()` on shared zod schemas, which exist with that method
// only when zod was extended before they were built.
import '../../connector/server/api/openapi-zod.ts';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import express, { type Express, type Router } from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerOf } from '../../connector/server/auth/caller.ts';
import { errorHandler, notFoundHandler, requestId } from '../../connector/server/auth/error-handler.ts';
import { panelAuth } from '../../connector/server/auth/panel-auth.ts';
import { createRoleResolver } from '../../connector/server/auth/role-resolver.ts';
import { methodGuard, noStore, securityHeaders } from '../../connector/server/auth/security-headers.ts';
import { panelSessionRouter } from '../../connector/server/auth/session-routes.ts';
import { createSessionTokens } from '../../connector/server/auth/session-tokens.ts';
import type { ServerDependencies } from '../../connector/server/server-dependencies.ts';
import { testRedisUrl } from '../support/redis.ts';
import { type FuzzCase, fuzzCase, seededRandom } from './fuzz-inputs.ts';
import {
  capturingLogger,
  listen,
  SESSION_KEY,
  STACK_LINE,
  testDependencies,
  testStore,
} from './server-test-support.ts';

const SEED = 20_261_201;
const CASES = 1_000;

const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
const store = testStore(redis);
const { logger, lines } = capturingLogger();
const deps = testDependencies({
  redis,
  store,
  logger,
  config: { SALESFORCE_CANVAS_CONSUMER_SECRET: 'fuzz-canvas-secret', HUBSPOT_CLIENT_ID: 'fuzz-client' },
});

interface Endpoint {
  method: string;
  path: string;
}

/** One router of the server, mounted in the order the composition would mount it. */
interface RouterUnderTest {
  name: string;
  mount(app: Express, deps: ServerDependencies, api: Router): Promise<Endpoint[]>;
}

const sessionTokens = createSessionTokens({ signingKey: SESSION_KEY, now: Date.now });
const roles = createRoleResolver({ redis, logger, connectorTokens: async () => undefined });

/**
 * Every router the server has today; add new ones here. Each is imported when its file exists, so
 * this test assembles whatever is present, and names what it could not mount.
 */
const ROUTERS: RouterUnderTest[] = [
  {
    name: 'panel sessions',
    async mount(app, deps) {
      app.use(
        panelSessionRouter(deps, {
          sessionTokens,
          roles,
          canvasConsumerSecret: 'fuzz-canvas-secret',
          secretFor: async () => 'fuzz-callout-secret',
        }),
      );
      return [
        { method: 'POST', path: '/auth/salesforce/canvas' },
        { method: 'POST', path: '/auth/salesforce/apex' },
        { method: 'POST', path: '/auth/hubspot/session' },
      ];
    },
  },
  {
    name: 'webhooks',
    async mount(app, deps) {
      const webhooks = await import('../../connector/server/webhooks/index.ts');
      app.use(webhooks.hubspotWebhooksRouter(deps, { erasePerson: async () => {} }));
      app.use(webhooks.salesforceWebhooksRouter(deps, { secretFor: async () => 'fuzz-webhook-secret' }));
      return [
        { method: 'POST', path: '/webhooks/hubspot' },
        { method: 'POST', path: '/webhooks/salesforce' },
      ];
    },
  },
  {
    name: 'install',
    async mount(app, deps) {
      const install = await import('../../connector/server/install/install.routes.ts');
      app.use(install.installRouter(deps, { providers: {} }));
      return ['salesforce', 'hubspot', 'nope'].flatMap((provider) => [
        { method: 'GET', path: `/oauth/${provider}/install` },
        { method: 'GET', path: `/oauth/${provider}/callback` },
      ]);
    },
  },
  {
    name: 'uninstall',
    async mount(_app, deps, api) {
      const uninstall = await import('../../connector/server/install/uninstall.routes.ts');
      // Its path is absolute (/api/v1/tenant): mounted under /api/v1 behind the auth middleware.
      api.use(
        (request, _response, next) => {
          request.url = `/api/v1${request.url}`;
          next();
        },
        uninstall.uninstallRouter(deps, { providers: {} }),
        (request, _response, next) => {
          request.url = request.url.replace(/^\/api\/v1/, '');
          next();
        },
      );
      return [{ method: 'DELETE', path: '/api/v1/tenant' }];
    },
  },
  {
    name: 'panel API',
    async mount(_app, deps, api) {
      const { apiContext } = await import('../../connector/server/api/api-context.ts');
      const { mountRoutes } = await import('../../connector/server/api/api-route.ts');
      const context = apiContext(deps);
      const groups = await Promise.all([
        import('../../connector/server/api/record.routes.ts').then((module) => module.recordRoutes(context)),
        import('../../connector/server/api/settings.routes.ts').then((module) =>
          module.settingsRoutes(context),
        ),
        import('../../connector/server/api/models.routes.ts').then((module) => module.modelRoutes(context)),
        import('../../connector/server/api/sync.routes.ts').then((module) => module.syncRoutes(context)),
      ]);
      const routes = groups.flat();
      mountRoutes(api, routes);
      return routes.map((route) => ({
        method: route.method.toUpperCase(),
        path: `/api/v1${route.path.replace(/\{[A-Za-z0-9_]+\}/g, '00Q000000000001AAA')}`,
      }));
    },
  },
  {
    name: 'ops',
    async mount(app, deps) {
      const ops = await import('../../connector/server/ops/index.ts');
      app.use(ops.opsRouter(deps, { queues: { names: [], depths: async () => ({}) as never } }));
      return [
        { method: 'GET', path: '/readyz' },
        { method: 'GET', path: '/metrics' },
      ];
    },
  },
];

const mounted: string[] = [];
const notMounted: { name: string; reason: string }[] = [];
const endpoints: Endpoint[] = [
  { method: 'GET', path: '/api/v1/whoami' },
  { method: 'POST', path: '/api/v1/echo' },
  { method: 'GET', path: '/no/such/route' },
];
let server: Awaited<ReturnType<typeof listen>>;
let port = 0;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId());
  app.use(securityHeaders());
  app.use(methodGuard());
  const api = express.Router();
  api.get('/whoami', (_request, response) => {
    response.json(callerOf(response));
  });
  api.post('/echo', (request, response) => {
    response.json({ body: request.body ?? null });
  });
  for (const router of ROUTERS) {
    try {
      endpoints.push(...(await router.mount(app, deps, api)));
      mounted.push(router.name);
    } catch (error) {
      notMounted.push({ name: router.name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  app.use('/api/v1', noStore(), panelAuth(deps, { sessionTokens, roles }), api);
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  server = await listen(app);
  port = Number(new URL(server.baseUrl).port);
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await server.close();
  await redis.quit();
});

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

function send(endpoint: Endpoint, fuzz: FuzzCase): Promise<Answer | { clientError: string }> {
  return new Promise((resolve) => {
    const method =
      fuzz.kind === 'bad method'
        ? fuzz.method
        : endpoint.method === 'GET' && fuzz.method === 'POST'
          ? 'GET'
          : fuzz.method;
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `${endpoint.path}${fuzz.suffix}`,
        headers: fuzz.headers,
        timeout: 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', (error) => resolve({ clientError: error.message }));
      },
    );
    // The server may answer 413/431 and close before a large body is written: the client sees a reset.
    request.on('error', (error) => resolve({ clientError: error.message }));
    request.on('timeout', () => request.destroy(new Error('timeout')));
    if (fuzz.body !== undefined && method !== 'GET' && method !== 'HEAD') request.end(fuzz.body);
    else request.end();
  });
}

function sendRaw(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    socket.setTimeout(400, done);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

/** Endpoints whose answers are meant for a browser or a scraper rather than JSON. */
function allowsNonJson(path: string): boolean {
  return path.startsWith('/oauth/') || path === '/metrics';
}

describe('fuzzing every route', () => {
  it(`${CASES} malformed bodies and headers (seed ${SEED}): never a 500, never a stack, never a crash; JSON or empty bodies`, async () => {
    expect(notMounted).toEqual([]);
    expect(mounted).toContain('panel sessions');
    const random = seededRandom(SEED);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let answered = 0;
    for (let index = 0; index < CASES; index += 1) {
      const fuzz = fuzzCase(random, index);
      const endpoint = endpoints[Math.floor(random() * endpoints.length)] as Endpoint;
      const label = `#${index} ${fuzz.kind} ${endpoint.method} ${endpoint.path}${fuzz.suffix.slice(0, 40)}`;
      if (fuzz.raw !== undefined) {
        const text = await sendRaw(fuzz.raw);
        if (/^HTTP\/1\.1 500/.test(text)) failures.push(`${label}: 500`);
        if (STACK_LINE.test(text)) failures.push(`${label}: stack in raw answer`);
        continue;
      }
      const answer = await send(endpoint, fuzz);
      if ('clientError' in answer) continue;
      answered += 1;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500 && answer.status !== 503)
        failures.push(`${label}: ${answer.status} ${answer.body.slice(0, 200)}`);
      if (STACK_LINE.test(answer.body) || /node_modules|\.ts:\d+/.test(answer.body))
        failures.push(`${label}: stack or file path in body`);
      if (answer.body.length > 0 && !allowsNonJson(endpoint.path)) {
        try {
          JSON.parse(answer.body);
          if (!answer.contentType.startsWith('application/json'))
            failures.push(`${label}: JSON body typed ${answer.contentType}`);
        } catch {
          failures.push(`${label}: body is not JSON: ${answer.body.slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Most requests got an answer (the rest were cut by the server on purpose: oversized headers or bodies).
    expect(answered).toBeGreaterThan(CASES * 0.6);
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(uncaught).toEqual([]);
    expect(lines.join('')).not.toMatch(/fuzz-(canvas|callout|webhook)-secret/);
  });

  it('the server still answers normally afterwards', async () => {
    const answer = await send(
      { method: 'GET', path: '/api/v1/whoami' },
      { kind: 'probe', method: 'GET', suffix: '', headers: { accept: 'application/json' } },
    );
    expect(answer).toMatchObject({ status: 401, contentType: expect.stringContaining('application/json') });
  });
});
