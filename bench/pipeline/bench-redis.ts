import { tmpdir } from 'node:os';
import path from 'node:path';
import { answersPing, type ResolvedRedis, resolveRedis } from '../../connector/server/local-redis.ts';
import { createLogger } from '../../shared/logger.ts';
import { DEFAULT_REDIS_URL } from '../../shared/store/redis-connection.ts';

/**
 * The Redis a benchmark runs on: REDIS_URL, else the local one on 6379, else a private
 * redis-server it starts (and stops) itself; one line saying what to install when there is none.
 */
export async function benchRedis(): Promise<ResolvedRedis> {
  const configured = process.env.REDIS_URL;
  if (configured !== undefined && configured !== '') return resolveRedis(configured, createLogger(), '');
  if (await answersPing(DEFAULT_REDIS_URL, 1_000)) {
    return { url: DEFAULT_REDIS_URL, description: 'the local Redis at 127.0.0.1:6379', stop: async () => {} };
  }
  const resolved = await resolveRedis(
    undefined,
    createLogger({ level: 'warn' }),
    path.join(tmpdir(), `leadscore-bench-redis-${process.pid}`),
  );
  if (!(await answersPing(resolved.url, 1_000))) {
    throw new Error(
      'no Redis: install redis-server (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL',
    );
  }
  return resolved;
}
