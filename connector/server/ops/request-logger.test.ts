import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger.ts';
import { describeUrl, requestLogger } from './request-logger.ts';

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info' }, stream) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(logger: ReturnType<typeof createLogger>): Promise<string> {
  const app = express();
  app.use(requestLogger(logger));
  app.get('/api/v1/records/:id', (request, response) => {
    response.json({ id: request.params.id });
  });
  app.get('/broken', () => {
    throw new Error('exploded');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The request lines logged (pino-http writes one per finished request). */
async function settledLines(lines: string[], count: number): Promise<Record<string, unknown>[]> {
  for (let wait = 0; wait < 100 && lines.length < count; wait += 1)
    await new Promise((r) => setTimeout(r, 10));
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('requestLogger', () => {
  it('logs method, path, query parameter names, status, duration and an id: never the email, the Authorization header or cookies', async () => {
    const { lines, logger } = captureLogs();
    const base = await serve(logger);
    const response = await fetch(`${base}/api/v1/records/003AB?email=a@b.com&portalId=1`, {
      headers: {
        Authorization: 'Bearer sk-live-secret-token',
        Cookie: 'session=cookie-value-xyz',
        'X-HubSpot-Signature-v3': 'signature-value-abc',
      },
    });
    expect(response.status).toBe(200);
    const entry = (await settledLines(lines, 1))[0] ?? {};
    expect(lines).toHaveLength(1);
    const raw = lines[0] ?? '';
    for (const secret of ['a@b.com', 'sk-live-secret-token', 'cookie-value-xyz', 'signature-value-abc']) {
      expect(raw).not.toContain(secret);
    }
    expect(raw.toLowerCase()).not.toContain('authorization');
    expect(raw.toLowerCase()).not.toContain('headers');
    const request = entry.req as Record<string, unknown>;
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/api/v1/records/003AB');
    expect(request.queryParams).toEqual(['email', 'portalId']);
    expect((entry.res as Record<string, unknown>).statusCode).toBe(200);
    expect(typeof entry.responseTime).toBe('number');
    expect(entry.msg).toBe('GET /api/v1/records/003AB 200');
    // A generated id, sent back so a caller can quote it.
    expect(request.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-request-id')).toBe(request.id);
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
    const { lines, logger } = captureLogs();
    const base = await serve(logger);
    const kept = await fetch(`${base}/api/v1/records/1`, { headers: { 'X-Request-Id': 'lb-7f3a9c21-0001' } });
    const replaced = await fetch(`${base}/api/v1/records/2`, {
      headers: { 'X-Request-Id': 'bad id with spaces {and braces}' },
    });
    const entries = await settledLines(lines, 2);
    const ids = entries.map((entry) => (entry.req as { id: string }).id);
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a9c21-0001');
    expect(ids).toContain('lb-7f3a9c21-0001');
    const other = replaced.headers.get('x-request-id') ?? '';
    expect(other).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids).toContain(other);
    expect(lines.join('\n')).not.toContain('braces');
  });

  it('logs a failed request at error level with its status', async () => {
    const { lines, logger } = captureLogs();
    const base = await serve(logger);
    const response = await fetch(`${base}/broken?token=abc123secret`);
    expect(response.status).toBe(500);
    const entry = (await settledLines(lines, 1))[0] ?? {};
    expect(entry.level).toBe('error');
    expect((entry.res as { statusCode: number }).statusCode).toBe(500);
    expect(lines.join('\n')).not.toContain('abc123secret');
  });
});

describe('describeUrl', () => {
  it('keeps the path and the distinct parameter names, sorted, never the values', () => {
    expect(describeUrl('/a/b?z=1&email=x%40y.com&z=2')).toEqual({
      path: '/a/b',
      queryParams: ['email', 'z'],
    });
    expect(describeUrl('/a')).toEqual({ path: '/a' });
    expect(describeUrl('/a?')).toEqual({ path: '/a' });
  });
});
