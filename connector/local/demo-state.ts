import type { Redis } from 'ioredis';

/** What may prefix the demo's keys: a store prefix (`lsdemo`) or a queue prefix hash tag (`{lsdemo}`). */
const SAFE_PREFIX = /^(\{[a-z][a-z0-9-]{0,31}\}|[a-z][a-z0-9-]{0,31})$/;

/**
 * Deletes every key that starts with `<prefix>:` for each prefix, with SCAN and UNLINK, and nothing
 * else: the Redis may be the user's (REDIS_URL), so there is never a FLUSHALL. Answers how many keys
 * went.
 */
export async function wipeKeyPrefixes(redis: Redis, prefixes: readonly string[]): Promise<number> {
  let removed = 0;
  for (const prefix of prefixes) {
    if (!SAFE_PREFIX.test(prefix)) {
      throw new Error(
        `refusing to wipe keys under "${prefix.slice(0, 40)}": a demo prefix is lowercase letters, digits and hyphens (optionally in braces)`,
      );
    }
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  return removed;
}
