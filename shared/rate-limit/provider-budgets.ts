import type { TenantId } from '../schemas/common.ts';
import type { CallBudget, RedisRollingBucket } from './redis-rolling-bucket.ts';

/**
 * Budgets paced ahead of what the providers publish (../shared/CRM-NOTES.md): HubSpot allows OAuth
 * apps about 110 calls per 10 s per portal and about 5 searches per second, apart.
 */
export const hubspotBudgets = {
  calls: { name: 'hubspot-calls', capacity: 105, intervalMs: 10_000 },
  searches: { name: 'hubspot-searches', capacity: 4, intervalMs: 1_000 },
} as const satisfies Record<string, CallBudget>;

export const dayMs = 24 * 3_600_000;

export interface SalesforceApiUsage {
  used: number;
  limit: number;
}

/** `Sforce-Limit-Info: api-usage=18/5000` → { used: 18, limit: 5000 }; null when absent or malformed. */
export function parseSforceLimitInfo(header: string | undefined): SalesforceApiUsage | null {
  const match = /(?:^|[;,\s])api-usage=(\d+)\/(\d+)/.exec(header ?? '');
  if (!match) return null;
  return { used: Number(match[1]), limit: Number(match[2]) };
}

/**
 * LeadScore's share of an org's daily API limit, as a rolling 24-hour budget. Salesforce answers
 * 403 REQUEST_LIMIT_EXCEEDED (not 429) past the org's limit, which also stops the customer's other
 * integrations: we stay well inside `share` of it.
 */
export function salesforceDailyBudget(usage: SalesforceApiUsage, share: number): CallBudget {
  if (!(share > 0 && share <= 1)) throw new RangeError(`share must be in (0, 1], got ${share}`);
  return {
    name: 'salesforce-daily',
    capacity: Math.floor(usage.limit * share),
    intervalMs: dayMs,
    slotMs: 3_600_000,
  };
}

/** A pacer per HubSpot budget of one portal, in the shape the HubSpot provider takes. */
export function hubspotPacers(
  bucket: RedisRollingBucket,
  tenantId: TenantId,
): { callBucket: { acquire(): Promise<void> }; searchBucket: { acquire(): Promise<void> } } {
  return {
    callBucket: bucket.pacer(tenantId, hubspotBudgets.calls),
    searchBucket: bucket.pacer(tenantId, hubspotBudgets.searches),
  };
}
