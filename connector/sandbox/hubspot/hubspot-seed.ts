import type { Activity } from '../../../shared/schemas/activity.ts';
import type { Outcome } from '../../../shared/schemas/outcome.ts';
import type { HubspotStore, StoredObject, StoredWebEvent } from './hubspot-store.ts';

/** Canonical records from the generator, as HubSpot would hold them. */
export interface HubspotSeed {
  leads: (Record<string, unknown> & { crmId: string; createdAt: string; updatedAt: string })[];
  activities?: Activity[];
  outcomes?: Outcome[];
}

function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

function contactProperties(lead: HubspotSeed['leads'][number]): Record<string, string | null> {
  return {
    email: text(lead.email),
    firstname: text(lead.firstName),
    lastname: text(lead.lastName),
    company: text(lead.company),
    hs_email_domain: text(lead.domain),
    jobtitle: text(lead.title),
    industry: text(lead.industry),
    numemployees: text(lead.employees),
    annualrevenue: text(lead.annualRevenue),
    country: text(lead.country),
    hs_analytics_source: text(lead.leadSource),
    hs_lead_status: text(lead.status),
    lifecyclestage: 'lead',
    createdate: lead.createdAt,
    lastmodifieddate: lead.updatedAt,
    hs_legal_basis: lead.consentToTracking === false ? null : 'Legitimate interest – prospect/lead',
    hubspot_owner_id: text(lead.ownerId),
    hs_object_id: lead.crmId,
  };
}

function object(id: string, properties: Record<string, string | null>, at: string): StoredObject {
  return {
    id,
    properties: { hs_object_id: id, ...properties },
    createdAt: at,
    updatedAt: at,
    archived: false,
  };
}

/** Engagement objects for the activity types HubSpot keeps as engagements. */
export function engagementFor(
  activity: Pick<Activity, 'type' | 'occurredAt' | 'detail'>,
): { type: string; properties: Record<string, string | null> } | null {
  const at = activity.occurredAt;
  switch (activity.type) {
    case 'email_open':
    case 'email_click':
      return {
        type: 'emails',
        properties: {
          hs_timestamp: at,
          hs_email_direction: 'EMAIL',
          hs_email_subject: activity.detail,
          hs_email_open_count: '1',
          hs_email_click_count: activity.type === 'email_click' ? '1' : '0',
        },
      };
    case 'meeting':
      return {
        type: 'meetings',
        properties: { hs_timestamp: at, hs_meeting_start_time: at, hs_meeting_title: activity.detail },
      };
    case 'call':
      return { type: 'calls', properties: { hs_timestamp: at, hs_call_disposition: activity.detail } };
    case 'task':
      return {
        type: 'tasks',
        properties: { hs_timestamp: at, hs_task_subject: activity.detail, hs_task_status: 'COMPLETED' },
      };
    default:
      return null;
  }
}

/** The site of the seeded portal's page views. */
export const site = 'https://www.example.com';

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The page a form was submitted on: its title names the offer, as marketing titles landing pages. */
function formPage(activity: Activity): { url: string; title: string } {
  const detail = activity.detail ?? 'form';
  switch (activity.type) {
    case 'webinar':
      return {
        url: `${site}/webinars/${slug(detail.replace(/^webinar:\s*/i, ''))}`,
        title: capitalised(detail),
      };
    case 'content_download':
      return { url: `${site}/resources/${slug(detail)}`, title: `Download: ${detail}` };
    case 'demo_request':
      return { url: `${site}/demo`, title: 'Request a demo' };
    default:
      return { url: `${site}/forms/${slug(detail)}`, title: capitalised(detail) };
  }
}

/**
 * Page views and form submissions as the web analytics events API lists them (Enterprise portals);
 * null for activity types HubSpot keeps elsewhere.
 */
