import type { Request, Response, Router } from 'express';
import { hubspotError } from './hubspot-responses.ts';
import type { HubspotStore, StoredWebEvent } from './hubspot-store.ts';

/**
 * `GET /events/v3/events`: a portal's web analytics events (Enterprise hubs only), filtered by
 * object, event type and time, oldest first, `limit` per page (100 at most) with an opaque `after`.
 */

const maxPageSize = 100;

export interface EventsRouteOptions {
  /** False for a portal without web analytics (below Enterprise): the API answers 403. */
  webAnalytics?: boolean;
}

function pageToken(offset: number): string {
  return encodeURIComponent(Buffer.from(String(offset)).toString('base64'));
}

function offsetOf(token: unknown): number | null {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(decodeURIComponent(String(token)), 'base64').toString('utf8'));
  return Number.isInteger(offset) && offset >= 0 ? offset : null;
}

function answer(event: StoredWebEvent) {
  return {
    objectType: 'CONTACT',
    objectId: event.objectId,
    eventType: event.eventType,
    occurredAt: event.occurredAt,
    id: event.id,
    properties: event.properties,
  };
}

export function mountEventsRoutes(router: Router, store: HubspotStore, options: EventsRouteOptions = {}) {
  router.get('/events/v3/events', (request: Request, response: Response) => {
    if (options.webAnalytics === false) {
      return hubspotError(
        response,
        403,
        'MISSING_SCOPES',
        "This app hasn't been granted all required scopes to make this call.",
      );
    }
    const query = request.query as Record<string, string | undefined>;
    if (query.objectType !== undefined && query.objectType.toLowerCase() !== 'contact') {
      return hubspotError(response, 400, 'VALIDATION_ERROR', `Unsupported objectType ${query.objectType}`);
    }
    const limit = Math.min(Number(query.limit ?? maxPageSize) || maxPageSize, maxPageSize);
    const offset = offsetOf(query.after);
    if (offset === null) return hubspotError(response, 400, 'VALIDATION_ERROR', 'Invalid after token');
    const after = query.occurredAfter ? Date.parse(query.occurredAfter) : Number.NEGATIVE_INFINITY;
    const before = query.occurredBefore ? Date.parse(query.occurredBefore) : Number.POSITIVE_INFINITY;
    const filter = { eventType: query.eventType, objectId: query.objectId, after, before };
    const matching = store.view(
      `events ${JSON.stringify({ ...filter, after: String(after), before: String(before) })}`,
      () =>
        store.webEvents.filter((event) => {
          const at = Date.parse(event.occurredAt);
          return (
            (filter.eventType === undefined || event.eventType === filter.eventType) &&
            (filter.objectId === undefined || event.objectId === filter.objectId) &&
            at >= after &&
            at < before
          );
        }),
    );
    const results = matching.slice(offset, offset + limit).map(answer);
    const next = offset + limit < matching.length ? pageToken(offset + limit) : undefined;
    response.json({
      results,
      ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
    });
  });
}
