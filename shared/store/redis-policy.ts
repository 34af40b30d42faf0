import type { Redis } from 'ioredis';

export type RedisPolicyCheck = { ok: true } | { ok: false; problems: string[] };

/**
 * LeadScore keeps queues and scores in Redis: it needs AOF persistence and a memory policy that never
 * evicts keys. Returns what is wrong and how to fix it, so the process can refuse to start.
 */
export async function checkRedisPolicy(redis: Redis): Promise<RedisPolicyCheck> {
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
  const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
  const problems: string[] = [];
  if (policy !== 'noeviction') {
    problems.push(
      `maxmemory-policy is "${policy}": set it to noeviction (redis-cli CONFIG SET maxmemory-policy noeviction)`,
    );
  }
  if (appendonly !== 'yes') {
    problems.push(
      'appendonly is "no": turn AOF on (redis-cli CONFIG SET appendonly yes, and appendonly yes in redis.conf)',
    );
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
