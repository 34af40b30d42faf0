import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { wipeKeyPrefixes } from './demo-state.ts';

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
afterAll(() => redis.disconnect());

describe('wiping the demo keys', () => {
  it('deletes every key under the prefixes, and no key of another prefix that starts the same', async () => {
    const tag = randomBytes(4).toString('hex');
    const store = `lsdemo-${tag}`;
    const queue = `{lsdemo-${tag}}`;
    const doomed = [
      `${store}:{sf:00D000000000001AAA}:leads`,
      `${store}:{registry}:tenants`,
      `${queue}:sync:wait`,
      ...Array.from({ length: 2_500 }, (_, index) => `${store}:{hs:1}:act:${index}`),
    ];
    const kept = [
      `${store}x:{sf:1}:leads`,
      `${store}`,
      `other-${tag}:${store}:x`,
      `{lsdemo-${tag}x}:sync:wait`,
    ];
    const pipeline = redis.pipeline();
    for (const key of [...doomed, ...kept]) pipeline.set(key, '1', 'EX', 120);
    await pipeline.exec();

    expect(await wipeKeyPrefixes(redis, [store, queue])).toBe(doomed.length);
    expect(await redis.exists(...doomed.slice(0, 3))).toBe(0);
    expect(await redis.exists(...kept)).toBe(kept.length);
    await redis.del(...kept);
  });

  it('refuses a prefix that could match more than the demo keys', async () => {
    await expect(wipeKeyPrefixes(redis, ['*'])).rejects.toThrow(/refusing to wipe keys under "\*"/);
    await expect(wipeKeyPrefixes(redis, ['ls:{sf'])).rejects.toThrow(/refusing to wipe/);
  });
});
