import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { TenantId } from '../schemas/common.ts';
import { tenantTag } from '../store/keys.ts';

/** A budget: at most `capacity` calls in any rolling `intervalMs`. */
export interface CallBudget {
  /** Part of the key, e.g. "hubspot-calls". */
  name: string;
  capacity: number;
  intervalMs: number;
  /**
   * Count in slots of this length instead of one entry per call: for large daily budgets, whose
   * exact log would hold hundreds of thousands of entries. A call then leaves the window with its
   * whole slot, so the window is at most one slot longer than `intervalMs`, never shorter.
   */
  slotMs?: number;
}

export type TakeResult = { granted: true } | { granted: false; waitMs: number };

/** Time source; tests pass a virtual one, so no test waits or races the wall clock. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const wallClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** In the tenant's hash slot, beside the rest of its keys: `<prefix>:{<tenantId>}:rate:<budget>`. */
export function rateLimitKey(tenantId: TenantId, budget: CallBudget): string {
  return `${tenantTag(tenantId)}rate:${budget.name}`;
}

/**
 * One Lua call, so every worker process sees the same count: drop grants older than the window,
 * grant when fewer than `capacity` remain, else answer how long until the oldest leaves it.
 * Grants are kept as sorted-set members scored by the caller's clock.
 */
const TAKE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - interval)
if redis.call('ZCARD', key) < capacity then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, interval)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + interval - now)
`;

const TAKE_SLOTTED = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local slotMs = tonumber(ARGV[4])
local slot = math.floor(now / slotMs)
local span = math.ceil(interval / slotMs)
local oldestKept = slot - span
local fields = redis.call('HGETALL', key)
local total = 0
local earliest = slot
for i = 1, #fields, 2 do
  local s = tonumber(fields[i])
  if s < oldestKept then
    redis.call('HDEL', key, fields[i])
  else
    total = total + tonumber(fields[i + 1])
    if s < earliest then earliest = s end
  end
end
if total < capacity then
  redis.call('HINCRBY', key, slot, 1)
  redis.call('PEXPIRE', key, interval + slotMs)
  return 0
end
return math.max(1, (earliest + span + 1) * slotMs - now)
`;

/**
 * A per-tenant token bucket in Redis whose tokens come back one interval after they were spent, so
 * no rolling window ever holds more than `capacity` calls, across every worker process. It paces
 * calls ahead of the provider's budget; a 429 or 403 should then be rare, never the signal.
 */
export class RedisRollingBucket {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly clock: PacerClock = wallClock,
  ) {}

  async tryTake(tenantId: TenantId, budget: CallBudget): Promise<TakeResult> {
    const key = rateLimitKey(tenantId, budget);
    const { intervalMs, capacity, slotMs } = budget;
    const now = this.clock.now();
    const answer =
      slotMs === undefined
        ? await this.redis.eval(TAKE, 1, key, now, intervalMs, capacity, randomUUID())
        : await this.redis.eval(TAKE_SLOTTED, 1, key, now, intervalMs, capacity, slotMs);
    const waitMs = Number(answer);
    return waitMs === 0 ? { granted: true } : { granted: false, waitMs };
  }

  /** Resolves when the tenant may make one more call under `budget`. */
  async acquire(tenantId: TenantId, budget: CallBudget): Promise<void> {
    for (;;) {
      const result = await this.tryTake(tenantId, budget);
      if (result.granted) return;
      await this.clock.sleep(result.waitMs);
    }
  }

  /** A pacer bound to one tenant and budget, in the shape providers take (`acquire()`). */
  pacer(tenantId: TenantId, budget: CallBudget): { acquire(): Promise<void> } {
    return { acquire: () => this.acquire(tenantId, budget) };
  }
}
