import { hostname } from 'node:os';
import type { Logger } from '../../shared/logger.ts';
import { type OpsKeys, opsKeys } from '../../shared/store/keys.ts';
import type { RedisClient } from '../../shared/store/redis-scripts.ts';

export interface HeartbeatOptions {
  /** Unique per worker process; defaults to `<host>-<pid>`. */
  id?: string;
  /** How often to beat (default 5 s). The key lives three intervals, so one missed beat is no outage. */
  intervalMs?: number;
  logger?: Logger;
  /** Tests pass `opsKeysIn('ops-<suffix>')`, so they never see another test's workers. */
  keys?: OpsKeys;
}

export const defaultHeartbeatIntervalMs = 5_000;

/** A worker id safe inside a Redis key: host names may carry dots, never braces or spaces. */
export function defaultWorkerId(): string {
  return `${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${process.pid}`;
}

/** Workers that last beat this long ago are forgotten: ids carry the pid, so each restart adds one. */
const FORGET_AFTER_MS = 24 * 3_600_000;

async function forgetLongGoneWorkers(redis: RedisClient, keys: OpsKeys, now: number): Promise<void> {
  const beats = await redis.hgetall(keys.workers);
  const gone = Object.entries(beats)
    .filter(([, beatAt]) => now - Number(beatAt) > FORGET_AFTER_MS)
    .map(([id]) => id);
  if (gone.length > 0) await redis.hdel(keys.workers, ...gone);
}

/**
 * Tells /readyz this worker process is alive: `ls:{ops}:worker:<id>` with a TTL of three
 * intervals, renewed every interval, and the time of the beat in `ls:{ops}:workers` (kept after
 * the worker stops, so the server can say how long ago the last one beat). The first beat is
 * written before this resolves. The returned function stops beating and removes the key, so a
 * worker shut down cleanly stops counting at once rather than when its key expires.
 */
export async function startHeartbeat(
  redis: RedisClient,
  options: HeartbeatOptions = {},
): Promise<() => Promise<void>> {
  const id = options.id ?? defaultWorkerId();
  const intervalMs = options.intervalMs ?? defaultHeartbeatIntervalMs;
  const keys = options.keys ?? opsKeys;
  const key = keys.worker(id);
  const ttlMs = intervalMs * 3;
  const beat = async () => {
    const now = Date.now();
    // Both keys are in the {ops} slot: one MULTI, slot-safe on a cluster.
    await redis.multi().set(key, String(now), 'PX', ttlMs).hset(keys.workers, id, String(now)).exec();
  };
  await forgetLongGoneWorkers(redis, keys, Date.now());
  await beat();
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    inFlight = beat().catch((error: unknown) =>
      options.logger?.warn({ err: error, workerId: id }, 'worker heartbeat not written'),
    );
  }, intervalMs);
  timer.unref();
  return async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    // A beat still on its way would bring the key back after the delete.
    await inFlight;
    await redis
      .del(key)
      .catch((error: unknown) =>
        options.logger?.warn({ err: error, workerId: id }, 'worker heartbeat not removed'),
      );
  };
}
