import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantKeys } from '../../shared/store/keys.ts';
import { createStore, type Store } from '../../shared/store/store.ts';
import { createTokenKeyRing } from '../../shared/store/token-crypto.ts';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.ts';
import { storeContract } from './store-contract.ts';
import { KEY_A, KEY_B, makeLead, scanNode, storeOn, uniqueTenantId } from './store-test-support.ts';

let cluster: RedisClusterHandle;
let store: Store;
const tenants: string[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  store = storeOn(cluster.client);
}, 60_000);

afterAll(async () => {
  for (const tenantId of tenants) await store?.purgeTenant(tenantId);
  await cluster?.stop();
});

describe('store on a three-node Redis Cluster', () => {
  it('runs on three masters that split the 16384 slots', async () => {
    const masters = cluster.client.nodes('master');
    expect(masters).toHaveLength(3);
    const slots = (await cluster.client.cluster('SLOTS')) as [number, number, ...unknown[]][];
    expect(slots.reduce((sum, [from, to]) => sum + (to - from + 1), 0)).toBe(16_384);
  });

  it('would catch a transaction across two tenants with CROSSSLOT', async () => {
    const one = tenantKeys(uniqueTenantId());
    const slotOne = await cluster.client.cluster('KEYSLOT', one.leads);
    expect(await cluster.client.cluster('KEYSLOT', one.activities('any-lead'))).toBe(slotOne);
    let two = tenantKeys(uniqueTenantId());
    while ((await cluster.client.cluster('KEYSLOT', two.leads)) === slotOne)
      two = tenantKeys(uniqueTenantId());
    await expect(
      cluster.client.multi().hset(one.leads, 'x', '1').hset(two.leads, 'x', '1').exec(),
    ).rejects.toThrow(/CROSSSLOT|same slot/i);
  });

  storeContract(
    () => store,
    tenants,
    async (pattern) =>
      (await Promise.all(cluster.client.nodes('master').map((node) => scanNode(node, pattern))))
        .flat()
        .sort(),
  );

  it('spreads tenants over the nodes and purges each from its own node', async () => {
    const ids = Array.from({ length: 12 }, () => uniqueTenantId());
    tenants.push(...ids);
    for (const id of ids) {
      await store.tenants.create({
        id,
        provider: 'salesforce',
        tokens: { accessToken: 'a', refreshToken: 'r' },
      });
      await store.leads.upsertMany(id, [makeLead(id, 'L1')]);
    }
    const owners = new Set<number>();
    for (const id of ids) {
      const slot = (await cluster.client.cluster('KEYSLOT', tenantKeys(id).leads)) as number;
      const slots = await cluster.client.cluster('SLOTS');
      const owner = slots.find(([from, to]) => slot >= from && slot <= to);
      owners.add(owner?.[2][1] ?? -1);
    }
    expect(owners.size).toBeGreaterThan(1);
    expect(await store.tenants.tokens(ids[0])).toEqual({ accessToken: 'a', refreshToken: 'r' });
    // Its tenant hash, lead hash, lead index and account index.
    expect(await store.purgeTenant(ids[0])).toBe(4);
    expect(await store.keysOf(ids[0])).toEqual([]);
    expect(await store.tenants.list()).not.toContain(ids[0]);
    expect(await store.leads.get(ids[1], 'L1')).toMatchObject({ id: 'L1' });
    const rotating = createStore(cluster.client, { keyRing: createTokenKeyRing(KEY_B, [KEY_A]) });
    await cluster.client.hset(
      tenantKeys(ids[1]).tenant,
      'tokens',
      (await cluster.client.hget(tenantKeys(ids[2]).tenant, 'tokens')) ?? '',
    );
    const report = await rotating.tenants.rotateAll();
    expect(report.rotated).toBe(10);
    expect(report.failed).toEqual([
      { tenantId: ids[1], reason: expect.stringMatching(/failed authentication/) },
    ]);
    expect((await rotating.tenants.rotateAll()).rotated).toBe(0);
  });
});
