import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { opsKeysIn } from '../../shared/store/keys.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { startHeartbeat } from './heartbeat.ts';

const suffix = randomBytes(4).toString('hex');
const keys = opsKeysIn(`ops-h${suffix}`);
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });

afterAll(async () => {
  const found = await redis.keys(`ls:{ops-h${suffix}}:*`);
  if (found.length > 0) await redis.del(...found);
  await redis.quit();
});

describe('startHeartbeat', () => {
  it('writes a key that lives three intervals, renews it, and removes it when stopped', async () => {
    const stop = await startHeartbeat(redis, { id: 'w-1', intervalMs: 100, keys });
    const ttl = await redis.pttl(keys.worker('w-1'));
    expect(ttl).toBeGreaterThan(200);
    expect(ttl).toBeLessThanOrEqual(300);
    const firstBeat = Number(await redis.hget(keys.workers, 'w-1'));
    let latest = firstBeat;
    for (let wait = 0; wait < 100 && latest === firstBeat; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      latest = Number(await redis.hget(keys.workers, 'w-1'));
    }
    expect(latest).toBeGreaterThan(firstBeat);
    await stop();
    expect(await redis.exists(keys.worker('w-1'))).toBe(0);
    // The time of the last beat stays, so readiness can say how long ago it was.
    expect(Number(await redis.hget(keys.workers, 'w-1'))).toBeGreaterThan(firstBeat);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await redis.exists(keys.worker('w-1'))).toBe(0);
  });

  it('forgets workers that last beat more than a day ago when a worker starts', async () => {
    await redis.hset(
      keys.workers,
      'gone-1',
      String(Date.now() - 25 * 3_600_000),
      'recent-1',
      String(Date.now() - 60_000),
    );
    const stop = await startHeartbeat(redis, { id: 'w-2', intervalMs: 1_000, keys });
    await stop();
    const ids = Object.keys(await redis.hgetall(keys.workers));
    expect(ids).not.toContain('gone-1');
    expect(ids).toEqual(expect.arrayContaining(['recent-1', 'w-2']));
  });

  it('refuses a worker id that cannot be part of a key', async () => {
    await expect(startHeartbeat(redis, { id: 'has space', keys })).rejects.toThrow(/worker id "has space"/);
  });
});
