/**
 * How many bytes of Redis a lead and an activity take in the store's encodings, and what that
 * means for 1,000,000 leads with 10,000,000 activities (target: under 2 GB).
 *
 *   npm run bench:store [-- --leads 20000]
 *
 * Loads generator leads (about ten activities each) into a private tenant on the Redis at REDIS_URL
 * or 127.0.0.1:6379, sums MEMORY USAGE over every key of that tenant by family (exact, and blind to
 * other clients of a shared Redis), prints used_memory before and after as a cross-check, and
 * deletes the tenant at the end. The last line is one JSON object.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { streamDataset } from '../fixtures/generator/generate-dataset.ts';
import { createStore } from '../shared/store/store.ts';
import { bytesByFamily } from './pipeline/redis-bytes.ts';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 100)
    throw new Error(`--${name} must be a whole number of at least 100`);
  return value;
}

const leadCount = argument('leads', 20_000);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url, { maxRetriesPerRequest: 2 });
const store = createStore(redis);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const tenantId = `sf:00D${[...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('')}AAA`;

async function usedMemory(): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

const MB = 1024 * 1024;

try {
  const before = await usedMemory();
  const started = performance.now();
  const stored = { leads: 0, activities: 0, outcomes: 0, intent: 0 };
  for (const batch of streamDataset({ leads: leadCount, seed: 7, tenantId }).batches()) {
    stored.leads += (await store.leads.upsertMany(tenantId, batch.leads)).written;
    stored.activities += (await store.activities.upsertMany(tenantId, batch.activities)).written;
    stored.outcomes += (await store.outcomes.upsertMany(tenantId, batch.outcomes)).written;
    stored.intent += (await store.intent.upsertMany(tenantId, batch.intent)).written;
  }
  const loadSeconds = (performance.now() - started) / 1000;
  const after = await usedMemory();
  const families = await bytesByFamily(redis, store, tenantId);
  const family = (name: string) => families.get(name) ?? 0;
  const leadBytes = family('leads') + family('lead-ids') + family('account');
  const activityBytes = family('act');
  const otherBytes = family('outcome') + family('intent');
  const bytesPerLead = leadBytes / stored.leads;
  const bytesPerActivity = activityBytes / stored.activities;
  const otherPerLead = otherBytes / stored.leads;
  const targetBytes = 1_000_000 * bytesPerLead + 10_000_000 * bytesPerActivity;
  const withOutcomesAndIntent = targetBytes + 1_000_000 * otherPerLead;
  console.log(
    `loaded ${stored.leads} leads, ${stored.activities} activities, ${stored.outcomes} outcomes, ${stored.intent} intent signals in ${loadSeconds.toFixed(1)} s (${url})`,
  );
  for (const [name, bytes] of [...families.entries()].sort()) {
    console.log(`  ${name.padEnd(9)} ${(bytes / MB).toFixed(2).padStart(8)} MB`);
  }
  console.log(`bytes per lead (hash entry + id index + account index): ${bytesPerLead.toFixed(1)}`);
  console.log(
    `bytes per activity (per-lead sorted sets, key overhead included): ${bytesPerActivity.toFixed(1)}`,
  );
  console.log(`outcomes and intent: ${otherPerLead.toFixed(1)} bytes per lead`);
  console.log(
    `used_memory grew by ${((after - before) / MB).toFixed(1)} MB against ${((leadBytes + activityBytes + otherBytes) / MB).toFixed(1)} MB counted (other clients of a shared Redis move the first figure)`,
  );
  console.log(
    `1,000,000 leads + 10,000,000 activities: ${(targetBytes / 1024 ** 3).toFixed(2)} GB (${(withOutcomesAndIntent / 1024 ** 3).toFixed(2)} GB with outcomes and intent), target < 2 GB: ${withOutcomesAndIntent < 2 * 1024 ** 3 ? 'met' : 'MISSED'}`,
  );
  console.log(
    JSON.stringify({
      leads: stored.leads,
      activities: stored.activities,
      outcomes: stored.outcomes,
      intent: stored.intent,
      bytesPerLead: Math.round(bytesPerLead * 10) / 10,
      bytesPerActivity: Math.round(bytesPerActivity * 10) / 10,
      otherBytesPerLead: Math.round(otherPerLead * 10) / 10,
      usedMemoryDelta: after - before,
      extrapolatedBytes: Math.round(targetBytes),
      extrapolatedBytesWithOutcomesAndIntent: Math.round(withOutcomesAndIntent),
      targetBytes: 2 * 1024 ** 3,
      met: withOutcomesAndIntent < 2 * 1024 ** 3,
    }),
  );
} finally {
  await store.purgeTenant(tenantId);
  await redis.quit();
}
