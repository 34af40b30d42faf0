import type { LeadHistorySource } from './lead-history.ts';
import type { Store } from './store.ts';

/** Feature computation's read contract over the Redis repositories. */
export function createRedisLeadHistory(
  store: Pick<Store, 'leads' | 'activities' | 'outcomes' | 'intent'>,
): LeadHistorySource {
  return {
    scanLeads: (tenantId, batchSize) => store.leads.scan(tenantId, batchSize),
    lead: (tenantId, leadId) => store.leads.get(tenantId, leadId),
    activitiesBefore: (tenantId, leadId, before) => store.activities.before(tenantId, leadId, before),
    outcomes: (tenantId, leadId) => store.outcomes.ofLead(tenantId, leadId),
    leadIdsOfAccount: (tenantId, accountKey) => store.leads.idsOfAccount(tenantId, accountKey),
    intentBefore: (tenantId, domain, before) => store.intent.before(tenantId, domain, before),
  };
}
