/** HubSpot limits and names the provider relies on (see ../shared/CRM-NOTES.md). */

export const hubspotDefaults = {
  apiBase: 'https://api.hubapi.com',
  authorizeBase: 'https://app.hubspot.com',
} as const;

/** Search: at most 200 per page and 10,000 results per query; paging past the cap is a 400. */
export const searchPageSize = 200;
export const searchResultCap = 10_000;
/** Search filter limits: at most 5 filterGroups (ORed), 6 filters per group (ANDed), 18 in all. */
export const maxSearchFilterGroups = 5;
export const maxSearchFiltersPerGroup = 6;
export const maxSearchFilters = 18;
/** HubSpot allows about 5 searches per second per account; 4 leaves room for other callers. */
export const searchRequestsPerSecond = 4;

export const batchReadSize = 100;
export const batchUpdateSize = 100;
export const associationBatchSize = 1_000;
export const archivedPageSize = 100;

/** Access tokens live 30 minutes; refresh this long before they expire, never waiting for a 401. */
export const refreshAheadMs = 5 * 60_000;

/** A 429 TEN_SECONDLY_ROLLING without headers waits one full window. */
export const tenSecondlyWindowMs = 10_000;
export const secondlyWindowMs = 1_000;
/** How many rate-limit waits one call may take before it gives up and reports RATE_LIMITED. */
export const maxRateLimitWaits = 6;
/** Small HTTP-level retries for 5xx and network errors; job-level retries belong to the queue. */
export const maxTemporaryRetries = 2;
export const temporaryRetryBaseMs = 250;
/** Per-record write failures that may clear are retried alone this many times. */
export const maxRecordRetries = 2;

export const engagementTypes = ['emails', 'meetings', 'calls', 'notes', 'tasks'] as const;
export type EngagementType = (typeof engagementTypes)[number];

export const engagementProperties: Record<EngagementType, string[]> = {
  emails: [
    'hs_timestamp',
    'hs_email_direction',
    'hs_email_subject',
    'hs_email_open_count',
    'hs_email_click_count',
  ],
  meetings: ['hs_timestamp', 'hs_meeting_start_time', 'hs_meeting_title', 'hs_meeting_outcome'],
  calls: ['hs_timestamp', 'hs_call_disposition', 'hs_call_duration', 'hs_call_direction'],
  notes: ['hs_timestamp'],
  tasks: ['hs_timestamp', 'hs_task_type', 'hs_task_status', 'hs_task_subject'],
};

export const leadProperties = [
  'email',
  'firstname',
  'lastname',
  'company',
  'website',
  'hs_email_domain',
  'jobtitle',
  'industry',
  'numemployees',
  'annualrevenue',
  'country',
  'hs_analytics_source',
  'hs_lead_status',
  'lifecyclestage',
  'createdate',
  'lastmodifieddate',
  'hs_legal_basis',
  'associatedcompanyid',
  'hubspot_owner_id',
] as const;

export const analyticsProperties = [
  'hs_analytics_num_page_views',
  'hs_analytics_num_visits',
  'hs_analytics_last_timestamp',
  'first_conversion_event_name',
  'first_conversion_date',
  'recent_conversion_event_name',
  'recent_conversion_date',
] as const;

/** Lifecycle stages whose entry date marks a conversion, earliest first. */
export const conversionStageDates = [
  'hs_lifecyclestage_opportunity_date',
  'hs_lifecyclestage_customer_date',
] as const;

export const contactSearchProperties: string[] = [
  ...leadProperties,
  ...analyticsProperties,
  ...conversionStageDates,
];

export const dealProperties = ['dealstage', 'pipeline', 'amount', 'closedate', 'hs_lastmodifieddate'];

/**
 * Web analytics events (`GET /events/v3/events`, Enterprise portals): page views carry the URL,
 * form submissions the page they were made on. Listed per event type, 100 per page.
 */
export const webEventTypes = { pageView: 'e_visited_page', formSubmission: 'e_submitted_form' } as const;
export const webEventsPageSize = 100;
/**
 * Contact groups whose engagement reads run side by side, and contact pages searched ahead of the
 * one being stored: enough that a call always waits on the budget rather than on a response, and
 * few enough that the calls in flight (at most this many) keep any 10 s under HubSpot's 110.
 */
export const groupsUnderWay = 2;
export const pagesReadAhead = 2;
/** HubSpot records analytics events with a delay: each listing re-reads this much before the last one. */
export const webEventsLagMs = 60 * 60_000;

/** HubSpot-defined association type id for task → contact. */
export const taskToContactAssociationTypeId = 204;
