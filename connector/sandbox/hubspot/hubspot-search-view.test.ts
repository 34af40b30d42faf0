import type { Request, Response, Router } from 'express';
import { describe, expect, it } from 'vitest';
import type { FaultPlan } from '../faults.ts';
import { mountCrmRoutes } from './hubspot-crm-routes.ts';
import { mountEventsRoutes } from './hubspot-events-routes.ts';
import { HubspotStore } from './hubspot-store.ts';

type Handler = (request: Request, response: Response) => void;

function routesOf(store: HubspotStore): Map<string, Handler> {
  const routes = new Map<string, Handler>();
  const register = (method: string) => (path: string, handler: Handler) => {
    routes.set(`${method} ${path}`, handler);
  };
  const router = { get: register('GET'), post: register('POST') } as unknown as Router;
  mountCrmRoutes(router, store, { recordLocked: () => false } as unknown as FaultPlan, () => 0);
  mountEventsRoutes(router, store);
  return routes;
}

interface SearchAnswer {
  total: number;
  results: { id: string }[];
  paging?: { next?: { after: string } };
}

function call<T>(handler: Handler | undefined, request: Partial<Request>): T {
  let body: unknown;
  const response = {
    status: () => response,
    json: (value: unknown) => {
      body = value;
      return response;
    },
  } as unknown as Response;
  if (!handler) throw new Error('route not mounted');
  handler({ params: {}, query: {}, body: {}, ...request } as Request, response);
  return body as T;
}

/** 500 contacts with shuffled modification times, some sharing a time, some scored. */
function portal(): HubspotStore {
  const store = new HubspotStore();
  for (let index = 0; index < 500; index += 1) {
    const id = String(1000 + index);
    const at = new Date(Date.UTC(2026, 0, 1) + ((index * 37) % 250) * 60_000).toISOString();
    store.put('contacts', {
      id,
      properties: {
        hs_object_id: id,
        lastmodifieddate: at,
        ...(index % 3 === 0 ? { leadscore_scored_at: String(Date.parse(at) - 1) } : {}),
      },
      createdAt: at,
      updatedAt: at,
      archived: index % 50 === 7,
    });
  }
  return store;
}

const byModified = [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }];

function searchAll(search: Handler | undefined, filterGroups: unknown[]): SearchAnswer[] {
  const pages: SearchAnswer[] = [];
  let after: string | undefined;
  do {
    const page = call<SearchAnswer>(search, {
      params: { type: 'contacts' },
      body: { filterGroups, sorts: byModified, limit: 40, after },
    });
    pages.push(page);
    after = page.paging?.next?.after;
  } while (after !== undefined);
  return pages;
}

/** The answer computed the slow, obvious way. */
function expectedIds(
  store: HubspotStore,
  keep: (properties: Record<string, string | null>) => boolean,
): string[] {
  return [...store.typeMap('contacts').values()]
    .filter((object) => !object.archived && keep(object.properties))
    .sort(
      (a, b) =>
        Date.parse(a.properties.lastmodifieddate ?? '') - Date.parse(b.properties.lastmodifieddate ?? '') ||
        Number(a.id) - Number(b.id),
    )
    .map((object) => object.id);
}

describe('HubSpot sandbox search over a kept sort', () => {
  it('pages a windowed, echo-suppressed search exactly as filtering and sorting everything would', () => {
    const store = portal();
    const search = routesOf(store).get('POST /crm/v3/objects/:type/search');
    const windowStart = Date.UTC(2026, 0, 1) + 100 * 60_000;
    const changed = { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(windowStart) };
    const groups = [
      {
        filters: [
          changed,
          { propertyName: 'leadscore_scored_at', operator: 'LT', value: String(windowStart) },
        ],
      },
      { filters: [changed, { propertyName: 'leadscore_scored_at', operator: 'NOT_HAS_PROPERTY' }] },
    ];
    const pages = searchAll(search, groups);
    const expected = expectedIds(
      store,
      (properties) =>
        Date.parse(properties.lastmodifieddate ?? '') >= windowStart &&
        (properties.leadscore_scored_at == null || Number(properties.leadscore_scored_at) < windowStart),
    );
    expect(expected.length).toBeGreaterThan(150);
    expect(pages.flatMap((page) => page.results.map((result) => result.id))).toEqual(expected);
    expect(pages.every((page) => page.total === expected.length)).toBe(true);
  });

  it('sees a write made between two pages, as a fresh search would', () => {
    const store = portal();
    const search = routesOf(store).get('POST /crm/v3/objects/:type/search');
    const groups = [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }];
    const first = call<SearchAnswer>(search, {
      params: { type: 'contacts' },
      body: { filterGroups: groups, sorts: byModified, limit: 10 },
    });
    const moved = first.results[0].id;
    store.update('contacts', moved, { jobtitle: 'CRO' }, new Date(Date.UTC(2027, 0, 1)));
    store.archive('contacts', first.results[1].id, new Date());
    const again = searchAll(search, groups).flatMap((page) => page.results.map((result) => result.id));
    expect(again.at(-1)).toBe(moved);
    expect(again).not.toContain(first.results[1].id);
    expect(again).toEqual(expectedIds(store, () => true));
  });

  it('lists web events page by page and sees events added after the first page', () => {
    const store = portal();
    const events = routesOf(store).get('GET /events/v3/events');
    for (let index = 0; index < 250; index += 1) {
      store.webEvents.push({
        id: `e${index}`,
        eventType: index % 2 === 0 ? 'e_visited_page' : 'e_submitted_form',
        objectId: '1000',
        occurredAt: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
        properties: {},
      });
    }
    type EventsAnswer = { results: { id: string }[]; paging?: { next?: { after: string } } };
    const query = { eventType: 'e_visited_page', limit: '100' };
    const first = call<EventsAnswer>(events, { query });
    store.webEvents.push({
      id: 'late',
      eventType: 'e_visited_page',
      objectId: '1001',
      occurredAt: '2026-02-01T00:00:00Z',
      properties: {},
    });
    const second = call<EventsAnswer>(events, { query: { ...query, after: first.paging?.next?.after } });
    const ids = [...first.results, ...second.results].map((event) => event.id);
    expect(ids).toHaveLength(126);
    expect(ids.slice(0, 3)).toEqual(['e0', 'e2', 'e4']);
    expect(ids.at(-1)).toBe('late');
    expect(second.paging).toBeUndefined();
  });
});
