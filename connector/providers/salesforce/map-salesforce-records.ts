import type { ActivityType } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import type { OutcomeKind } from '../../../shared/schemas/outcome.ts';
import { booleanFields, numericFields } from './constants.ts';

/**
 * Salesforce records to canonical shapes. The output is NOT validated here: the sync validates it
 * against the canonical schemas so a bad record is reported with the field that was wrong.
 */

export type SalesforceRecord = Record<string, unknown>;

function text(value: unknown): string | null {
  if (typeof value !== 'string') return value === null || value === undefined ? null : String(value);
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Salesforce writes `2026-01-02T10:00:00.000+0000`; canonical records use ISO-8601 with `Z`. */
export function toIsoDateTime(value: unknown): string | null {
  const raw = text(value);
  if (raw === null) return null;
  const date = new Date(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? raw : date.toISOString();
}

/** A Salesforce date (`ActivityDate`, `CloseDate`) is midnight UTC: never shift it by a time zone. */
export function dateAtMidnightUtc(value: unknown): string | null {
  const raw = text(value);
  if (raw === null) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00.000Z` : raw;
}

function nested(record: SalesforceRecord, relationship: string): SalesforceRecord | null {
  const value = record[relationship];
  return typeof value === 'object' && value !== null ? (value as SalesforceRecord) : null;
}

const domainPattern = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The company domain from a website, else from the email; null when neither gives a clean domain. */
export function companyDomain(website: unknown, email: unknown): string | null {
  const site = text(website);
  if (site) {
    const host = site
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, '')
      .replace(/^www\./, '')
      .split(/[/?#:]/)[0];
    if (host && domainPattern.test(host)) return host;
  }
  const mail = text(email);
  const at = mail ? mail.lastIndexOf('@') : -1;
  if (mail && at > 0) {
    const host = mail.slice(at + 1).toLowerCase();
    if (domainPattern.test(host)) return host;
  }
  return null;
}

function numberOrRaw(value: unknown): unknown {
  return value === null || value === undefined || value === '' ? null : value;
}

export function mapLeadOrContact(record: SalesforceRecord, tenantId: TenantId): Record<string, unknown> {
  const objectType = (record.attributes as { type?: string } | undefined)?.type ?? 'Lead';
  const account = objectType === 'Contact' ? nested(record, 'Account') : null;
  const website = objectType === 'Contact' ? account?.Website : record.Website;
  const domain = companyDomain(website, record.Email);
  const accountId = objectType === 'Contact' ? text(record.AccountId) : text(record.ConvertedAccountId);
  return {
    id: String(record.Id),
    tenantId,
    crmId: String(record.Id),
    objectType,
    email: text(record.Email),
    firstName: text(record.FirstName),
    lastName: text(record.LastName),
    company: objectType === 'Contact' ? text(account?.Name) : text(record.Company),
    domain,
    title: text(record.Title),
    industry: text(objectType === 'Contact' ? account?.Industry : record.Industry),
    employees: numberOrRaw(objectType === 'Contact' ? account?.NumberOfEmployees : record.NumberOfEmployees),
    annualRevenue: numberOrRaw(objectType === 'Contact' ? account?.AnnualRevenue : record.AnnualRevenue),
    country: text(objectType === 'Contact' ? record.MailingCountry : record.Country),
    leadSource: text(record.LeadSource),
    status: objectType === 'Contact' ? null : text(record.Status),
    createdAt: toIsoDateTime(record.CreatedDate),
    updatedAt: toIsoDateTime(record.SystemModstamp),
    consentToTracking: record.HasOptedOutOfEmail !== true,
    accountKey: accountId ?? domain,
    ownerId: text(record.OwnerId),
  };
}

/**
 * A campaign response takes the kind of its Campaign (`Type` is an org-defined picklist: standard
 * values plus the ones marketing adds, such as "Content Download" or "Demo Request"). Trials and
 * event sign-ups are form submissions; any other kind stays a generic campaign response.
 */
export function campaignResponseType(campaignType: string | null): ActivityType {
  const kind = (campaignType ?? '').toLowerCase();
  if (kind.includes('webinar')) return 'webinar';
  if (/demo/.test(kind)) return 'demo_request';
  if (/content|download|syndication/.test(kind)) return 'content_download';
  if (/trial|event|conference|trade show|web form|form/.test(kind)) return 'form_submit';
  return 'campaign_response';
}

/** The page a marketing-automation Task logs ("Visited page: /pricing", "Page view: https://…/pricing"). */
const pageVisitSubject = /^(?:visited page|page view(?:ed)?|viewed page)\s*[:-]\s*(\S+)/i;

export function pagePath(page: string): string {
  const path = page.replace(/^[a-z]+:\/\/[^/]*/i, '');
  return path === '' ? '/' : path;
}

/** Email Tasks from marketing automation say what the person did; a logged sales email is a task. */
function emailTaskType(subject: string): ActivityType {
  if (/\bclick/i.test(subject)) return 'email_click';
  if (/\bopen/i.test(subject)) return 'email_open';
  return 'task';
}

function taskActivity(record: SalesforceRecord): { type: ActivityType; detail: string | null } {
  const subject = text(record.Subject) ?? '';
  if (record.TaskSubtype === 'Call')
    return { type: 'call', detail: text(record.CallDisposition) ?? text(subject) };
  if (record.TaskSubtype === 'Email' || record.TaskSubtype === 'ListEmail') {
    return { type: emailTaskType(subject), detail: text(subject.replace(/^email[^:]*:\s*/i, '')) };
  }
  const page = pageVisitSubject.exec(subject);
  if (page) {
    const path = pagePath(page[1]!);
    return { type: /^\/pricing(?:[/?#]|$)/i.test(path) ? 'pricing_page_view' : 'page_view', detail: path };
  }
  return { type: 'task', detail: text(subject) };
}

export function mapActivity(record: SalesforceRecord, tenantId: TenantId): Record<string, unknown> {
  const objectType = (record.attributes as { type?: string } | undefined)?.type ?? 'Task';
  let type: ActivityType;
  let occurredAt: string | null;
  let detail: string | null;
  let leadId: unknown;
  if (objectType === 'CampaignMember') {
    const campaign = nested(record, 'Campaign');
    type = campaignResponseType(text(campaign?.Type));
    leadId = record.LeadId ?? record.ContactId;
    occurredAt = dateAtMidnightUtc(record.FirstRespondedDate) ?? toIsoDateTime(record.CreatedDate);
    detail = text(campaign?.Name) ?? text(record.Status);
  } else if (objectType === 'Event') {
    type = 'meeting';
    leadId = record.WhoId;
    occurredAt = toIsoDateTime(record.StartDateTime ?? record.ActivityDateTime);
    detail = text(record.Subject);
  } else {
    ({ type, detail } = taskActivity(record));
    leadId = record.WhoId;
    // Logged activities carry only a date; the creation time is when automation logged them.
    occurredAt = dateAtMidnightUtc(record.ActivityDate) ?? toIsoDateTime(record.CreatedDate);
  }
  return {
    id: String(record.Id),
    tenantId,
    leadId: text(leadId),
    type,
    occurredAt,
    detail: detail === null ? null : detail.slice(0, 500),
  };
}

/** A converted lead yields `converted`, plus `won` or `lost` once its opportunity is closed. */
export function mapOutcomes(record: SalesforceRecord, tenantId: TenantId): Record<string, unknown>[] {
  const outcomes: Record<string, unknown>[] = [];
  const leadId = String(record.Id);
  if (record.IsConverted === true) {
    outcomes.push({
      tenantId,
      leadId,
      kind: 'converted' satisfies OutcomeKind,
      occurredAt: dateAtMidnightUtc(record.ConvertedDate),
      amount: null,
    });
  }
  const opportunity = nested(record, 'ConvertedOpportunity');
  if (opportunity && opportunity.IsClosed === true) {
    const kind: OutcomeKind = opportunity.IsWon === true ? 'won' : 'lost';
    outcomes.push({
      tenantId,
      leadId,
      kind,
      occurredAt: dateAtMidnightUtc(opportunity.CloseDate),
      amount: numberOrRaw(opportunity.Amount),
    });
  }
  return outcomes;
}

/**
 * Bulk API 2.0 returns every value as CSV text; rebuild the REST shape (numbers, booleans, null for
 * empty, nested relationship objects) so one mapper serves both.
 */
export function fromCsvRow(row: Record<string, string>, objectType: string): SalesforceRecord {
  const record: SalesforceRecord = { attributes: { type: objectType } };
  for (const [column, raw] of Object.entries(row)) {
    let value: unknown = raw === '' ? null : raw;
    if (value !== null && numericFields.has(column)) {
      const parsed = Number(raw);
      value = Number.isFinite(parsed) ? parsed : raw;
    } else if (value !== null && booleanFields.has(column)) {
      value = raw === 'true';
    }
    const dot = column.indexOf('.');
    if (dot < 0) {
      record[column] = value;
      continue;
    }
    const relationship = column.slice(0, dot);
    const parent = (record[relationship] as SalesforceRecord | null | undefined) ?? {};
    parent[column.slice(dot + 1)] = value;
    record[relationship] = parent;
  }
  // A relationship whose every column is empty is a missing parent, as REST answers null.
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'attributes' && typeof value === 'object' && value !== null) {
      const parent = value as SalesforceRecord;
      if (Object.values(parent).every((item) => item === null)) record[key] = null;
    }
  }
  return record;
}
