import { salesforceDailyBudget } from '../rate-limit/provider-budgets.ts';
import type { UsagePacer } from '../rate-limit/salesforce-daily-pacer.ts';
import type { TenantId } from '../schemas/common.ts';
import type { WorkerMetrics } from './worker-metrics.ts';

/**
 * The Salesforce daily pacer, also telling the metrics LeadScore's share of the org's limit. Only
 * the worker learns that limit (from `Sforce-Limit-Info`); the server's /metrics needs it to show
 * usage against budget. Reported when it changes, not on every call.
 */
export function reportingDailyBudget(
  pacer: UsagePacer,
  metrics: WorkerMetrics,
  tenantId: TenantId,
  share: number,
): UsagePacer {
  let reported: number | undefined;
  return {
    async acquire(usage) {
      if (usage !== null && usage.limit > 0) {
        const budget = salesforceDailyBudget(usage, share);
        if (budget.capacity !== reported) {
          reported = budget.capacity;
          void metrics.budgetLimit(tenantId, budget.name, budget.capacity);
        }
      }
      await pacer.acquire(usage);
    },
  };
}
