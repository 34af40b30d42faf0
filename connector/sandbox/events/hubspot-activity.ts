import { engagementFor, site } from '../hubspot/hubspot-seed.ts';
import type { HubspotStore, StoredObject, StoredWebEvent } from '../hubspot/hubspot-store.ts';
import { responseKinds, type SimulatedActivity } from './activity-request.ts';

/**
 * A contact's activity recorded in the sandbox portal as HubSpot records it. Page views and forms
 * become web analytics events and roll up into the contact's analytics properties; emails,
 * meetings, calls and tasks become engagements associated with the contact, and move the contact's
 * last-open, last-click or last-sales-activity property. Each write goes through the store, so
 * the app's subscribed webhooks fire and the provider's sync and batch reads see it.
 */

export interface RecordedHubspotActivity {
  /** The engagement created, if any. */
  engagement?: { type: string; id: string };
  /** The web analytics event recorded, if any. */
  webEventId?: string;
  /** Contact properties the activity changed. */
  properties: Record<string, string>;
}

/** What a person types when they log the activity by hand, where the simulation was given none. */
const DEFAULT_DETAIL: Partial<Record<SimulatedActivity['type'], string>> = {
  email_open: 'Newsletter',
  email_click: 'Newsletter',
  meeting: 'Meeting',
  call: 'Connected',
  task: 'Follow up',
};
/** Properties HubSpot's own UI sets on a logged engagement, beyond what seeded history carries. */
const LOGGED_BY_HAND: Partial<Record<string, Record<string, string>>> = {
  meetings: { hs_meeting_outcome: 'COMPLETED' },
  calls: { hs_call_direction: 'OUTBOUND' },
};

/** The engagement a simulated activity creates: the seed's mapping, as a person would log it. */
function simulatedEngagement(activity: SimulatedActivity): ReturnType<typeof engagementFor> {
  const engagement = engagementFor({
    type: activity.type,
    occurredAt: activity.at,
    detail: activity.detail ?? DEFAULT_DETAIL[activity.type] ?? null,
  });
  if (engagement === null) return null;
  return {
    type: engagement.type,
    properties: { ...engagement.properties, ...LOGGED_BY_HAND[engagement.type] },
  };
}

/** The contact properties HubSpot moves for this activity, given the contact's current values. */
function propertyChanges(contact: StoredObject, activity: SimulatedActivity): Record<string, string> {
  const p = contact.properties;
  const at = activity.at;
  const later = (current: string | null | undefined) => !current || at >= current;
  switch (activity.type) {
    case 'page_view':
    case 'pricing_page_view': {
      const views = Number(p.hs_analytics_num_page_views ?? 0) + 1;
      return {
        hs_analytics_num_page_views: String(views),
        hs_analytics_num_visits: String(Math.ceil(views / 3)),
        ...(later(p.hs_analytics_last_timestamp) ? { hs_analytics_last_timestamp: at } : {}),
      };
    }
    case 'email_open':
      return later(p.hs_email_last_open_date) ? { hs_email_last_open_date: at } : {};
    case 'email_click':
      return later(p.hs_email_last_click_date) ? { hs_email_last_click_date: at } : {};
    case 'meeting':
    case 'call':
    case 'task':
      return later(p.hs_last_sales_activity_timestamp) ? { hs_last_sales_activity_timestamp: at } : {};
    default: {
      const name = `${activity.type.replace(/_/g, ' ')}: ${activity.detail ?? 'form'}`;
      return {
        ...(later(p.recent_conversion_date)
          ? { recent_conversion_date: at, recent_conversion_event_name: name }
          : {}),
        ...(p.first_conversion_date ? {} : { first_conversion_date: at, first_conversion_event_name: name }),
      };
    }
  }
}

function webEventFor(contactId: string, activity: SimulatedActivity, id: string): StoredWebEvent | null {
  const session = { hs_session_id: `sandbox-session-${contactId}`, hs_session_source: 'DIRECT' };
  const base = { id, objectId: contactId, occurredAt: activity.at };
  if (activity.type === 'page_view' || activity.type === 'pricing_page_view') {
    const path = activity.detail ?? (activity.type === 'pricing_page_view' ? '/pricing' : '/');
    return {
      ...base,
      eventType: 'e_visited_page',
      properties: { hs_url: `${site}${path}`, hs_title: path, ...session },
    };
  }
  if (responseKinds.has(activity.type)) {
    const title = activity.detail ?? activity.type.replace(/_/g, ' ');
    return {
      ...base,
      eventType: 'e_submitted_form',
      properties: {
        hs_url: `${site}/forms/${activity.type}`,
        hs_title: title,
        hs_form_type: 'HUBSPOT',
        ...session,
      },
    };
  }
  return null;
}

/** Keeps the portal's web events in time order, as the seed leaves them and the listing expects. */
function insertInOrder(events: StoredWebEvent[], event: StoredWebEvent): void {
  let index = events.length;
  while (index > 0 && events[index - 1]!.occurredAt > event.occurredAt) index -= 1;
  events.splice(index, 0, event);
}

const changeSources: Partial<Record<SimulatedActivity['type'], string>> = {
  page_view: 'ANALYTICS',
  pricing_page_view: 'ANALYTICS',
  email_open: 'EMAIL',
  email_click: 'EMAIL',
};

export function recordHubspotActivity(
  store: HubspotStore,
  contact: StoredObject,
  activity: SimulatedActivity,
  now: Date,
): RecordedHubspotActivity {
  const recorded: RecordedHubspotActivity = { properties: {} };
  const engagement = simulatedEngagement(activity);
  if (engagement) {
    const id = store.newId();
    const stamp = now.toISOString();
    // Associated first, so whoever reacts to the creation event finds the contact behind it.
    store.associate(contact.id, engagement.type, id);
    store.put(engagement.type, {
      id,
      properties: {
        ...engagement.properties,
        hs_object_id: id,
        hs_createdate: stamp,
        hs_lastmodifieddate: stamp,
      },
      createdAt: stamp,
      updatedAt: stamp,
      archived: false,
    });
    recorded.engagement = { type: engagement.type, id };
  }
  const event = webEventFor(contact.id, activity, `sandbox-${store.newId()}`);
  if (event) {
    insertInOrder(store.webEvents, event);
    store.changed();
    recorded.webEventId = event.id;
  }
  const changes = propertyChanges(contact, activity);
  const source = responseKinds.has(activity.type) ? 'FORM' : (changeSources[activity.type] ?? 'CRM_UI');
  store.update('contacts', contact.id, changes, now, source);
  recorded.properties = changes;
  return recorded;
}
