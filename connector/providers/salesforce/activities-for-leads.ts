import type {
  ActivitiesForLeadsOptions,
  ActivityKind,
  RejectedRecord,
} from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { type Activity, activitySchema } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { screenRecords } from '../../sync/record-hygiene.ts';
import { runCompositeQueries } from './composite-queries.ts';
import { campaignMemberFields, eventFields, taskFields } from './constants.ts';
import { mapActivity } from './map-salesforce-records.ts';
import type { SalesforceClient } from './salesforce-client.ts';

/**
 * Ids per query: 200 quoted 18-character ids keep the URL-encoded GET well under the REST query's
 * 16,384-character URI limit (SOQL itself allows 100,000 characters).
 */
export const idsPerActivityQuery = 200;

const idPattern = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

/** SOQL takes a date-time literal without milliseconds. */
function soqlDateTime(since: string): string {
  const at = new Date(since);
  if (Number.isNaN(at.getTime()))
    throw new ConnectorError('INVALID_INPUT', `"${since.slice(0, 40)}" is not an ISO date-time`);
  return `${at.toISOString().slice(0, 19)}Z`;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The Tasks, Events and campaign responses of these Leads and Contacts changed at or after
 * `since` (only the objects that can hold the kinds asked for): one query per object and batch of ids, all sent in one Composite API call (`WhoId IN (...)`; campaign members by LeadId or
 * ContactId, as SOQL has no OR across two IN lists in one cheap filter), mapped as the sync maps them.
 */
export async function salesforceActivitiesForLeads(
  client: SalesforceClient,
  tenantId: TenantId,
  crmIds: string[],
  since: string,
  options: ActivitiesForLeadsOptions = {},
): Promise<{ records: Activity[]; rejected: RejectedRecord[] }> {
  const bad = crmIds.find((id) => !idPattern.test(id));
  if (bad !== undefined) throw new ConnectorError('INVALID_INPUT', `"${bad}" is not a Salesforce record id`);
  const changedSince = `LastModifiedDate >= ${soqlDateTime(since)}`;
  const ids = [...new Set(crmIds)];
  const leadIds = ids.filter((id) => id.startsWith('00Q'));
  const contactIds = ids.filter((id) => id.startsWith('003'));
  const wanted = (kinds: ActivityKind[]) =>
    options.kinds === undefined || kinds.some((kind) => options.kinds?.includes(kind));
  const reads = {
    Task: wanted(['email', 'call', 'task', 'web']),
    Event: wanted(['meeting']),
    CampaignMember: wanted(['campaign']),
  };
  const queries: { object: string; soql: string }[] = [];
  const list = (part: string[]) => part.map((id) => `'${id}'`).join(', ');
  for (const part of chunk([...leadIds, ...contactIds], idsPerActivityQuery)) {
    if (reads.Task)
      queries.push({
        object: 'Task',
        soql: `SELECT ${taskFields.join(', ')} FROM Task WHERE WhoId IN (${list(part)}) AND ${changedSince}`,
      });
    if (reads.Event)
      queries.push({
        object: 'Event',
        soql: `SELECT ${eventFields.join(', ')} FROM Event WHERE WhoId IN (${list(part)}) AND ${changedSince}`,
      });
  }
  for (const [field, group] of [
    ['LeadId', reads.CampaignMember ? leadIds : []],
    ['ContactId', reads.CampaignMember ? contactIds : []],
  ] as const) {
    for (const part of chunk(group, idsPerActivityQuery)) {
      queries.push({
        object: 'CampaignMember',
        soql: `SELECT ${campaignMemberFields.join(', ')} FROM CampaignMember WHERE ${field} IN (${list(part)}) AND HasResponded = true AND ${changedSince}`,
      });
    }
  }
  const out: { records: Activity[]; rejected: RejectedRecord[] } = { records: [], rejected: [] };
  // One Composite API call carries every object's query (up to 25): one API call, not three.
  const rows = await runCompositeQueries(
    client,
    queries.map(({ object, soql }, index) => ({ referenceId: `${object}_${index}`, soql })),
    'read activities of given leads',
  );
  queries.forEach(({ object }, index) => {
    const screened = screenRecords(
      activitySchema,
      object,
      (rows.get(`${object}_${index}`) ?? []).map((record) => ({
        crmId: String(record.Id),
        record: mapActivity(record, tenantId),
      })),
    );
    out.records.push(...screened.records);
    out.rejected.push(...screened.rejected);
  });
  return out;
}
