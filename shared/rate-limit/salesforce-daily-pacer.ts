import { ConnectorError } from '../errors.ts';
import type { TenantId } from '../schemas/common.ts';
import { type SalesforceApiUsage, salesforceDailyBudget } from './provider-budgets.ts';
import type { RedisRollingBucket } from './redis-rolling-bucket.ts';

/** Paces calls against a budget that depends on the org's limit, known from the last response. */
export interface UsagePacer {
  acquire(usage: SalesforceApiUsage | null): Promise<void>;
}

/**
 * LeadScore's share of the org's daily API limit, counted in Redis across every worker. A day's
 * wait is never slept through inside a job: past the share it throws RATE_LIMITED with the wait,
 * and the queue moves the job to delayed. Before the first response the limit is unknown and the
 * call goes out (it is the one that reads `Sforce-Limit-Info`).
 */
export function salesforceDailyPacer(
  bucket: RedisRollingBucket,
  tenantId: TenantId,
  share: number,
): UsagePacer {
  return {
    async acquire(usage) {
      if (usage === null || usage.limit <= 0) return;
      const budget = salesforceDailyBudget(usage, share);
      const taken = await bucket.tryTake(tenantId, budget);
      if (taken.granted) return;
      throw new ConnectorError(
        'RATE_LIMITED',
        `LeadScore's share of the daily API limit is used: ${budget.capacity} of ${usage.limit} calls in 24 h`,
        {
          retryAfterMs: taken.waitMs,
          context: { provider: 'salesforce', tenantId, vendorCode: 'LEADSCORE_DAILY_SHARE' },
        },
      );
    },
  };
}
