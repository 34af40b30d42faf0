import { z } from 'zod';
import type { ActivityKind } from '../../../shared/crm-connector.ts';

/**
 * One event of a HubSpot webhook delivery (a POST carries a JSON array of up to 100). Extra fields
 * HubSpot adds later are kept out of the way, not refused.
 */
export const hubspotEventSchema = z.object({
  eventId: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]),
  subscriptionId: z.number().int().nonnegative(),
  portalId: z.number().int().positive(),
  appId: z.number().int().nonnegative(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().regex(/^[a-z_]{1,40}\.[A-Za-z_]{1,40}$/),
  attemptNumber: z.number().int().nonnegative(),
  objectId: z.number().int().positive(),
  /** For object.creation: the type of the object created ("0-47": a meeting). */
  objectTypeId: z
    .string()
    .regex(/^\d{1,4}-\d{1,10}$/)
    .optional(),
  propertyName: z.string().max(200).optional(),
  propertyValue: z.string().max(10_000).optional(),
  changeSource: z.string().max(100).optional(),
});
export type HubspotEvent = z.infer<typeof hubspotEventSchema>;

/** A delivery holds at most this many events (HubSpot sends up to 100). */
export const maxEventsPerDelivery = 1_000;

/** What LeadScore does with an event of each subscription it asks for (manifest.json). */
export type EventAction = 'rescore' | 'erase' | 'ignore';

export function actionFor(event: HubspotEvent): EventAction {
  switch (event.subscriptionType) {
    case 'contact.creation':
    case 'contact.propertyChange':
    case 'contact.associationChange':
    case 'contact.restore':
      return 'rescore';
    case 'contact.deletion':
    case 'contact.privacyDeletion':
      return 'erase';
    default:
      // object.creation of an engagement names the engagement, not its contact; the contact's
      // behaviour property that HubSpot moves with it (last sales activity, last open or click)
      // arrives as its own contact.propertyChange and rescores the contact.
      return 'ignore';
  }
}

export type ParsedDelivery =
  | { ok: true; events: HubspotEvent[]; rejected: { index: number; problems: string[] }[] }
  | { ok: false; problem: string };

/** The events of a raw body; a bad event is reported by index and skipped, never failing the others. */
export function parseDelivery(rawBody: Buffer): ParsedDelivery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, problem: 'the body must be a JSON array of HubSpot webhook events' };
  }
  if (!Array.isArray(parsed)) return { ok: false, problem: 'the body must be a JSON array of events' };
  if (parsed.length > maxEventsPerDelivery)
    return { ok: false, problem: `a delivery may hold at most ${maxEventsPerDelivery} events` };
  const events: HubspotEvent[] = [];
  const rejected: { index: number; problems: string[] }[] = [];
  parsed.forEach((item: unknown, index) => {
    const result = hubspotEventSchema.safeParse(item);
    if (result.success) events.push(result.data);
    else
      rejected.push({
        index,
        // Paths and messages only: never the values, which may be personal data.
        problems: result.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`),
      });
  });
  return { ok: true, events, rejected };
}

/** The last-sales-activity properties: any engagement moves them, so alone they say little. */
const salesActivityProperty = /^hs_(last_sales_activity|sales_email_last|last_(meeting|call))/;

/** Contact properties HubSpot moves with an activity, and the kinds of activity behind each. */
const propertyKinds: [RegExp, ActivityKind[]][] = [
  [/^hs_email_(last|first)_(open|click|reply|send)/, ['email']],
  [salesActivityProperty, ['meeting', 'call', 'task', 'email']],
  [/^(hs_analytics_|recent_conversion|first_conversion|num_conversion_events)/, ['web']],
];

/** The activity kind of each engagement type HubSpot announces with object.creation (its object type id). */
const engagementKindByTypeId: Record<string, ActivityKind> = {
  '0-49': 'email',
  '0-47': 'meeting',
  '0-48': 'call',
  '0-46': 'task',
  '0-27': 'task',
};

/** The kind of activity an engagement creation event announces; undefined for any other event. */
export function engagementKindOf(event: HubspotEvent): ActivityKind | undefined {
  if (event.subscriptionType !== 'object.creation') return undefined;
  return engagementKindByTypeId[event.objectTypeId ?? ''];
}

function isSalesActivityChange(event: HubspotEvent): boolean {
  return (
    event.subscriptionType === 'contact.propertyChange' &&
    salesActivityProperty.test(event.propertyName ?? '')
  );
}

/**
 * The kinds of activity each event of one portal's delivery can bring. HubSpot sends an
 * engagement's creation together with the contact's last-sales-activity change, and the creation
 * names the engagement's type while the property could be moved by any of five: when the delivery
 * announces at least as many engagements as it has such changes, those changes read only the
 * announced types (one association and one batch read each instead of five of both). Otherwise
 * (the creation came in another delivery) they read every engagement type, so nothing is missed.
 */
export function kindsOfDelivery(events: HubspotEvent[]): (ActivityKind[] | undefined)[] {
  const announced = events.map(engagementKindOf).filter((kind) => kind !== undefined);
  const salesChanges = events.filter(isSalesActivityChange).length;
  const narrowTo = announced.length > 0 && announced.length >= salesChanges ? new Set(announced) : null;
  return events.map((event) => {
    const kinds = kindsOf(event);
    if (narrowTo === null || kinds === undefined || !isSalesActivityChange(event)) return kinds;
    const narrowed = kinds.filter((kind) => narrowTo.has(kind));
    return narrowed.length > 0 ? narrowed : kinds;
  });
}

/**
 * The kinds of activity an event can bring, so the rescore reads only their objects: undefined
 * (any) for a new or restored contact, none for a change of a lead field (lifecycle stage, email,
 * job title), the matching kinds for a behaviour property.
 */
export function kindsOf(event: HubspotEvent): ActivityKind[] | undefined {
  if (event.subscriptionType !== 'contact.propertyChange') return undefined;
  const name = event.propertyName ?? '';
  for (const [pattern, kinds] of propertyKinds) if (pattern.test(name)) return kinds;
  return name === '' ? undefined : [];
}
