import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantKeys } from '../../shared/store/keys.ts';
import type { Store } from '../../shared/store/store.ts';
import { connectTestRedis, makeActivity, storeOn } from './store-test-support.ts';

let redis: Redis;
let store: Store;
const tenantId = `hs:9${[...randomBytes(6)].map((byte) => String(byte % 10)).join('')}`;
const leadId = `${tenantId}:contact:100390`;

beforeAll(() => {
  redis = connectTestRedis();
  store = storeOn(redis);
});

afterAll(async () => {
  await store.purgeTenant(tenantId);
  await redis.quit();
});

/** Activities shaped like the HubSpot provider's: ids that start with the lead's own id. */
function hubspotActivities(count: number): ReturnType<typeof makeActivity>[] {
  return Array.from({ length: count }, (_, index) => {
    const at = new Date(Date.UTC(2026, 2, 1) + index * 3_600_000).toISOString();
    return index % 2 === 0
      ? makeActivity(tenantId, leadId, `${leadId}:events:Z4QERpGblJH${index}`, at, 'page_view', '/docs')
      : makeActivity(tenantId, leadId, `${leadId}:emails:90000062${index}`, at, 'email_open', 'Nurture');
  });
}

describe('activity ids within a lead', () => {
  it('stores ids that start with the lead id without that prefix, reads them back whole, and stays idempotent', async () => {
    const activities = hubspotActivities(40);
    expect((await store.activities.upsertMany(tenantId, activities)).written).toBe(40);
    const again = await store.activities.upsertMany(tenantId, activities);
    expect(again).toMatchObject({ written: 0, unchanged: 40 });
    expect((await store.activities.all(tenantId, leadId)).map((activity) => activity.id)).toEqual(
      activities.map((activity) => activity.id),
    );
    const members = await redis.zrange(tenantKeys(tenantId).activities(leadId), 0, '-1');
    expect(members[0]).toBe('\x1eevents:Z4QERpGblJH0\x1fC/docs');
    expect(members.every((member) => !member.includes(tenantId))).toBe(true);

    expect(await store.activities.remove(tenantId, leadId, [activities[1].id, `${leadId}:emails:0`])).toBe(1);
    expect(await store.activities.count(tenantId, leadId)).toBe(39);
  });

  it('keeps an id equal to the lead id, or only sharing its start, as it is', async () => {
    const other = `${tenantId}:contact:1`;
    const kept = [
      makeActivity(tenantId, other, other, '2026-03-01T00:00:00.000Z'),
      makeActivity(tenantId, other, `${other}0:calls:7`, '2026-03-02T00:00:00.000Z'),
    ];
    await store.activities.upsertMany(tenantId, kept);
    expect((await store.activities.all(tenantId, other)).map((activity) => activity.id)).toEqual([
      other,
      `${other}0:calls:7`,
    ]);
  });

  it('keeps a lead of HubSpot activities packed, under 50 bytes an activity with its key', async () => {
    const bulky = `${tenantId}:contact:7`;
    const activities = hubspotActivities(100).map((activity) => ({
      ...activity,
      leadId: bulky,
      id: activity.id.replace(leadId, bulky),
    }));
    await store.activities.upsertMany(tenantId, activities);
    const key = tenantKeys(tenantId).activities(bulky);
    expect(await redis.object('ENCODING', key)).toBe('listpack');
    const bytes = (await redis.memory('USAGE', key, 'SAMPLES', '0')) ?? 0;
    expect(bytes / activities.length).toBeLessThan(50);
  });
});
