import type { Redis } from 'ioredis';

/**
 * The side effect of a scenario job, idempotent on (tenant, lead, model version) as the product's
 * writes are: the first write sets the value and counts one effective write; any later run of the
 * same work (a re-run after a stall, a resent command after a reset) finds it set and counts none.
 * One script, so a connection reset can never leave the value set without its count.
 */
const recordOnceScript = `
if redis.call('SET', KEYS[1], ARGV[2], 'NX') then
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  return 1
end
return 0`;

export interface ScenarioEffects {
  /** Writes the lead's score once; resolves true when this call was the effective write. */
  recordOnce(redis: Redis, leadId: string, modelVersion: string): Promise<boolean>;
  /** Effective writes per lead. */
  effectiveWrites(redis: Redis): Promise<Record<string, string>>;
}

export function scenarioEffects(tenantId: string, scenario: string): ScenarioEffects {
  const base = `ls:{${tenantId}}:${scenario}`;
  const countsKey = `${base}:effective-writes`;
  const valueKey = (leadId: string, modelVersion: string) => `${base}:score:${leadId}:${modelVersion}`;
  return {
    async recordOnce(redis, leadId, modelVersion) {
      const result = await redis.eval(
        recordOnceScript,
        2,
        valueKey(leadId, modelVersion),
        countsKey,
        leadId,
        `${modelVersion}:${leadId}`,
      );
      return result === 1;
    },
    effectiveWrites: (redis) => redis.hgetall(countsKey),
  };
}
