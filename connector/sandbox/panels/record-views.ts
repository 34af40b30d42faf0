import type { Manifest } from '../../../shared/manifest.ts';
import type { HubspotStore } from '../hubspot/hubspot-store.ts';
import type { SalesforceStore, SfRecord } from '../salesforce/salesforce-store.ts';

/**
 * Records as a person sees them in the CRM's list and record pages: name, company, title, status,
 * and LeadScore's fields exactly as the CRM holds them (null when never written).
 */

export interface LeadscoreFieldValues {
  score: number | null;
  tier: string | null;
  factors: string[];
  modelVersion: string | null;
  scoredAt: string | null;
  recommendation: string | null;
}

export interface CrmRecordView {
  id: string;
  object: string;
  name: string;
  company: string | null;
  title: string | null;
  status: string | null;
  email: string | null;
  lastModified: string | null;
  leadscore: LeadscoreFieldValues;
}

export interface RecordPage {
  total: number;
  /** Records whose score field holds a value. */
  scored: number;
  offset: number;
  limit: number;
  records: CrmRecordView[];
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null;

const number = (value: unknown): number | null => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
};

/** A time as a record page shows it: HubSpot keeps datetime properties as epoch milliseconds. */
const time = (value: unknown): string | null => {
  const raw = text(value);
  if (raw === null || !/^\d{10,14}$/.test(raw)) return raw;
  const date = new Date(Number(raw));
  return Number.isNaN(date.getTime()) ? raw : date.toISOString();
};

type FieldKey = 'score' | 'tier' | 'modelVersion' | 'scoredAt' | 'recommendation';
const FACTOR_KEYS = ['factor1', 'factor2', 'factor3', 'factor4', 'factor5'];

function leadscoreValues(read: (key: string) => unknown): LeadscoreFieldValues {
  const get = (key: FieldKey) => read(key);
  return {
    score: number(get('score')),
    tier: text(get('tier')),
    factors: FACTOR_KEYS.map((key) => text(read(key))).filter((value): value is string => value !== null),
    modelVersion: text(get('modelVersion')),
    scoredAt: time(get('scoredAt')),
    recommendation: text(get('recommendation')),
  };
}

/** A Salesforce field by its manifest name, with or without the managed package's namespace. */
function salesforceField(record: SfRecord, apiName: string): unknown {
  if (apiName in record) return record[apiName];
  const suffix = `__${apiName}`;
  for (const [name, value] of Object.entries(record)) if (name.endsWith(suffix)) return value;
  return undefined;
}

export function salesforceRecordView(record: SfRecord, object: string, manifest: Manifest): CrmRecordView {
  const fields = manifest.salesforce.objects[object === 'Contact' ? 'Contact' : 'Lead'];
  const apiNameOf = new Map<string, string>(fields.map((field) => [field.key, field.apiName]));
  const name = [text(record.FirstName), text(record.LastName)].filter(Boolean).join(' ');
  return {
    id: record.Id,
    object,
    name: name || '(no name)',
    company: text(record.Company),
    title: text(record.Title),
    status: text(record.Status),
    email: text(record.Email),
    lastModified: text(record.LastModifiedDate),
    leadscore: leadscoreValues((key) => {
      const apiName = apiNameOf.get(key);
      return apiName === undefined ? undefined : salesforceField(record, apiName);
    }),
  };
}

export function hubspotRecordView(
  id: string,
  properties: Record<string, string | null | undefined>,
  manifest: Manifest,
): CrmRecordView {
  const nameOf = new Map<string, string>(
    manifest.hubspot.properties.map((property) => [property.key, property.name]),
  );
  const name = [text(properties.firstname), text(properties.lastname)].filter(Boolean).join(' ');
  return {
    id,
    object: 'contact',
    name: name || text(properties.email) || '(no name)',
    company: text(properties.company),
    title: text(properties.jobtitle),
    status: text(properties.hs_lead_status) ?? text(properties.lifecyclestage),
    email: text(properties.email),
    lastModified: text(properties.lastmodifieddate),
    leadscore: leadscoreValues((key) => {
      const property = nameOf.get(key);
      return property === undefined ? undefined : properties[property];
    }),
  };
}

function page(views: CrmRecordView[], offset: number, limit: number): RecordPage {
  return {
    total: views.length,
    scored: views.filter((view) => view.leadscore.score !== null).length,
    offset,
    limit,
    records: views.slice(offset, offset + limit),
  };
}

/** The org's open leads, oldest first (the seed's order), a page at a time. */
export function salesforceLeadPage(
  store: SalesforceStore,
  manifest: Manifest,
  offset: number,
  limit: number,
): RecordPage {
  const views = [...store.table('Lead').values()]
    .filter((record) => record.IsConverted !== true)
    .map((record) => salesforceRecordView(record, 'Lead', manifest));
  return page(views, offset, limit);
}

/** The portal's contacts that are not archived, in id order, a page at a time. */
export function hubspotContactPage(
  store: HubspotStore,
  manifest: Manifest,
  offset: number,
  limit: number,
): RecordPage {
  const views = [...store.typeMap('contacts').values()]
    .filter((contact) => !contact.archived)
    .map((contact) => hubspotRecordView(contact.id, contact.properties, manifest));
  return page(views, offset, limit);
}
