/**
 * How the sandbox HubSpot portal's handlers scale with the portal's size: CPU time per call of the
 * contact search (a full load's filter and sort, page after page), the web events listing, and the
 * association and engagement batch reads, at several contact counts. Handlers are called directly,
 * without HTTP or rate pacing, so the figures are the sandbox's own work.
 *
 *   npx tsx bench/hubspot-sandbox-scaling.bench.ts               10,000, 30,000 and 100,000 contacts
 *   npx tsx bench/hubspot-sandbox-scaling.bench.ts 2000 8000     other sizes
 */
import type { Request, Response, Router } from 'express';
import type { FaultPlan } from '../connector/sandbox/faults.ts';
import { mountCrmRoutes } from '../connector/sandbox/hubspot/hubspot-crm-routes.ts';
import { mountEventsRoutes } from '../connector/sandbox/hubspot/hubspot-events-routes.ts';
import { HubspotStore } from '../connector/sandbox/hubspot/hubspot-store.ts';

type Handler = (request: Request, response: Response) => void;

/** Captures the handlers a mount function registers, by method and path. */
function captureRoutes(store: HubspotStore): Map<string, Handler> {
  const routes = new Map<string, Handler>();
  const register =
    (method: string) =>
    (path: string, handler: Handler): void => {
      routes.set(`${method} ${path}`, handler);
    };
  const router = { get: register('GET'), post: register('POST') } as unknown as Router;
  const faults = { recordLocked: () => false } as unknown as FaultPlan;
  mountCrmRoutes(router, store, faults, () => Date.UTC(2026, 5, 1));
  mountEventsRoutes(router, store);
  return routes;
}

/** Calls a handler and returns its JSON answer. */
function call(handler: Handler, request: Partial<Request>): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  const response = {
    status: () => response,
    json: (value: Record<string, unknown>) => {
      body = value;
      return response;
    },
  } as unknown as Response;
  handler({ params: {}, query: {}, body: {}, ...request } as Request, response);
  return body;
}

function seededStore(contacts: number): HubspotStore {
  const store = new HubspotStore();
  const start = Date.UTC(2025, 0, 1);
  for (let index = 0; index < contacts; index += 1) {
    const id = String(1_000_000 + index);
    // Shuffled modification times, as a real portal's are relative to ids.
    const at = new Date(start + ((index * 7_919) % contacts) * 60_000).toISOString();
    store.put('contacts', {
      id,
      properties: { hs_object_id: id, email: `c${index}@example.com`, createdate: at, lastmodifieddate: at },
      createdAt: at,
      updatedAt: at,
      archived: false,
    });
    for (let email = 0; email < 3; email += 1) {
      const emailId = `${id}${email}`;
      store.put('emails', {
        id: emailId,
        properties: { hs_object_id: emailId, hs_timestamp: at },
        createdAt: at,
        updatedAt: at,
        archived: false,
      });
      store.associate(id, 'emails', emailId);
    }
    store.webEvents.push({
      id: `ev${index}`,
      eventType: 'e_visited_page',
      objectId: id,
      occurredAt: at,
      properties: {},
    });
  }
  store.webEvents.sort((left, right) => left.occurredAt.localeCompare(right.occurredAt));
  return store;
}

function cpuMs(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1_000;
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((size) => size > 0);
const print = (line: string) => process.stdout.write(`${line}\n`);
print(
  'contacts  search ms/page  search pages  search total ms  events ms/page  assoc ms/1000  batch read ms/100',
);
for (const contacts of sizes.length > 0 ? sizes : [10_000, 30_000, 100_000]) {
  const store = seededStore(contacts);
  const routes = captureRoutes(store);
  const search = routes.get('POST /crm/v3/objects/:type/search') as Handler;
  const events = routes.get('GET /events/v3/events') as Handler;
  const associations = routes.get('POST /crm/v4/associations/contacts/:toType/batch/read') as Handler;
  const batchRead = routes.get('POST /crm/v3/objects/:type/batch/read') as Handler;
  // A full load as the provider reads it: pages of 200 by lastmodifieddate, a new window at the cap.
  let pages = 0;
  let windowStart = 0;
  let after: string | undefined;
  const searchMs = cpuMs(() => {
    for (;;) {
      const answer = call(search, {
        params: { type: 'contacts' },
        body: {
          filterGroups: [
            { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(windowStart) }] },
          ],
          sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
          properties: ['email', 'lastmodifieddate'],
          limit: 200,
          after,
        },
      }) as {
        results: { properties: { lastmodifieddate: string } }[];
        paging?: { next?: { after: string } };
      };
      pages += 1;
      const next = answer.paging?.next?.after;
      if (next === undefined) break;
      if (Number(next) + 200 > 10_000) {
        windowStart = Date.parse(answer.results[answer.results.length - 1].properties.lastmodifieddate) + 1;
        after = undefined;
      } else after = next;
    }
  });
  const eventPages = 20;
  let token: string | undefined;
  const eventsMs = cpuMs(() => {
    for (let page = 0; page < eventPages; page += 1) {
      const answer = call(events, {
        query: { eventType: 'e_visited_page', limit: '100', ...(token ? { after: token } : {}) },
      }) as {
        paging?: { next?: { after: string } };
      };
      token = answer.paging?.next?.after;
    }
  });
  const ids = [...store.typeMap('contacts').keys()];
  const rounds = 20;
  const assocMs = cpuMs(() => {
    for (let round = 0; round < rounds; round += 1) {
      const inputs = ids.slice(round * 1000, round * 1000 + 1000).map((id) => ({ id }));
      call(associations, { params: { toType: 'emails' }, body: { inputs } });
    }
  });
  const readMs = cpuMs(() => {
    for (let round = 0; round < rounds; round += 1) {
      const inputs = ids.slice(round * 100, round * 100 + 100).map((id) => ({ id: `${id}0` }));
      call(batchRead, { params: { type: 'emails' }, body: { inputs, properties: ['hs_timestamp'] } });
    }
  });
  print(
    `${String(contacts).padStart(8)}  ${(searchMs / pages).toFixed(2).padStart(14)}  ${String(pages).padStart(12)}  ` +
      `${searchMs.toFixed(0).padStart(15)}  ${(eventsMs / eventPages).toFixed(2).padStart(14)}  ` +
      `${(assocMs / rounds).toFixed(2).padStart(13)}  ${(readMs / rounds).toFixed(2).padStart(17)}`,
  );
}
