import { ConnectorError } from '../../../shared/errors.ts';
import {
  contactSearchProperties,
  maxSearchFilterGroups,
  maxSearchFilters,
  maxSearchFiltersPerGroup,
  searchPageSize,
  searchResultCap,
} from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { type HubspotObject, toIso } from './hubspot-mappers.ts';

/**
 * Position in the stream of changed contacts: everything modified before `since` has been read, and
 * so have the contacts in `boundaryIds`, modified exactly at `since`. Resuming searches
 * `lastmodifieddate >= since` and skips the boundary ids, so equal timestamps across pages are
 * neither lost (as a strict `>` would) nor repeated.
 */
export interface ContactCursor {
  since: number;
  boundaryIds: string[];
  /**
   * Set while an initial load is still under way: resuming it keeps reading every contact, our own
   * score writes included, instead of switching to the echo-suppressed incremental search.
   */
  fullLoad?: true;
}

export const initialContactCursor: ContactCursor = { since: 0, boundaryIds: [] };

/** A stream from here reads every contact (initial load) rather than only changes by others. */
export function isFullLoad(cursor: ContactCursor): boolean {
  return cursor.since === 0 || cursor.fullLoad === true;
}

/** The cursor once a stream has read to the end: any initial load is complete. */
export function completedLoad(cursor: ContactCursor): ContactCursor {
  return { since: cursor.since, boundaryIds: cursor.boundaryIds };
}

export interface ContactPage {
  contacts: HubspotObject[];
  next: ContactCursor;
}

export function contactCursorKey(cursor: ContactCursor): string {
  // Full-load and incremental pages come from different searches: they never share a cache entry.
  return `${cursor.since}|${[...cursor.boundaryIds].sort().join(',')}${cursor.fullLoad ? '|full' : ''}`;
}

export function modifiedAt(contact: HubspotObject): number {
  const iso = toIso(contact.properties.lastmodifieddate) ?? toIso(contact.updatedAt);
  return iso === null ? 0 : Date.parse(iso);
}

/** The cursor after `contact`, for a stream read in ascending lastmodifieddate order. */
export function advanceCursor(cursor: ContactCursor, contact: HubspotObject): ContactCursor {
  const at = modifiedAt(contact);
  const load = cursor.fullLoad ? { fullLoad: true as const } : {};
  if (at > cursor.since) return { since: at, boundaryIds: [contact.id], ...load };
  if (at === cursor.since && !cursor.boundaryIds.includes(contact.id)) {
    return { since: at, boundaryIds: [...cursor.boundaryIds, contact.id], ...load };
  }
  return cursor;
}

/**
 * Pages already fetched in this process, so leads, activities and outcomes share one search per page.
 * Sized for a first load of 200,000 contacts (1,000 pages of 200) that takes up to an hour at
 * HubSpot's pace: a smaller cache made each later step repeat every search once it overflowed.
 */
export class ContactPageCache {
  private readonly pages = new Map<string, { page: ContactPage; storedAt: number }>();

  constructor(
    private readonly maxPages = 1_000,
    private readonly ttlMs = 60 * 60_000,
  ) {}

  get(cursor: ContactCursor, now: number): ContactPage | undefined {
    const key = contactCursorKey(cursor);
    const entry = this.pages.get(key);
    if (!entry) return undefined;
    if (now - entry.storedAt > this.ttlMs) {
      this.pages.delete(key);
      return undefined;
    }
    return entry.page;
  }

  set(cursor: ContactCursor, page: ContactPage, now: number): void {
    this.pages.set(contactCursorKey(cursor), { page, storedAt: now });
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.pages.delete(oldest);
    }
  }
}

interface SearchResponse {
  results: HubspotObject[];
  paging?: { next?: { after: string } };
}

interface SearchFilter {
  propertyName: string;
  operator: 'GTE' | 'LT' | 'NOT_HAS_PROPERTY';
  value?: string;
}

/**
 * Which contacts one search window asks for. A full load: every contact modified at or after the
 * window start. An incremental: the same, minus contacts whose latest change is our own score
 * write-back. Search cannot filter on who made a change, so our `scoredAt` property stands in for
 * it: a contact changed at or after the window start W is read when its score predates W, or when
 * it has no score at all.
 *
 * Trade-off: a person's edit to a contact we scored at or after W is not returned until the window
 * moves past that score (another change read later than it). Those edits arrive through
 * `contact.propertyChange` webhooks, and the next full load (cursor null, no filter) reconciles the rest.
 */
