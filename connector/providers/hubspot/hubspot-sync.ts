import type { Logger } from 'pino';
import type { RejectedRecord, SyncOptions, SyncPage } from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import type { Activity } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import type { Lead } from '../../../shared/schemas/lead.ts';
import type { Outcome } from '../../../shared/schemas/outcome.ts';
import {
  associationBatchSize,
  dealProperties,
  engagementProperties,
  engagementTypes,
  groupsUnderWay,
  pagesReadAhead,
  webEventsLagMs,
  webEventTypes,
} from './constants.ts';
import {
  advanceCursor,
  type ContactCursor,
  type ContactPageCache,
  completedLoad,
  initialContactCursor,
  isFullLoad,
  streamChangedContacts,
} from './contact-stream.ts';
import type { HubspotApi } from './hubspot-api.ts';
import {
  type HubspotObject,
  mapContactAnalytics,
  mapContactToLead,
  mapConversion,
  mapDeal,
  mapEngagement,
  type StageOutcome,
  toIso,
} from './hubspot-mappers.ts';
import { batchReadObjects, listArchivedContacts, readAssociations, readDealStages } from './hubspot-reads.ts';
import { mapInOrder } from './map-in-order.ts';
import { listWebEvents, mapWebEvent } from './web-events.ts';

export interface SyncDeps {
  api: HubspotApi;
  tenantId: TenantId;
  cache: ContactPageCache;
  now: () => number;
  logger: Logger;
  /** Our `scoredAt` contact property (manifest.json): incremental searches leave out our own writes. */
  scoredAtProperty: string | null;
}

/** The opaque cursor handed to callers: the contact stream position plus, for leads, deletions seen. */
interface HubspotCursor {
  v: 1;
  contacts: ContactCursor;
  deletedSince: number;
  /** Activities: start of the last complete web-events listing (epoch ms); absent before the first. */
  events?: number;
}

