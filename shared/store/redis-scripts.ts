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

/** Removes the members whose identity is one of ARGV; returns how many were removed. */
const REMOVE_MEMBERS = `
local wanted = {}
for i = 1, #ARGV do wanted[ARGV[i]] = true end
local removed = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local at = string.find(member, '\\31', 1, true)
  if at and wanted[string.sub(member, 1, at - 1)] then removed = removed + redis.call('ZREM', KEYS[1], member) end
end
return removed
`;

/**
 * Writes one lead if what is stored is still what the caller read (compare-and-set), moving it
 * between account indexes in the same step, so two writers of one lead never leave it indexed
 * under a stale account. Returns 1 when written, 0 when the stored value had changed meanwhile.
 * KEYS: leads hash, lead index, old account index, new account index (a placeholder when unused).
 * ARGV: lead id, expected encoding ('' when absent), new encoding, drop old account 1|0, add new 1|0.
 */
const PUT_LEAD = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if ARGV[4] == '1' then redis.call('ZREM', KEYS[3], ARGV[1]) end
if ARGV[5] == '1' then redis.call('ZADD', KEYS[4], 0, ARGV[1]) end
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See REMOVE_MEMBERS in shared/store/redis-scripts.ts. */
    lsRemoveMembers(key: RedisKey, ...identities: string[]): Result<number, Context>;
    /** See PUT_LEAD in shared/store/redis-scripts.ts. */
    lsPutLead(
      leads: RedisKey,
      leadIndex: RedisKey,
      oldAccount: RedisKey,
      newAccount: RedisKey,
      leadId: string,
      expected: string,
      encoded: string,
      dropOldAccount: '0' | '1',
      addNewAccount: '0' | '1',
    ): Result<number, Context>;
    /** See UPSERT_MEMBERS in shared/store/redis-scripts.ts. */
    lsUpsertMembers(key: RedisKey, ...scoreMemberPairs: (string | number)[]): Result<number, Context>;
  }
}

const defined = new WeakSet<RedisClient>();

/** Registers the store's Lua scripts on a client once (ioredis loads them per node, pipelines too). */
export function withStoreScripts(client: RedisClient): RedisClient {
  if (!defined.has(client)) {
    client.defineCommand('lsUpsertMembers', { numberOfKeys: 1, lua: UPSERT_MEMBERS });
    client.defineCommand('lsPutLead', { numberOfKeys: 4, lua: PUT_LEAD });
    client.defineCommand('lsRemoveMembers', { numberOfKeys: 1, lua: REMOVE_MEMBERS });
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
