import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { testRedisUrl } from '../../test/support/redis.ts';
import { pendingRescoresContract } from './pending-rescores-contract.ts';

const prefix = `hs:97${Math.floor(Math.random() * 90_000) + 10_000}`;
const redis = new Redis(testRedisUrl);

afterAll(async () => {
  const keys = await redis.keys(`ls:{${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('pending rescores on Redis', () => {
  pendingRescoresContract(() => redis, prefix);
});
