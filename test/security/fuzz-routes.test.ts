// First: the panel API's schemas call `.openapi()` on shared zod schemas, which exist with that method
// only when zod was extended before they were built.
import '../../connector/server/api/openapi-zod.ts';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../connector/server/api/api-router.ts';
import { serveApp } from '../../connector/server/server-test-support.ts';
import { testRedisUrl } from '../support/redis.ts';
import { type FuzzCase, fuzzCase, seededRandom } from './fuzz-inputs.ts';
import { capturingLogger, STACK_LINE, testDependencies, testStore } from './server-test-support.ts';

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

const LEAD = '00Q000000000001AAA';
/** Every route of the composed server: the public ones here, the panel API's from its own list. */
const endpoints: Endpoint[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/metrics' },
  { method: 'POST', path: '/webhooks/hubspot' },
  { method: 'POST', path: '/webhooks/salesforce' },
  ...['salesforce', 'hubspot', 'nope'].flatMap((provider) => [
    { method: 'GET', path: `/oauth/${provider}/install` },
    { method: 'GET', path: `/oauth/${provider}/callback` },
  ]),
  { method: 'POST', path: '/auth/salesforce/canvas' },
  { method: 'POST', path: '/auth/salesforce/apex' },
  { method: 'POST', path: '/auth/hubspot/session' },
  { method: 'GET', path: '/panel/' },
  { method: 'POST', path: '/panel/canvas' },
  { method: 'GET', path: '/panel/assets/index.js' },
  { method: 'GET', path: '/api/v1/openapi.json' },
  { method: 'DELETE', path: '/api/v1/tenant' },
  ...apiRoutes(deps).map((route) => ({
    method: route.method.toUpperCase(),
    path: `/api/v1${route.path.replace(/\{[A-Za-z0-9_]+\}/g, LEAD)}`,
  })),
  { method: 'GET', path: '/no/such/route' },
];
let server: { baseUrl: string; close: () => Promise<void> };
let port = 0;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  server = await serveApp(deps);
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
  // Pages for people: the install flow, the panel's pages and files, the metrics text, the home page.
  return path.startsWith('/oauth/') || path.startsWith('/panel/') || path === '/metrics' || path === '/';
}

describe('fuzzing every route', () => {
  it(`${CASES} malformed bodies and headers (seed ${SEED}): never a 500, never a stack, never a crash; JSON or empty bodies`, async () => {
    // The panel API's own list is in: records, settings, models, sync and privacy.
    expect(endpoints.filter((endpoint) => endpoint.path.startsWith('/api/v1/')).length).toBeGreaterThan(10);
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
      { method: 'GET', path: `/api/v1/records/${LEAD}` },
      { kind: 'probe', method: 'GET', suffix: '', headers: { accept: 'application/json' } },
    );
    expect(answer).toMatchObject({ status: 401, contentType: expect.stringContaining('application/json') });
  });
});
