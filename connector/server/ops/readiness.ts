import type { OpsKeys } from '../../../shared/store/keys.ts';
import type { RedisClient } from '../../../shared/store/redis-scripts.ts';
import { messageOf, withDeadline } from '../deadline.ts';
import { readHeartbeats } from './heartbeats.ts';
import type { QueueInspector } from './queue-inspector.ts';

export type CheckResult =
  | { ok: true; detail?: Record<string, unknown> }
  | { ok: false; reason: string; fix: string };

export interface Readiness {
  ready: boolean;
  checks: { redis: CheckResult; queues: CheckResult; worker: CheckResult };
}

export interface ReadinessOptions {
  redis: RedisClient;
  queues: QueueInspector;
  /** Per check; the whole answer takes at most this long, since the checks run side by side. */
  timeoutMs: number;
  now: () => number;
  keys: OpsKeys;
}

async function checkRedis(redis: RedisClient, timeoutMs: number): Promise<CheckResult> {
  const fix = 'start Redis or point REDIS_URL at a running one (redis-cli -u "$REDIS_URL" ping)';
  // The server's client fails fast: while it is not connected a PING would only be refused.
  if (redis.status !== 'ready') return { ok: false, reason: `redis connection is ${redis.status}`, fix };
  try {
    const answer = await withDeadline(redis.ping(), timeoutMs, 'redis PING');
    return answer === 'PONG'
      ? { ok: true }
      : { ok: false, reason: `redis answered PING with ${answer}`, fix };
  } catch (error) {
    return { ok: false, reason: `redis: ${messageOf(error)}`, fix };
  }
}

async function checkQueues(queues: QueueInspector, timeoutMs: number): Promise<CheckResult> {
  const results = await Promise.all(
    queues.names.map(async (name) => {
      try {
        await withDeadline(queues.depths(name), timeoutMs, `queue ${name}`);
        return null;
      } catch (error) {
        return `${name} (${messageOf(error)})`;
      }
    }),
  );
  const failed = results.filter((result): result is string => result !== null);
  if (failed.length === 0) return { ok: true, detail: { queues: queues.names.length } };
  return {
    ok: false,
    reason: `queues not reachable: ${failed.join('; ')}`,
    fix: 'the queues live in the same Redis: check that Redis is up and REDIS_URL is the one the worker uses',
  };
}

async function checkWorker(
  redis: RedisClient,
  keys: OpsKeys,
  timeoutMs: number,
  now: number,
): Promise<CheckResult> {
  const fix = 'start `npm run worker` (with the same REDIS_URL as the server)';
  try {
    const state = await withDeadline(readHeartbeats(redis, keys), timeoutMs, 'reading worker heartbeats');
    if (state.alive.length > 0) return { ok: true, detail: { workers: state.alive.length } };
    if (state.newestBeatAt === null)
      return { ok: false, reason: 'no worker heartbeat: no worker has ever run against this Redis', fix };
    const seconds = Math.max(0, Math.round((now - state.newestBeatAt) / 1_000));
    return { ok: false, reason: `no worker heartbeat for ${seconds} s`, fix };
  } catch (error) {
    return { ok: false, reason: `worker heartbeats not readable: ${messageOf(error)}`, fix };
  }
}

/** Whether this server can do its work: Redis answers, every queue answers, a worker is alive. */
export async function checkReadiness(options: ReadinessOptions): Promise<Readiness> {
  const [redis, queues, worker] = await Promise.all([
    checkRedis(options.redis, options.timeoutMs),
    checkQueues(options.queues, options.timeoutMs),
    checkWorker(options.redis, options.keys, options.timeoutMs, options.now()),
  ]);
  return { ready: redis.ok && queues.ok && worker.ok, checks: { redis, queues, worker } };
}
