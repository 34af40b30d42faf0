import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { Store } from '../../shared/store/store.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from './store-test-support.ts';

let redis: Redis;
let store: Store;
const tenantId = uniqueTenantId();

beforeAll(() => {
  redis = connectTestRedis();
  store = storeOn(redis);
});

afterAll(async () => {
  await store.purgeTenant(tenantId);
  await redis.quit();
});

describe('store memory', () => {
  // Redis 7 figures on generator data: about 580 bytes per lead and 63 per activity (npm run
  // bench:store), so 1M leads with 10M activities take about 1.1 GB. The bounds leave room for
  // allocator differences while still failing if an encoding regresses to JSON per activity.
  it('keeps a lead under 700 bytes and an activity under 80, key overhead included', async () => {
    const data = generateDataset({ leads: 600, seed: 5, tenantId, dirtyShare: 0 });
    await store.leads.upsertMany(tenantId, data.leads);
    await store.activities.upsertMany(tenantId, data.activities);
    let leadBytes = 0;
    let activityBytes = 0;
    for (const key of await store.keysOf(tenantId)) {
      const bytes = (await redis.memory('USAGE', key, 'SAMPLES', '0')) ?? 0;
      if (key.includes('}:act:')) activityBytes += bytes;
      else leadBytes += bytes;
    }
    expect(data.activities.length).toBeGreaterThan(5_000);
    expect(leadBytes / data.leads.length).toBeLessThan(700);
    expect(activityBytes / data.activities.length).toBeLessThan(80);
    expect(activityBytes / data.activities.length).toBeGreaterThan(20);
  });
});
