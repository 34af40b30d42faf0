import { ConnectorError } from '../../../shared/errors.ts';
import { contactSearchProperties, searchPageSize, searchResultCap } from './constants.ts';
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
}

export const initialContactCursor: ContactCursor = { since: 0, boundaryIds: [] };

export interface ContactPage {
  contacts: HubspotObject[];
  next: ContactCursor;
}

export function contactCursorKey(cursor: ContactCursor): string {
  return `${cursor.since}|${[...cursor.boundaryIds].sort().join(',')}`;
}

export function modifiedAt(contact: HubspotObject): number {
  const iso = toIso(contact.properties.lastmodifieddate) ?? toIso(contact.updatedAt);
  return iso === null ? 0 : Date.parse(iso);
}

/** The cursor after `contact`, for a stream read in ascending lastmodifieddate order. */
export function advanceCursor(cursor: ContactCursor, contact: HubspotObject): ContactCursor {
  const at = modifiedAt(contact);
  if (at > cursor.since) return { since: at, boundaryIds: [contact.id] };
  if (at === cursor.since && !cursor.boundaryIds.includes(contact.id)) {
    return { since: at, boundaryIds: [...cursor.boundaryIds, contact.id] };
  }
  return cursor;
}

/** Pages already fetched in this process, so leads, activities and outcomes share one search per page. */
export class ContactPageCache {
  private readonly pages = new Map<string, { page: ContactPage; storedAt: number }>();

  constructor(
    private readonly maxPages = 500,
    private readonly ttlMs = 15 * 60_000,
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

async function searchPage(
  api: HubspotApi,
  windowStart: number,
  after: string | undefined,
): Promise<SearchResponse> {
  return api.call(
    'search contacts',
    (client, options) =>
      client.crm.contacts.searchApi.doSearch(
        {
          filterGroups: [
            {
              filters: [
                { propertyName: 'lastmodifieddate', operator: 'GTE' as never, value: String(windowStart) },
              ],
            },
          ],
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
): AsyncGenerator<ContactPage> {
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
    const response = await searchPage(api, windowStart, after);
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
    const page: ContactPage = { contacts, next: { since, boundaryIds: [...boundary] } };
    const nextAfter = response.paging?.next?.after;
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
