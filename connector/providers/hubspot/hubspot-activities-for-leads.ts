import type { Logger } from 'pino';
import type {
  ActivitiesForLeadsOptions,
  ActivityKind,
  RejectedRecord,
} from '../../../shared/crm-connector.ts';
import { isConnectorError } from '../../../shared/errors.ts';
import type { Activity } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import {
  contactSearchProperties,
  type EngagementType,
  engagementProperties,
  engagementTypes,
  webEventsPageSize,
  webEventTypes,
} from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { type HubspotObject, mapContactAnalytics, mapEngagement } from './hubspot-mappers.ts';
import { batchReadObjects, readAssociations } from './hubspot-reads.ts';
import { mapWebEvent, type WebEvent } from './web-events.ts';

/** How long a portal's answer to "do you have web analytics?" is trusted. */
const webAnalyticsProbeTtlMs = 60 * 60_000;
const webAnalyticsByTenant = new Map<string, { available: boolean; at: number }>();

/** Forgets what portals said about web analytics (tests). */
export function resetWebAnalyticsProbes(): void {
  webAnalyticsByTenant.clear();
}

/**
 * Whether the portal has web analytics events (Enterprise): one call of one event, at most once an
 * hour per tenant in this process. With them, the sync stores each page view and form submission
 * as its own activity, so the contact's analytics counters must not be stored beside them (they
 * would count the same visits twice); without them, the counters are what the sync stores too.
 */
async function hasWebAnalytics(api: HubspotApi, tenantId: TenantId, nowMs: number): Promise<boolean> {
  const known = webAnalyticsByTenant.get(tenantId);
  if (known !== undefined && nowMs - known.at < webAnalyticsProbeTtlMs) return known.available;
  let available = true;
  try {
    await api.call('probe web analytics events', (client, options) =>
      client.events.eventsApi.getPage(
        'contact',
        webEventTypes.pageView,
        undefined,
        undefined,
        1,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        options,
      ),
    );
  } catch (error) {
    if (!(isConnectorError(error) && error.context.httpStatus === 403)) throw error;
    available = false;
  }
  webAnalyticsByTenant.set(tenantId, { available, at: nowMs });
  return available;
}

/**
 * How far before the earliest web activity the contacts' properties show the events listing starts
 * (their timestamps and the events' may differ by a little), and how far back it looks at most: an
 * older page view or form, rolled up late, comes with the 15-minute incremental sync's listing.
 */
const webEventSlackMs = 5_000;
const webEventHorizonMs = 2 * 60_000;

function epochMs(value: string | null | undefined): number {
  if (value === null || value === undefined || value === '') return Number.NaN;
  const numeric = Number(value);
  return Number.isFinite(numeric) ? numeric : Date.parse(value);
}

/**
 * The page views and form submissions of these contacts since their latest web activity: one
 * listing of the portal's contact events (every type, 100 a page) from the earliest latest-visit
 * or latest-conversion time the contacts carry, rather than one listing per contact. Contacts whose
 * last web activity is older than `since` have none to read, and without any, no call is made.
 */
async function recentWebEvents(
  api: HubspotApi,
  contacts: Map<string, HubspotObject>,
  sinceMs: number,
  nowMs: number,
): Promise<WebEvent[]> {
  const latest = [...contacts.values()]
    .map((contact) =>
      Math.max(
        epochMs(contact.properties.hs_analytics_last_timestamp),
        epochMs(contact.properties.recent_conversion_date),
      ),
    )
    .filter((at) => Number.isFinite(at) && at >= sinceMs);
  if (latest.length === 0) return [];
  const from = Math.max(sinceMs, nowMs - webEventHorizonMs, Math.min(...latest) - webEventSlackMs);
  const events: WebEvent[] = [];
  let after: string | undefined;
  do {
    const page = await api.call('list recent web events', (client, options) =>
      client.events.eventsApi.getPage(
        'contact',
        undefined,
        after,
        undefined,
        webEventsPageSize,
        undefined,
        new Date(from),
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        options,
      ),
    );
    events.push(...(page.results as WebEvent[]));
    after = page.paging?.next?.after;
  } while (after !== undefined);
  return events.filter((event) => contacts.has(String(event.objectId)));
}