function parseCursor(cursor: string | null, object: string): HubspotCursor {
  if (cursor === null) return { v: 1, contacts: initialContactCursor, deletedSince: 0 };
  try {
    const parsed = JSON.parse(cursor) as Partial<HubspotCursor>;
    const contacts = parsed.contacts;
    if (
      parsed.v === 1 &&
      contacts &&
      typeof contacts.since === 'number' &&
      Array.isArray(contacts.boundaryIds) &&
      typeof parsed.deletedSince === 'number'
    ) {
      const position: ContactCursor = { since: contacts.since, boundaryIds: contacts.boundaryIds };
      if (contacts.fullLoad === true) position.fullLoad = true;
      const cursor: HubspotCursor = { v: 1, contacts: position, deletedSince: parsed.deletedSince };
      if (typeof parsed.events === 'number') cursor.events = parsed.events;
      return cursor;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new ConnectorError(
    'CURSOR_INVALID',
    `HubSpot ${object} cursor is not one this connector issued; sync from null`,
    {
      context: { provider: 'hubspot', object },
    },
  );
}

function serialize(contacts: ContactCursor, deletedSince: number, events?: number): string {
  const cursor: HubspotCursor = { v: 1, contacts, deletedSince };
  if (events !== undefined) cursor.events = events;
  return JSON.stringify(cursor);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new ConnectorError('TEMPORARY', 'HubSpot sync aborted', { context: { provider: 'hubspot' } });
  }
}

export async function* syncHubspotLeads(
  deps: SyncDeps,
  options: SyncOptions,
): AsyncGenerator<SyncPage<Lead>> {
  const start = parseCursor(options.cursor, 'contact');
  let position = start.contacts;
  // The next search goes out while the caller stores this page.
  const pages = mapInOrder(
    streamChangedContacts(deps.api, position, deps.cache, deps.now, deps.scoredAtProperty),
    async (page) => page,
    pagesReadAhead,
  );
  for await (const page of pages) {
    throwIfAborted(options.signal);
    const records: Lead[] = [];
    const rejected: RejectedRecord[] = [];
    for (const contact of page.contacts) {
      const mapped = mapContactToLead(deps.tenantId, contact);
      if ('lead' in mapped) records.push(mapped.lead);
      else rejected.push(mapped.rejected);
    }
    if (rejected.length > 0) deps.logger.warn({ rejected: rejected.length }, 'HubSpot contacts skipped');
    position = page.next;
    yield { records, rejected, deletedCrmIds: [], nextCursor: serialize(position, start.deletedSince) };
  }
  // Deletions last: the cursor only moves past them once every change before them is stored.
  const archived = await listArchivedContacts(deps.api);
  let deletedSince = start.deletedSince;
  const deletedCrmIds: string[] = [];
  for (const contact of archived) {
    const at = Date.parse(toIso(contact.archivedAt) ?? toIso(contact.updatedAt) ?? '');
    if (!Number.isFinite(at) || at <= start.deletedSince) continue;
    deletedCrmIds.push(String(contact.id));
    deletedSince = Math.max(deletedSince, at);
  }
  yield { records: [], rejected: [], deletedCrmIds, nextCursor: serialize(position, deletedSince) };
}

/**
 * Contacts in groups of exactly one association batch (1,000), so each v4 read is full. A group
 * may end inside a search page: the stream is in ascending order, so the cursor after any contact
 * is exact.
 */
async function* contactGroups(deps: SyncDeps, options: SyncOptions, events?: number) {
  const start = parseCursor(options.cursor, 'activity');
  let group: HubspotObject[] = [];
  // Cursors inside an initial load stay marked as such, so a resumed load still reads everything.
  let position: ContactCursor = isFullLoad(start.contacts)
    ? { ...start.contacts, fullLoad: true }
    : start.contacts;
  for await (const page of streamChangedContacts(
    deps.api,
    start.contacts,
    deps.cache,
    deps.now,
    deps.scoredAtProperty,
  )) {
    throwIfAborted(options.signal);
    for (const contact of page.contacts) {
      group.push(contact);
      position = advanceCursor(position, contact);
      if (group.length === associationBatchSize) {
        yield { contacts: group, nextCursor: serialize(position, start.deletedSince, events) };
        group = [];
      }
    }
  }
  yield {
    contacts: group,
    nextCursor: serialize(completedLoad(position), start.deletedSince, events),
  };
}

/**
 * Page views and form submissions of every contact since the last listing, one event type at a
 * time. Null when the portal has no web analytics: contact properties stand in for them then.
 */
async function* webEventPages(
  deps: SyncDeps,
  since: number | undefined,
  cursor: string,
): AsyncGenerator<SyncPage<Activity>, boolean> {
  const occurredAfter = since === undefined ? undefined : new Date(since - webEventsLagMs);
  // The listings share the call budget side by side, the others starting once the first page shows
  // the portal has web analytics (a portal without them costs one refused call, as before); their
  // pages are still handed over in order.
  let granted = () => {};
  const access = new Promise<void>((resolve) => {
    granted = resolve;
  });
  const listings = Object.values(webEventTypes).map((eventType, index) => {
    const listing =
      index === 0
        ? listWebEvents(deps.api, eventType, occurredAfter, granted)
        : access.then(() => listWebEvents(deps.api, eventType, occurredAfter));
    listing.catch(() => undefined);
    return { eventType, listing };
  });
  for (const { eventType, listing } of listings) {
    const events = await listing;
    if (events === null) {
      deps.logger.warn(
        { eventType },
        'HubSpot web analytics events unavailable (Enterprise only): page views and forms come from contact properties',
      );
      return false;
    }
    const records: Activity[] = [];
    const rejected: RejectedRecord[] = [];
    for (const event of events) {
      const mapped = mapWebEvent(deps.tenantId, event);
      if (mapped === null) continue;
      if ('value' in mapped) records.push(mapped.value);
      else rejected.push(mapped.rejected);
    }
    yield { records, rejected, deletedCrmIds: [], nextCursor: cursor };
  }
  return true;
}

/** The engagements of one group of contacts (and, without web events, their analytics properties). */
async function activityPage(
  deps: SyncDeps,
  group: { contacts: HubspotObject[]; nextCursor: string },
  webEvents: boolean,
): Promise<SyncPage<Activity>> {
  const records: Activity[] = [];
  const rejected: RejectedRecord[] = [];
  const take = (item: { value: Activity } | { rejected: RejectedRecord } | null) => {
    if (item === null) return;
    if ('value' in item) records.push(item.value);
    else rejected.push(item.rejected);
  };
  // Without web events, the contact's analytics properties are the only trace of its visits and forms.
  if (!webEvents)
    for (const contact of group.contacts)
      for (const item of mapContactAnalytics(deps.tenantId, contact)) take(item);
  const contactIds = group.contacts.map((contact) => contact.id);
  let withoutSignal = 0;
  for (const type of contactIds.length > 0 ? engagementTypes : []) {
    const associations = await readAssociations(deps.api, type, contactIds);
    const engagementIds = [...associations.values()].flat();
    if (engagementIds.length === 0) continue;
    const engagements = await batchReadObjects(deps.api, type, engagementIds, engagementProperties[type]);
    for (const [contactId, ids] of associations) {
      for (const id of ids) {
        const engagement = engagements.get(id);
        if (!engagement) continue;
        const mapped = mapEngagement(deps.tenantId, contactId, type, engagement);
        if (mapped === null) withoutSignal += 1;
        take(mapped);
      }
    }
  }
  if (withoutSignal > 0)
    deps.logger.debug({ withoutSignal }, 'HubSpot emails without opens, clicks or replies');
  return { records, rejected, deletedCrmIds: [], nextCursor: group.nextCursor };
}

export async function* syncHubspotActivities(
  deps: SyncDeps,
  options: SyncOptions,
): AsyncGenerator<SyncPage<Activity>> {
  const start = parseCursor(options.cursor, 'activity');
  const listedAt = deps.now();
  // Until the listing is complete the cursor keeps its old position, so a resumed run lists again.
  const unchanged = serialize(start.contacts, start.deletedSince, start.events);
  const webEvents = yield* webEventPages(deps, start.events, unchanged);
  yield* mapInOrder(
    contactGroups(deps, options, webEvents ? listedAt : undefined),
    (group) => activityPage(deps, group, webEvents),
    groupsUnderWay,
  );
}

/** The conversion and the closed deals of each contact of one group. */
async function outcomePage(
  deps: SyncDeps,
  group: { contacts: HubspotObject[]; nextCursor: string },
  stagesOnce: () => Promise<Map<string, StageOutcome>>,
): Promise<SyncPage<Outcome>> {
  const records: Outcome[] = [];
  const rejected: RejectedRecord[] = [];
  const take = (item: { value: Outcome } | { rejected: RejectedRecord } | null) => {
    if (item === null) return;
    if ('value' in item) records.push(item.value);
    else rejected.push(item.rejected);
  };
  for (const contact of group.contacts) take(mapConversion(deps.tenantId, contact));
  const contactIds = group.contacts.map((contact) => contact.id);
  const associations =
    contactIds.length > 0
      ? await readAssociations(deps.api, 'deals', contactIds)
      : new Map<string, string[]>();
  const dealIds = [...associations.values()].flat();
  if (dealIds.length > 0) {
    const stages = await stagesOnce();
    const deals = await batchReadObjects(deps.api, 'deals', dealIds, dealProperties);
    for (const [contactId, ids] of associations) {
      for (const id of ids) {
        const deal = deals.get(id);
        if (deal) take(mapDeal(deps.tenantId, contactId, deal, stages.get(deal.properties.dealstage ?? '')));
      }
    }
  }
  return { records, rejected, deletedCrmIds: [], nextCursor: group.nextCursor };
}

export async function* syncHubspotOutcomes(
  deps: SyncDeps,
  options: SyncOptions,
): AsyncGenerator<SyncPage<Outcome>> {
  // One read of the pipelines, shared by groups under way together; a failed read is tried again.
  let stages: Promise<Map<string, StageOutcome>> | null = null;
  const stagesOnce = () => {
    stages ??= readDealStages(deps.api).catch((error: unknown) => {
      stages = null;
      throw error;
    });
    return stages;
  };
  yield* mapInOrder(
    contactGroups(deps, options),
    (group) => outcomePage(deps, group, stagesOnce),
    groupsUnderWay,
  );
}
