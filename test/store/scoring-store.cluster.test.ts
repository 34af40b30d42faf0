import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { SettingsRepository } from '../../shared/store/settings.repository.ts';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.ts';
import { keySlot, makeScore } from './scoring-test-support.ts';
import { storeOn, uniqueTenantId } from './store-test-support.ts';

let cluster: RedisClusterHandle;
const tenants: string[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);

afterAll(async () => {
  const store = cluster === undefined ? undefined : storeOn(cluster.client);
  for (const tenantId of tenants) await store?.purgeTenant(tenantId);
  await cluster?.stop();
});

describe('scoring settings and scores on a three-node Redis Cluster', () => {
  it('saves settings versions and batches of scores without a cross-slot error, across tenants on different slots', async () => {
    const settings = new SettingsRepository(cluster.client);
    const scores = new ScoresRepository(cluster.client);
    const one = uniqueTenantId();
    let two = uniqueTenantId();
    while (
      (await cluster.client.cluster('KEYSLOT', tenantKeys(two).scores)) === keySlot(tenantKeys(one).scores)
    ) {
      two = uniqueTenantId();
    }
    tenants.push(one, two);
    for (const tenantId of [one, two]) {
      // Our slot arithmetic agrees with the cluster's.
      expect(await cluster.client.cluster('KEYSLOT', tenantKeys(tenantId).scoreHistory)).toBe(
        keySlot(tenantKeys(tenantId).tenant),
      );
      expect(await settings.save(tenantId, defaultSettings(), { expectedVersion: 0 })).toMatchObject({
        version: 1,
      });
      expect(await settings.save(tenantId, { ...defaultSettings(), horizonDays: 60 })).toMatchObject({
        version: 2,
      });
      const ids = Array.from({ length: 600 }, (_, index) => `00Q${index}`);
      expect(
        (
          await scores.put(
            tenantId,
            ids.map((id) => makeScore(id)),
          )
        ).written,
      ).toHaveLength(600);
      expect((await scores.get(tenantId, ids)).size).toBe(600);
      await scores.put(tenantId, [
        makeScore('00Q1', { scoredAt: '2026-03-02T12:00:00.000Z', score: 35, otherPoints: -11 }),
      ]);
      expect((await scores.history(tenantId, '00Q1')).map(({ score }) => score)).toEqual([35, 30]);
      expect(await scores.remove(tenantId, ids)).toBe(600);
    }
    expect((await settings.current(one)).settings.horizonDays).toBe(60);
  });
});
