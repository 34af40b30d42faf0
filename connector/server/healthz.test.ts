import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import { createFailFastRedis } from '../../shared/store/redis-connection.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { serveApp, testServerDependencies } from './server-test-support.ts';

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

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(redis: Redis, logger = captureLogs().logger): Promise<string> {
  const app = await serveApp(testServerDependencies(redis, { logger }));
  cleanups.push(app.close);
  return app.baseUrl;
}

async function waitFor(predicate: () => boolean, timeoutMs = 3_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /healthz', () => {
  it('answers ok when Redis answers', async () => {
    const redis = createFailFastRedis(testRedisUrl);
    cleanups.push(() => redis.disconnect());
    await waitFor(() => redis.status === 'ready');
    const response = await fetch(`${await serve(redis)}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', redis: 'ok' });
  });

  it('answers 503 with a reason within a second when Redis is unreachable, and logs one line', async () => {
    // Port 1 on loopback refuses connections: a Redis that is down.
    const redis = createFailFastRedis('redis://127.0.0.1:1');
    redis.on('error', () => {});
    cleanups.push(() => redis.disconnect());
    const { lines, logger } = captureLogs();
    const base = await serve(redis, logger);
    for (let probe = 0; probe < 3; probe += 1) {
      const started = Date.now();
      const response = await fetch(`${base}/healthz`);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; redis: string; reason: string };
      expect(body.status).toBe('unavailable');
      expect(body.redis).toBe('unreachable');
      expect(body.reason).toMatch(/redis connection is (connecting|reconnecting|close|end)/);
    }
    const unreachable = lines.filter((line) => line.includes('redis is unreachable'));
    expect(unreachable).toHaveLength(1);
  });

  it('recovers to ok when Redis comes back', async () => {
    const redis = createFailFastRedis(testRedisUrl);
    cleanups.push(() => redis.disconnect());
    await waitFor(() => redis.status === 'ready');
    const base = await serve(redis);
    redis.disconnect(true);
    const during = await fetch(`${base}/healthz`);
    expect(during.status).toBe(503);
    await waitFor(() => redis.status === 'ready');
    const after = await fetch(`${base}/healthz`);
    expect(after.status).toBe(200);
  });
});
