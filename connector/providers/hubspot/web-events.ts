import { createHash } from 'node:crypto';
import type { RejectedRecord } from '../../../shared/crm-connector.ts';
import { isConnectorError } from '../../../shared/errors.ts';
import { type Activity, type ActivityType, activitySchema } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { validateRecord } from '../../../shared/schemas/validate.ts';
import { webEventsPageSize, webEventTypes } from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { compactDetail, conversionActivityType, leadIdFor, toIso } from './hubspot-mappers.ts';

/** One occurrence from the events API, as the SDK hands it over (`occurredAt` parsed to a Date). */
export interface WebEvent {
  id: string;
  eventType: string;
  objectType: string;
  objectId: string | number;
  occurredAt: Date | string;
  properties?: Record<string, string>;
}

/**
 * Every occurrence of one event type on contacts since `occurredAfter` (all of them when absent),
 * following `paging.next.after`. Null when the portal does not give access to web analytics (a 403:
 * not an Enterprise hub, or the scope was not granted): the caller falls back to contact properties.
 */
export async function listWebEvents(
  api: HubspotApi,
  eventType: string,
  occurredAfter: Date | undefined,
  /** Called once the first page came back: the portal does have web analytics. */
  onAccess: () => void = () => {},
): Promise<WebEvent[] | null> {
  const events: WebEvent[] = [];
  let after: string | undefined;
  try {
    do {
      const page = await api.call(`list ${eventType} events`, (client, options) =>
        client.events.eventsApi.getPage(
          'contact',
          eventType,
          after,
          undefined,
          webEventsPageSize,
          undefined,
          occurredAfter,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          options,
        ),
      );
      if (events.length === 0) onAccess();
      events.push(...(page.results as WebEvent[]));
      after = page.paging?.next?.after;
    } while (after !== undefined);
  } catch (error) {
    if (isConnectorError(error) && error.context.httpStatus === 403) return null;
    throw error;
  }
  return events;
}

/** The path of a page URL, without query or fragment: `https://www.acme.com/pricing?x=1` → `/pricing`. */
export function urlPath(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? '';
  return path === '' ? '/' : path;
}

const pricingPage = /^\/pricing(?:\/|$)/i;

function webEventType(event: WebEvent): { type: ActivityType; detail: string | null } | null {
  const p = event.properties ?? {};
  if (event.eventType === webEventTypes.pageView) {
    const path = urlPath(p.hs_url ?? '');
    return { type: pricingPage.test(path) ? 'pricing_page_view' : 'page_view', detail: path };
  }
  if (event.eventType === webEventTypes.formSubmission) {
    // The page title names the offer ("Webinar: …", "Download the whitepaper", "Request a demo").
    const name = p.hs_title ?? (p.hs_url === undefined ? 'form' : urlPath(p.hs_url));
    return { type: conversionActivityType(name), detail: name };
  }
  return null;
}

/**
 * A short, stable stand-in for an event id: HubSpot's are opaque and can run to dozens of characters,
 * and the store keeps every activity's id. 72 bits of SHA-256 (12 base64url characters) leave a
 * collision among one contact's events out of reach, so re-listing an event still overwrites it.
 */
export function eventKey(eventId: string): string {
  return createHash('sha256').update(eventId).digest('base64url').slice(0, 12);
}

/** A page view or form submission of one contact; null for event types the model does not use. */
export function mapWebEvent(
  tenantId: TenantId,
  event: WebEvent,
): { value: Activity } | { rejected: RejectedRecord } | null {
  const typed = webEventType(event);
  if (typed === null) return null;
  const contactId = String(event.objectId);
  const leadId = leadIdFor(tenantId, contactId);
  const result = validateRecord(activitySchema, {
    id: `${leadId}:events:${eventKey(event.id)}`,
    tenantId,
    leadId,
    type: typed.type,
    occurredAt: toIso(event.occurredAt),
    detail: compactDetail(typed.detail),
  });
  if (result.ok) return { value: result.value };
  return { rejected: { object: event.eventType, crmId: event.id, problems: result.problems } };
}
