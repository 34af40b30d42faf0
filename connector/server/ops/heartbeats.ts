import type { OpsKeys } from '../../../shared/store/keys.ts';
import type { RedisClient } from '../../../shared/store/redis-scripts.ts';

export interface HeartbeatState {
  /** Worker ids whose heartbeat key is still alive. */
  alive: string[];
  /** Epoch ms of the newest beat any worker ever recorded, or null when none ever did. */
  newestBeatAt: number | null;
}

/** Reads the workers' heartbeats (worker/queues/heartbeat.ts writes them): one HGETALL, one MGET. */
export async function readHeartbeats(redis: RedisClient, keys: OpsKeys): Promise<HeartbeatState> {
  const beats = await redis.hgetall(keys.workers);
  const ids = Object.keys(beats);
  if (ids.length === 0) return { alive: [], newestBeatAt: null };
  // Every key is in the {ops} slot, so one MGET is slot-safe on a cluster.
  const present = await redis.mget(...ids.map((id) => keys.worker(id)));
  const alive = ids.filter((_, index) => present[index] !== null);
  const newestBeatAt = Math.max(...ids.map((id) => Number(beats[id]) || 0));
  return { alive: alive.sort(), newestBeatAt: newestBeatAt > 0 ? newestBeatAt : null };
}
