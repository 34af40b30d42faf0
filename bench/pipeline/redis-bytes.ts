import type { Redis } from 'ioredis';
import { tenantTag } from '../../shared/store/keys.ts';
import type { Store } from '../../shared/store/store.ts';

/**
 * MEMORY USAGE of every key of one tenant, summed per key family (the part after the tenant tag):
 * exact, and blind to other clients of a shared Redis.
 */
export async function bytesByFamily(
  redis: Redis,
  store: Store,
  tenantId: string,
): Promise<Map<string, number>> {
  const tag = tenantTag(tenantId);
  const families = new Map<string, number>();
  const keys = await store.keysOf(tenantId);
  for (let start = 0; start < keys.length; start += 1000) {
    const pipeline = redis.pipeline();
    const chunk = keys.slice(start, start + 1000);
    for (const key of chunk) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const results = (await pipeline.exec()) ?? [];
    chunk.forEach((key, index) => {
      const family = key.slice(tag.length).split(':')[0];
      families.set(family, (families.get(family) ?? 0) + Number(results[index]?.[1] ?? 0));
    });
  }
  return families;
}

export interface StoreFootprint {
  redisBytes: number;
  /** Lead hash entry, id index and account index, per stored lead. */
  bytesPerLead: number;
  /** The per-lead activity sorted sets, key overhead included, per stored activity. */
  bytesPerActivity: number;
  /** Outcomes, intent, identity links, cursors and hygiene, per stored lead. */
  otherBytesPerLead: number;
  /** 1,000,000 leads with 10,000,000 activities, everything else scaled per lead. */
  extrapolatedBytes: number;
}

export function footprint(families: Map<string, number>, leads: number, activities: number): StoreFootprint {
  const family = (name: string) => families.get(name) ?? 0;
  let redisBytes = 0;
  for (const bytes of families.values()) redisBytes += bytes;
  const leadBytes = family('leads') + family('lead-ids') + family('account');
  const activityBytes = family('act');
  const bytesPerLead = leadBytes / Math.max(leads, 1);
  const bytesPerActivity = activityBytes / Math.max(activities, 1);
  const otherBytesPerLead = (redisBytes - leadBytes - activityBytes) / Math.max(leads, 1);
  return {
    redisBytes,
    bytesPerLead,
    bytesPerActivity,
    otherBytesPerLead,
    extrapolatedBytes: 1_000_000 * (bytesPerLead + otherBytesPerLead) + 10_000_000 * bytesPerActivity,
  };
}