/** The kind of activity each engagement type holds: only the kinds a change named are read. */
const kindOfEngagement: Record<EngagementType, ActivityKind> = {
  emails: 'email',
  meetings: 'meeting',
  calls: 'call',
  notes: 'task',
  tasks: 'task',
};

type Mapped = { value: Activity } | { rejected: RejectedRecord } | null;

function changedAtMs(object: HubspotObject): number {
  const at =
    object.updatedAt instanceof Date ? object.updatedAt.getTime() : Date.parse(String(object.updatedAt));
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/**
 * Activities of given contacts for real-time rescoring: the contacts' behaviour properties (page
 * views, last visit, conversions) when the portal has no web analytics events, as the sync does,
 * and with them the contacts' recent page views and form submissions (one listing), then per
 * engagement type one v4 association batch read and one batch read of the engagements changed at or
 * after `since`. Every call goes through the API's pacers; the contacts may come from the caller
 * (fetchLeads just read them) so they are not read twice.
 */
export async function hubspotActivitiesForLeads(
  deps: { api: HubspotApi; tenantId: TenantId; logger: Logger; now: () => number },
  contactIds: string[],
  since: string,
  options: ActivitiesForLeadsOptions & { readContacts?: Map<string, HubspotObject> } = {},
): Promise<{ records: Activity[]; rejected: RejectedRecord[] }> {
  const wanted = (kind: ActivityKind) => options.kinds === undefined || options.kinds.includes(kind);
  const types = engagementTypes.filter((type) => wanted(kindOfEngagement[type]));
  const ids = [...new Set(contactIds)];
  const sinceMs = Date.parse(since);
  const records: Activity[] = [];
  const rejected: RejectedRecord[] = [];
  const take = (item: Mapped) => {
    if (item === null) return;
    if ('value' in item) records.push(item.value);
    else rejected.push(item.rejected);
  };
  if (ids.length === 0 || (types.length === 0 && !wanted('web'))) return { records, rejected };
  const contacts =
    options.readContacts ?? (await batchReadObjects(deps.api, 'contacts', ids, contactSearchProperties));
  // The web listing and each engagement type's two reads run side by side (the pacer still
  // spaces them): a window's latency is its longest chain, not the sum of its calls.
  const readWeb = async (): Promise<Mapped[]> => {
    if (!wanted('web')) return [];
    if (await hasWebAnalytics(deps.api, deps.tenantId, deps.now())) {
      // The page views and forms themselves, as the sync stores them (same ids: no double count).
      const events = await recentWebEvents(deps.api, contacts, sinceMs, deps.now());
      return events.map((event) => mapWebEvent(deps.tenantId, event));
    }
    return [...contacts.values()].flatMap((contact) => mapContactAnalytics(deps.tenantId, contact));
  };
  const known = ids.filter((id) => contacts.has(id));
  const readType = async (type: EngagementType): Promise<Mapped[]> => {
    const associations = await readAssociations(deps.api, type, known);
    const engagementIds = [...associations.values()].flat();
    if (engagementIds.length === 0) return [];
    const engagements = await batchReadObjects(deps.api, type, engagementIds, engagementProperties[type]);
    const mapped: Mapped[] = [];
    for (const [contactId, linked] of associations) {
      for (const id of linked) {
        const engagement = engagements.get(id);
        // Unchanged since the window's start: the store has it already.
        if (!engagement || changedAtMs(engagement) < sinceMs) continue;
        mapped.push(mapEngagement(deps.tenantId, contactId, type, engagement));
      }
    }
    return mapped;
  };
  const reads = await Promise.all([readWeb(), ...(known.length === 0 ? [] : types.map(readType))]);
  for (const items of reads) for (const item of items) take(item);
  return { records, rejected };
}
