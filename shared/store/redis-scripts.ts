import type { Cluster, Redis, RedisKey, Result } from 'ioredis';

/** Both client shapes the store runs on: one Redis, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Separates a member's identity from its payload in the store's sorted sets. */
export const MEMBER_SEPARATOR = '\x1f';

/**
 * Upserts sorted-set members keyed by identity: a member is `<identity>\x1f<payload>`, and adding a
 * member whose identity is already present replaces the old member (and its score) instead of
 * keeping both. Replaying the same members changes nothing. Returns how many members changed.
 * ARGV: score, member, score, member, ...
 */
const UPSERT_MEMBERS = `
local existing = redis.call('ZRANGE', KEYS[1], 0, -1)
local byIdentity = {}
for _, member in ipairs(existing) do
  local at = string.find(member, '\\31', 1, true)
  if at then byIdentity[string.sub(member, 1, at - 1)] = member end
end
local changed = 0
for i = 1, #ARGV, 2 do
  local score, member = ARGV[i], ARGV[i + 1]
  local at = string.find(member, '\\31', 1, true)
  local identity = string.sub(member, 1, at - 1)
  local old = byIdentity[identity]
  if old and old ~= member then
    redis.call('ZREM', KEYS[1], old)
  end
  changed = changed + redis.call('ZADD', KEYS[1], 'CH', score, member)
  byIdentity[identity] = member
end
return changed
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See UPSERT_MEMBERS in shared/store/redis-scripts.ts. */
    lsUpsertMembers(key: RedisKey, ...scoreMemberPairs: (string | number)[]): Result<number, Context>;
  }
}

const defined = new WeakSet<RedisClient>();

/** Registers the store's Lua scripts on a client once (ioredis loads them per node, pipelines too). */
export function withStoreScripts(client: RedisClient): RedisClient {
  if (!defined.has(client)) {
    client.defineCommand('lsUpsertMembers', { numberOfKeys: 1, lua: UPSERT_MEMBERS });
    defined.add(client);
  }
  return client;
}

/** Splits a stored member at its first separator. */
export function splitMember(member: string): [identity: string, payload: string] {
  const at = member.indexOf(MEMBER_SEPARATOR);
  return at < 0 ? [member, ''] : [member.slice(0, at), member.slice(at + 1)];
}

/** Runs a pipeline and throws the first command error instead of leaving it in the result array. */
export async function execOrThrow(
  pipeline: { exec(): Promise<[error: Error | null, result: unknown][] | null> },
  what: string,
): Promise<unknown[]> {
  const results = await pipeline.exec();
  if (results === null) throw new Error(`${what}: the transaction was aborted`);
  return results.map(([error, result]) => {
    if (error) throw new Error(`${what}: ${error.message}`, { cause: error });
    return result;
  });
}
