import {
  HUBSPOT_SIGNATURE_HEADER,
  HUBSPOT_TIMESTAMP_HEADER,
  hubspotSignatureV3,
} from '../../server/auth/hubspot-signature.ts';
import type { HubspotTarget } from './event-targets.ts';
import type { PostRequest } from './webhook-poster.ts';

/** HubSpot's webhook wire format (v3 signature, JSON array of at most 100 events per POST). */

export const hubspotBatchSize = 100;

export type HubspotSubscriptionType =
  | 'contact.creation'
  | 'contact.propertyChange'
  | 'contact.deletion'
  | 'contact.privacyDeletion'
  | 'object.creation';

/** One event as HubSpot POSTs it. */
export interface HubspotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  /** Epoch milliseconds of the change. */
  occurredAt: number;
  subscriptionType: HubspotSubscriptionType;
  /** 0 on the first delivery, one more on every retry. */
  attemptNumber: number;
  objectId: number;
  /** For object.creation: the object type id ("0-47" for meetings). */
  objectTypeId?: string;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
}

/** An event before delivery: what changed, without the delivery fields. */
export type HubspotEventDraft = Omit<HubspotWebhookEvent, 'portalId' | 'appId' | 'attemptNumber'>;

/**
 * Event ids are unique across sandbox runs, as HubSpot's are, so a receiver that de-duplicates on
 * eventId for a day never mistakes a new run's events for replays: a millisecond clock times 1,000.
 */
let lastEventId = Date.now() * 1000;
export function nextHubspotEventId(): number {
  lastEventId = Math.max(lastEventId + 1, Date.now() * 1000);
  return lastEventId;
}

/** The POST of one batch, signed afresh for this attempt. */
export function hubspotRequest(
  target: HubspotTarget,
  drafts: HubspotEventDraft[],
  attemptNumber: number,
  now: number,
): PostRequest {
  const events: HubspotWebhookEvent[] = drafts.map((draft) => ({
    eventId: draft.eventId,
    subscriptionId: draft.subscriptionId,
    portalId: target.portalId,
    appId: target.appId,
    occurredAt: draft.occurredAt,
    subscriptionType: draft.subscriptionType,
    attemptNumber,
    objectId: draft.objectId,
    ...(draft.objectTypeId === undefined ? {} : { objectTypeId: draft.objectTypeId }),
    ...(draft.propertyName === undefined ? {} : { propertyName: draft.propertyName }),
    ...(draft.propertyValue === undefined ? {} : { propertyValue: draft.propertyValue }),
    changeSource: draft.changeSource,
  }));
  const body = JSON.stringify(events);
  const timestamp = String(now);
  const signature = hubspotSignatureV3(target.clientSecret, {
    method: 'POST',
    uri: target.url,
    rawBody: body,
    timestamp,
  });
  return {
    url: target.url,
    headers: {
      'content-type': 'application/json',
      [HUBSPOT_TIMESTAMP_HEADER]: timestamp,
      [HUBSPOT_SIGNATURE_HEADER]: signature,
      'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (LeadScore sandbox)',
    },
    body,
  };
}
