import { afterAll, beforeAll, describe } from 'vitest';
import { type RedisClusterHandle, startRedisCluster } from '../../test/support/redis-cluster.ts';
import { pendingRescoresContract } from './pending-rescores-contract.ts';

let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});

// Every script names only one tenant's keys, all in its hash slot: a cluster runs them as they are.
describe('pending rescores on a Redis Cluster', () => {
  pendingRescoresContract(() => cluster.client, 'hs:96');
});