function webEventFor(activity: Activity): StoredWebEvent | null {
  const base = {
    id: `leviathan-${activity.id}-${Date.parse(activity.occurredAt)}`,
    objectId: activity.leadId,
    occurredAt: activity.occurredAt,
  };
  const session = { hs_session_id: `leviathan-session-${activity.leadId}`, hs_session_source: 'DIRECT' };
  if (activity.type === 'page_view' || activity.type === 'pricing_page_view') {
    const path = activity.detail ?? '/';
    return {
      ...base,
      eventType: 'e_visited_page',
      properties: {
        hs_url: `${site}${path}`,
        hs_title: path === '/' ? 'Home' : capitalised(path.slice(1)),
        ...session,
      },
    };
  }
  if (
    ['form_submit', 'content_download', 'webinar', 'demo_request', 'campaign_response'].includes(
      activity.type,
    )
  ) {
    const page = formPage(activity);
    return {
      ...base,
      eventType: 'e_submitted_form',
      properties: { hs_url: page.url, hs_title: page.title, hs_form_type: 'HUBSPOT', ...session },
    };
  }
  return null;
}

/** Page views roll up into counters; form-like events into the first and most recent conversion. */
function rollUp(contact: StoredObject, activity: Activity): void {
  const p = contact.properties;
  if (activity.type === 'page_view' || activity.type === 'pricing_page_view') {
    p.hs_analytics_num_page_views = String(Number(p.hs_analytics_num_page_views ?? 0) + 1);
    p.hs_analytics_num_visits = String(Math.ceil(Number(p.hs_analytics_num_page_views) / 3));
    if (!p.hs_analytics_last_timestamp || activity.occurredAt > p.hs_analytics_last_timestamp) {
      p.hs_analytics_last_timestamp = activity.occurredAt;
    }
    return;
  }
  const name = `${activity.type.replace(/_/g, ' ')}: ${activity.detail ?? 'form'}`;
  if (!p.first_conversion_date || activity.occurredAt < p.first_conversion_date) {
    p.first_conversion_date = activity.occurredAt;
    p.first_conversion_event_name = name;
  }
  if (!p.recent_conversion_date || activity.occurredAt >= p.recent_conversion_date) {
    p.recent_conversion_date = activity.occurredAt;
    p.recent_conversion_event_name = name;
  }
}

/** Fills the store from generator records: contacts, engagements with v4 associations, deals. */
export function seedHubspot(store: HubspotStore, seed: HubspotSeed): void {
  const contacts = store.typeMap('contacts');
  for (const lead of seed.leads) {
    contacts.set(lead.crmId, object(lead.crmId, contactProperties(lead), lead.createdAt));
    const stored = contacts.get(lead.crmId);
    if (stored) stored.updatedAt = lead.updatedAt;
  }
  for (const activity of seed.activities ?? []) {
    const contact = contacts.get(activity.leadId);
    if (!contact) continue;
    const engagement = engagementFor(activity);
    if (engagement) {
      store.put(engagement.type, object(activity.id, engagement.properties, activity.occurredAt));
      store.associate(contact.id, engagement.type, activity.id);
      continue;
    }
    // The contact's analytics properties sum up what the events record one by one.
    rollUp(contact, activity);
    const event = webEventFor(activity);
    if (event) store.webEvents.push(event);
  }
  store.webEvents.sort(
    (left, right) => left.occurredAt.localeCompare(right.occurredAt) || left.id.localeCompare(right.id),
  );
  for (const outcome of seed.outcomes ?? []) {
    const contact = contacts.get(outcome.leadId);
    if (!contact) continue;
    if (outcome.kind === 'converted') {
      contact.properties.hs_lifecyclestage_opportunity_date = outcome.occurredAt;
      contact.properties.lifecyclestage = 'opportunity';
    } else if (outcome.kind === 'disqualified') {
      contact.properties.hs_lead_status = 'UNQUALIFIED';
    } else {
      const id = store.newId();
      store.put(
        'deals',
        object(
          id,
          {
            dealstage: outcome.kind === 'won' ? 'closedwon' : 'closedlost',
            pipeline: 'default',
            amount: text(outcome.amount),
            closedate: outcome.occurredAt,
            hs_lastmodifieddate: outcome.occurredAt,
          },
          outcome.occurredAt,
        ),
      );
      store.associate(contact.id, 'deals', id);
    }
  }
  // Contacts were written and rolled up in place above.
  store.changed();
}
