import type { Logger } from 'pino';
import type { RejectedRecord } from '../../../shared/crm-connector.ts';
import type { Activity } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { contactSearchProperties, engagementProperties, engagementTypes } from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { type HubspotObject, mapContactAnalytics, mapEngagement } from './hubspot-mappers.ts';
import { batchReadObjects, readAssociations } from './hubspot-reads.ts';

type Mapped = { value: Activity } | { rejected: RejectedRecord } | null;

function changedAtMs(object: HubspotObject): number {
  const at =
    object.updatedAt instanceof Date ? object.updatedAt.getTime() : Date.parse(String(object.updatedAt));
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/**
 * Activities of given contacts for real-time rescoring: the contacts' behaviour properties (page
 * views, last visit, conversions: what the sync maps when it has no web events), then per
 * engagement type one v4 association batch read and one batch read of the engagements changed at or
 * after `since`. Every call goes through the API's pacers; the contacts may come from the caller
 * (fetchLeads just read them) so they are not read twice.
 */
export async function hubspotActivitiesForLeads(
  deps: { api: HubspotApi; tenantId: TenantId; logger: Logger },
  contactIds: string[],
  since: string,
  readContacts?: Map<string, HubspotObject>,
): Promise<{ records: Activity[]; rejected: RejectedRecord[] }> {
  const ids = [...new Set(contactIds)];
  const sinceMs = Date.parse(since);
  const records: Activity[] = [];
  const rejected: RejectedRecord[] = [];
  const take = (item: Mapped) => {
    if (item === null) return;
    if ('value' in item) records.push(item.value);
    else rejected.push(item.rejected);
  };
  if (ids.length === 0) return { records, rejected };
  const contacts =
    readContacts ?? (await batchReadObjects(deps.api, 'contacts', ids, contactSearchProperties));
  for (const contact of contacts.values())
    for (const item of mapContactAnalytics(deps.tenantId, contact)) take(item);
  const known = ids.filter((id) => contacts.has(id));
  if (known.length === 0) return { records, rejected };
  for (const type of engagementTypes) {
    const associations = await readAssociations(deps.api, type, known);
    const engagementIds = [...associations.values()].flat();
    if (engagementIds.length === 0) continue;
    const engagements = await batchReadObjects(deps.api, type, engagementIds, engagementProperties[type]);
    for (const [contactId, linked] of associations) {
      for (const id of linked) {
        const engagement = engagements.get(id);
        // Unchanged since the window's start: the store has it already.
        if (!engagement || changedAtMs(engagement) < sinceMs) continue;
        take(mapEngagement(deps.tenantId, contactId, type, engagement));
      }
    }
  }
  return { records, rejected };
}
