import { IdentityLinker } from '../../connector/sync/link-identities.ts';
import type { RejectedRecord } from '../../shared/crm-connector.ts';
import type { Activity } from '../../shared/schemas/activity.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Store } from '../../shared/store/store.ts';
import type { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';

export interface StoreChangesDeps {
  store: Pick<Store, 'leads' | 'activities' | 'identity'>;
  hygiene: Pick<SyncHygieneRepository, 'recordRejected' | 'addToPeople'>;
}

/**
 * Fetched leads and activities into the store the way the sync stores a page: idempotent upserts,
 * records refused by the CRM mapping or by the store reported to the sync hygiene report, and the
 * same person under two records linked, so scoring keeps one score per person.
 */
export async function storeChanges(
  deps: StoreChangesDeps,
  tenantId: TenantId,
  leads: { records: Lead[]; rejected: RejectedRecord[] },
  activities: { records: Activity[]; rejected: RejectedRecord[] },
): Promise<{ written: number; rejected: number }> {
  const leadReport = await deps.store.leads.upsertMany(tenantId, leads.records);
  const activityReport = await deps.store.activities.upsertMany(tenantId, activities.records);
  const rejected: RejectedRecord[] = [
    ...leads.rejected,
    ...activities.rejected,
    ...leadReport.rejected.map((record) => ({
      object: 'leads',
      crmId: record.id ?? 'unknown',
      problems: record.problems,
    })),
    ...activityReport.rejected.map((record) => ({
      object: 'activities',
      crmId: record.id ?? 'unknown',
      problems: record.problems,
    })),
  ];
  if (rejected.length > 0) await deps.hygiene.recordRejected(tenantId, rejected);
  const withEmail = leads.records.filter((lead) => lead.email !== null);
  if (withEmail.length > 0) {
    const others = await deps.hygiene.addToPeople(tenantId, new IdentityLinker().add(withEmail));
    for (const [leadId, otherIds] of others) {
      for (const otherId of otherIds) await deps.store.identity.link(tenantId, leadId, otherId);
    }
  }
  return { written: leadReport.written + activityReport.written, rejected: rejected.length };
}