export function changedContactFilterGroups(
  windowStart: number,
  scoredAtProperty: string | null,
): { filters: SearchFilter[] }[] {
  const changed: SearchFilter = {
    propertyName: 'lastmodifieddate',
    operator: 'GTE',
    value: String(windowStart),
  };
  const groups =
    scoredAtProperty === null
      ? [{ filters: [changed] }]
      : [
          {
            filters: [
              changed,
              { propertyName: scoredAtProperty, operator: 'LT' as const, value: String(windowStart) },
            ],
          },
          { filters: [changed, { propertyName: scoredAtProperty, operator: 'NOT_HAS_PROPERTY' as const }] },
        ];
  const total = groups.reduce((sum, group) => sum + group.filters.length, 0);
  if (
    groups.length > maxSearchFilterGroups ||
    total > maxSearchFilters ||
    groups.some((group) => group.filters.length > maxSearchFiltersPerGroup)
  ) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `Contact search exceeds HubSpot's filter limits (${groups.length} groups, ${total} filters)`,
      {
        context: { provider: 'hubspot', object: 'contact', operation: 'search contacts' },
      },
    );
  }
  return groups;
}

async function searchPage(
  api: HubspotApi,
  windowStart: number,
  after: string | undefined,
  scoredAtProperty: string | null,
): Promise<SearchResponse> {
  const filterGroups = changedContactFilterGroups(windowStart, scoredAtProperty);
  return api.call(
    'search contacts',
    (client, options) =>
      client.crm.contacts.searchApi.doSearch(
        {
          // The SDK types operators as an enum of the same strings.
          filterGroups: filterGroups as never,
          // The API takes sort objects; the SDK's model declares strings and passes values through.
          sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }] as unknown as string[],
          properties: contactSearchProperties,
          limit: searchPageSize,
          after: after as string,
        },
        options,
      ) as Promise<SearchResponse>,
    { search: true },
  );
}

/**
 * Contacts changed since `start`, oldest first, in pages of up to 200. A query stops before its
 * 10,000-result cap and a new one starts at the last timestamp seen; ids already returned at that
 * timestamp are skipped, so every contact comes out once per change.
 */
export async function* streamChangedContacts(
  api: HubspotApi,
  start: ContactCursor,
  cache: ContactPageCache,
  now: () => number,
  /** Our `scoredAt` contact property, for echo suppression of incremental searches; null turns it off. */
  scoredAtProperty: string | null = null,
): AsyncGenerator<ContactPage> {
  const fullLoad = isFullLoad(start);
  const echoProperty = fullLoad ? null : scoredAtProperty;
  let cursor = start;
  let windowStart = start.since;
  let after: string | undefined;
  let live = false;
  const returned = new Map<string, number>();
  for (const id of start.boundaryIds) returned.set(id, start.since);
  for (;;) {
    const cached = live ? undefined : cache.get(cursor, now());
    // A page that did not move the cursor cannot be replayed without looping: read live instead.
    if (cached && contactCursorKey(cached.next) !== contactCursorKey(cursor)) {
      yield cached;
      for (const contact of cached.contacts) returned.set(contact.id, modifiedAt(contact));
      cursor = cached.next;
      windowStart = cursor.since;
      continue;
    }
    live = true;
    const response = await searchPage(api, windowStart, after, echoProperty);
    let since = cursor.since;
    let boundary = new Set(cursor.boundaryIds);
    const contacts: HubspotObject[] = [];
    for (const contact of response.results) {
      const at = modifiedAt(contact);
      const seen = returned.get(contact.id);
      if (seen !== undefined && seen >= at) continue;
      returned.set(contact.id, at);
      contacts.push(contact);
      if (at > since) {
        since = at;
        boundary = new Set([contact.id]);
      } else if (at === since) boundary.add(contact.id);
    }
    const nextAfter = response.paging?.next?.after;
    // The last page of an initial load ends it: from its cursor on, searches are incremental.
    const load = fullLoad && nextAfter !== undefined ? { fullLoad: true as const } : {};
    const page: ContactPage = { contacts, next: { since, boundaryIds: [...boundary], ...load } };
    // A replay ends with a live search from the last cursor, so it still sees later changes.
    cache.set(cursor, page, now());
    yield page;
    cursor = page.next;
    if (nextAfter === undefined) return;
    if (Number(nextAfter) + searchPageSize > searchResultCap) {
      if (cursor.since === windowStart) {
        throw new ConnectorError(
          'CURSOR_INVALID',
          `More than ${searchResultCap} contacts share lastmodifieddate ${new Date(windowStart).toISOString()}: the search window cannot advance`,
          { context: { provider: 'hubspot', object: 'contact', operation: 'search contacts' } },
        );
      }
      windowStart = cursor.since;
      after = undefined;
    } else {
      after = nextAfter;
    }
  }
}
