import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorHandler, notFoundHandler, requestId } from '../../connector/server/auth/error-handler.ts';
import {
  FRAME_ANCESTORS,
  methodGuard,
  noStore,
  securityHeaders,
} from '../../connector/server/auth/security-headers.ts';
import { createFailFastRedis } from '../../shared/store/redis-connection.ts';
import { capturingLogger, listen } from './server-test-support.ts';

const { logger, lines } = capturingLogger();
const deadRedis = createFailFastRedis('redis://127.0.0.1:1', { retryStrategy: () => null });
deadRedis.on('error', () => {});
const app = express();
app.use(requestId());
app.use(securityHeaders());
app.use(methodGuard());
const api = express.Router();
api.post('/settings', express.json({ limit: '1mb' }), (request, response) => {
  const body = z.object({ hot: z.number().int().min(1).max(100), warm: z.number() }).parse(request.body);
  response.json(body);
});
api.get('/store', async (_request, response) => {
  response.json({ value: await deadRedis.get('ls:{hs:1}:x') });
});
api.get('/bug', () => {
  throw new Error('internal detail: token=abc123 at /srv/app.ts:10:5');
});
app.use('/api/v1', noStore(), api);
app.use(notFoundHandler());
app.use(errorHandler(logger));
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  server = await listen(app);
});
afterAll(async () => {
  await server.close();
  deadRedis.disconnect();
});

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.baseUrl}${path}`, init);
  const text = await response.text();
  return {
    response,
    text,
    body: text === '' ? null : (JSON.parse(text) as { error: Record<string, unknown> }),
  };
}

describe('security headers', () => {
  it('frame-ancestors lists only Salesforce and HubSpot hosts, with no X-Frame-Options to contradict it', async () => {
    const { response } = await call('/api/v1/nothing');
    const csp = response.headers.get('content-security-policy') ?? '';
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(' ') ?? [];
    expect(ancestors).toEqual([...FRAME_ANCESTORS]);
    for (const host of ancestors)
      expect(host).toMatch(/^https:\/\/\*\.([a-z0-9-]+\.)*(force|salesforce|visualforce|hubspot)\.com$/);
    // Not the whole of force.com: customers' public Experience Cloud sites live there.
    expect(ancestors).not.toContain('https://*.force.com');
    expect(csp).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('API answers are never stored', async () => {
    const { response } = await call('/api/v1/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hot: 80, warm: 50 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('errors as HTTP answers', () => {
  it('a zod error is a 400 naming each field and what is wrong', async () => {
    const { response, body } = await call('/api/v1/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hot: 500 }),
    });
    expect(response.status).toBe(400);
    expect(body?.error.code).toBe('VALIDATION_FAILED');
    expect(body?.error.message).toBe('invalid request: check hot, warm');
    expect(((body?.error.details ?? []) as { field: string }[]).map((detail) => detail.field)).toEqual([
      'hot',
      'warm',
    ]);
  });

  it('malformed JSON is a 400 that does not quote the body; 2 MB is a 413', async () => {
    const malformed = await call('/api/v1/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hot": 80, "password-like-thing": "hunter2',
    });
    expect(malformed.response.status).toBe(400);
    expect(malformed.body?.error).toMatchObject({
      code: 'MALFORMED_JSON',
      message: 'request body is not valid JSON',
    });
    expect(malformed.text).not.toContain('hunter2');
    const large = await call('/api/v1/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hot: 1, pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(large.response.status).toBe(413);
    expect(large.body?.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('Redis down is a 503; a bug is a 500 saying only "internal error"', async () => {
    const store = await call('/api/v1/store');
    expect(store.response.status).toBe(503);
    expect(store.body?.error.code).toBe('STORE_UNAVAILABLE');
    const bug = await call('/api/v1/bug');
    expect(bug.response.status).toBe(500);
    expect(bug.body?.error).toMatchObject({ code: 'INTERNAL', message: 'internal error' });
    expect(bug.text).not.toContain('abc123');
    expect(bug.text).not.toContain('app.ts');
    expect(lines.join('')).not.toContain('abc123');
  });

  it('every answer carries the request id, kept from a sane X-Request-Id; unknown routes are JSON 404s', async () => {
    const kept = await call('/no/route', { headers: { 'x-request-id': 'lb-1234567890' } });
    expect(kept.response.status).toBe(404);
    expect(kept.response.headers.get('x-request-id')).toBe('lb-1234567890');
    expect(kept.body?.error).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: 'lb-1234567890' });
    const replaced = await call('/no/route', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.body?.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.response.headers.get('x-request-id')).toBe(replaced.body?.error.requestId);
  });

  it('TRACE and other unserved methods are a JSON 405; OPTIONS is an empty 204', async () => {
    const options = await call('/api/v1/settings', { method: 'OPTIONS' });
    expect(options.response.status).toBe(204);
    expect(options.text).toBe('');
    const propfind = await call('/api/v1/settings', { method: 'PROPFIND' });
    expect(propfind.response.status).toBe(405);
    expect(propfind.body?.error.code).toBe('METHOD_NOT_ALLOWED');
  });
});
