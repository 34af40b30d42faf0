import { Redis, type RedisOptions } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A connection for HTTP handlers: commands fail fast while Redis is down (no offline queue) so a
 * request answers 503 instead of hanging; it keeps reconnecting in the background.
 */
export function createFailFastRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...options,
  });
}

export type RedisHealth = { ok: true } | { ok: false; reason: string };

/** Pings with a deadline; never throws, never waits longer than `timeoutMs`. */
export async function checkRedis(
  redis: { status: string; ping(): Promise<string> },
  timeoutMs = 1_000,
): Promise<RedisHealth> {
  if (redis.status !== 'ready') return { ok: false, reason: `redis connection is ${redis.status}` };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RedisHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, reason: `redis did not answer PING within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const ping = redis.ping().then(
    (answer): RedisHealth =>
      answer === 'PONG' ? { ok: true } : { ok: false, reason: `unexpected PING answer ${answer}` },
    (error: Error): RedisHealth => ({ ok: false, reason: `redis error: ${error.message}` }),
  );
  try {
    return await Promise.race([ping, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
