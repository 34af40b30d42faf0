import type { RejectedRecord } from '../../../shared/crm-connector.ts';
import { assetTypeOf, isIntegrationsPage, isTrialSignup } from '../../../shared/features/activity-signals.ts';
import { type Activity, type ActivityType, activitySchema } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { type Lead, leadSchema } from '../../../shared/schemas/lead.ts';
import { type Outcome, outcomeSchema } from '../../../shared/schemas/outcome.ts';
import { validateRecord } from '../../../shared/schemas/validate.ts';
import { conversionStageDates, type EngagementType } from './constants.ts';

/** A CRM object as the v3 APIs return it (search, batch read, list). */
export interface HubspotObject {
  id: string;
  properties: Record<string, string | null | undefined>;
  createdAt: Date | string;
  updatedAt: Date | string;
  archived?: boolean;
  archivedAt?: Date | string;
}

export function leadIdFor(tenantId: TenantId, contactId: string): string {
  return `${tenantId}:contact:${contactId}`;
}

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function count(value: string | null | undefined): number {
  const parsed = Number(value ?? '');
  return Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
}

/** HubSpot stores dates as ISO strings or epoch milliseconds depending on the property. */
export function toIso(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Characters of an activity's detail worth keeping: with the id, a detail this short keeps a stored
 * activity under Redis's 64-byte packed-member limit, past which a lead's whole set costs about
 * four times as much. Features read only the start of a detail (a page path's first segment, the
 * kind of offer a form names).
 */
const detailBudget = 40;

/**
 * A detail cut to the budget, unless the cut would change what a feature reads from it (an asset
 * type, a trial, an integrations page): those keep up to the schema's 500 characters.
 */
export function compactDetail(detail: string | null): string | null {
  if (detail === null || detail.length <= detailBudget) return detail;
  const cut = detail.slice(0, detailBudget).trimEnd();
  const keepsSignals =
    assetTypeOf(cut) === assetTypeOf(detail) &&
    isTrialSignup(cut) === isTrialSignup(detail) &&
    isIntegrationsPage(cut) === isIntegrationsPage(detail);
  return keepsSignals ? cut : detail.slice(0, 500);
}

/** Keeps unparsable numbers visible to the schema (as NaN-free strings) so they are reported, not zeroed. */
function numberOrRaw(value: string | null | undefined): number | string | null {
  const raw = text(value);
  if (raw === null) return null;
  // Contacts hold employee counts as ranges ("25-50", "1000+"): the lower bound is what is known.
  const range = /^(\d+)\s*(?:-\s*\d+|\+)$/.exec(raw);
  if (range) return Number(range[1]);
  const parsed = Number(raw.replace(/,/g, ''));
  return Number.isFinite(parsed) ? parsed : raw;
}

function domainOf(properties: HubspotObject['properties']): string | null {
  const fromEmail = text(properties.hs_email_domain);
  const website = text(properties.website);
  const candidate =
    fromEmail ?? (website ? website.replace(/^https?:\/\//i, '').replace(/^www\./i, '') : null);
  return candidate ? candidate.split('/')[0].toLowerCase() : null;
}

export function mapContactToLead(
  tenantId: TenantId,
  contact: HubspotObject,
): { lead: Lead } | { rejected: RejectedRecord } {
  const p = contact.properties;
  const domain = domainOf(p);
  const candidate = {
    id: leadIdFor(tenantId, contact.id),
    tenantId,
    crmId: contact.id,
    objectType: 'contact',
    email: text(p.email),
    firstName: text(p.firstname),
    lastName: text(p.lastname),
    company: text(p.company),
    domain,
    title: text(p.jobtitle),
    industry: text(p.industry),
    employees: numberOrRaw(p.numemployees),
    annualRevenue: numberOrRaw(p.annualrevenue),
    country: text(p.country),
    leadSource: text(p.hs_analytics_source),
    status: text(p.hs_lead_status) ?? text(p.lifecyclestage),
    createdAt: toIso(p.createdate) ?? toIso(contact.createdAt),
    updatedAt: toIso(p.lastmodifieddate) ?? toIso(contact.updatedAt),
    consentToTracking: text(p.hs_legal_basis) !== null,
    accountKey: text(p.associatedcompanyid) ?? domain,
    ownerId: text(p.hubspot_owner_id),
  };
  const result = validateRecord(leadSchema, candidate);
  if (result.ok) return { lead: result.value };
  return { rejected: { object: 'contact', crmId: contact.id, problems: result.problems } };
}

type Validated<T> = { value: T } | { rejected: RejectedRecord };

function checked<T>(
  schema: typeof activitySchema | typeof outcomeSchema,
  object: string,
  crmId: string,
  value: unknown,
) {
  const result = validateRecord(schema, value);
  return (
    result.ok ? { value: result.value } : { rejected: { object, crmId, problems: result.problems } }
  ) as Validated<T>;
}

/** Conversion events name what the visitor did; the name is the only hint of the kind of form. */
export function conversionActivityType(eventName: string): ActivityType {
  const name = eventName.toLowerCase();
  // A free trial is a sign-up form, not a request to talk to sales.
  if (/demo|contact sales|talk to sales/.test(name)) return 'demo_request';
  if (/webinar/.test(name)) return 'webinar';
  if (/download|ebook|e-book|whitepaper|white paper|guide|report/.test(name)) return 'content_download';
  return 'form_submit';
}

/** Behavioural signals kept on the contact itself: page views, visits, first and recent conversions. */
export function mapContactAnalytics(tenantId: TenantId, contact: HubspotObject): Validated<Activity>[] {
  const p = contact.properties;
  const leadId = leadIdFor(tenantId, contact.id);
  const out: Validated<Activity>[] = [];
  const views = count(p.hs_analytics_num_page_views);
  if (views > 0) {
    out.push(
      checked<Activity>(activitySchema, 'contact', contact.id, {
        id: `${leadId}:analytics:page_views`,
        tenantId,
        leadId,
        type: 'page_view',
        occurredAt: toIso(p.hs_analytics_last_timestamp) ?? toIso(p.lastmodifieddate),
        detail: `${views} page views over ${count(p.hs_analytics_num_visits)} visits`,
      }),
    );
  }
  for (const which of ['first', 'recent'] as const) {
    const name = text(p[`${which}_conversion_event_name`]);
    if (!name) continue;
    out.push(
      checked<Activity>(activitySchema, 'contact', contact.id, {
        id: `${leadId}:analytics:${which}_conversion`,
        tenantId,
        leadId,
        type: conversionActivityType(name),
        occurredAt: toIso(p[`${which}_conversion_date`]),
        detail: compactDetail(name),
      }),
    );
  }
  return out;
}

function engagementType(type: EngagementType, p: HubspotObject['properties']): ActivityType | null {
  switch (type) {
    case 'emails':
      if (count(p.hs_email_click_count) > 0) return 'email_click';
      if (count(p.hs_email_open_count) > 0 || p.hs_email_direction === 'INCOMING_EMAIL') return 'email_open';
      // A sales email nobody opened or answered says nothing about the lead.
      return null;
    case 'meetings':
      return 'meeting';
    case 'calls':
      return 'call';
    case 'notes':
    case 'tasks':
      return 'task';
  }
}

function engagementDetail(type: EngagementType, p: HubspotObject['properties']): string | null {
  const parts: (string | null)[] =
    type === 'emails'
      ? [text(p.hs_email_subject)]
      : type === 'meetings'
        ? [text(p.hs_meeting_title), text(p.hs_meeting_outcome)]
        : type === 'calls'
          ? [
              text(p.hs_call_disposition),
              p.hs_call_duration ? `${Math.round(count(p.hs_call_duration) / 1000)}s` : null,
            ]
          : type === 'tasks'
            ? [text(p.hs_task_type), text(p.hs_task_status)]
            : ['note'];
  const detail = parts.filter((part): part is string => part !== null).join(' · ');
  return detail ? compactDetail(detail) : null;
}

/** One engagement seen from one contact; null when it carries no signal (an unanswered sales email). */
export function mapEngagement(
  tenantId: TenantId,
  contactId: string,
  type: EngagementType,
  engagement: HubspotObject,
): Validated<Activity> | null {
  const p = engagement.properties;
  const activityType = engagementType(type, p);
  if (activityType === null) return null;
  const leadId = leadIdFor(tenantId, contactId);
  return checked<Activity>(activitySchema, type, engagement.id, {
    id: `${leadId}:${type}:${engagement.id}`,
    tenantId,
    leadId,
    type: activityType,
    occurredAt: toIso(p.hs_meeting_start_time) ?? toIso(p.hs_timestamp) ?? toIso(engagement.createdAt),
    detail: engagementDetail(type, p),
  });
}

/** The lifecycle stage dates that mark a conversion; the earliest one is the conversion time. */
export function mapConversion(tenantId: TenantId, contact: HubspotObject): Validated<Outcome> | null {
  const dates = conversionStageDates
    .map((name) => toIso(contact.properties[name]))
    .filter((date): date is string => date !== null)
    .sort();
  if (dates.length === 0) return null;
  return checked<Outcome>(outcomeSchema, 'contact', contact.id, {
    tenantId,
    leadId: leadIdFor(tenantId, contact.id),
    kind: 'converted',
    occurredAt: dates[0],
    amount: null,
  });
}

export interface StageOutcome {
  isClosed: boolean;
  isWon: boolean;
}

/** A closed deal as a won or lost outcome of one associated contact; open deals yield nothing. */
export function mapDeal(
  tenantId: TenantId,
  contactId: string,
  deal: HubspotObject,
  stage: StageOutcome | undefined,
): Validated<Outcome> | null {
  if (!stage?.isClosed) return null;
  const amount = text(deal.properties.amount);
  return checked<Outcome>(outcomeSchema, 'deal', deal.id, {
    tenantId,
    leadId: leadIdFor(tenantId, contactId),
    kind: stage.isWon ? 'won' : 'lost',
    occurredAt: toIso(deal.properties.closedate) ?? toIso(deal.updatedAt),
    amount: amount === null ? null : Number(amount),
  });
}
