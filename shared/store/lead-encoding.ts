import type { Lead } from '../schemas/lead.ts';

/**
 * How a lead is stored: a JSON array of values in a fixed order (no field names, no id or tenant,
 * which the key already holds, times as epoch ms), about half the size of the lead's own JSON.
 * Fields this list does not name (added to the schema later, such as an owner id) ride along in a
 * trailing object, so a schema change never loses data; reordering or removing an entry here would
 * misread stored leads, so this list only ever grows at the end.
 */
const POSITIONAL_FIELDS = [
  'crmId',
  'objectType',
  'email',
  'firstName',
  'lastName',
  'company',
  'domain',
  'title',
  'industry',
  'employees',
  'annualRevenue',
  'country',
  'leadSource',
  'status',
  'createdAt',
  'updatedAt',
  'consentToTracking',
  'accountKey',
] as const;

const TIME_FIELDS = new Set<string>(['createdAt', 'updatedAt']);
const KEYED_ELSEWHERE = new Set<string>(['id', 'tenantId']);
const POSITIONAL = new Set<string>(POSITIONAL_FIELDS);
/** Stands for "same as the lead id" (crmId) or "same as the domain" (accountKey), the common cases. */
const SAME = 1;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function encodeLead(lead: Lead): string {
  const record = lead as unknown as Record<string, Json>;
  const values: Json[] = POSITIONAL_FIELDS.map((field) => {
    const value = record[field] ?? null;
    if (TIME_FIELDS.has(field) && typeof value === 'string') return Date.parse(value);
    if (field === 'consentToTracking') return value ? 1 : 0;
    if (field === 'crmId' && value === lead.id) return SAME;
    if (field === 'accountKey' && value !== null && value === lead.domain) return SAME;
    return value;
  });
  const extras: Record<string, Json> = {};
  for (const [field, value] of Object.entries(record)) {
    if (!POSITIONAL.has(field) && !KEYED_ELSEWHERE.has(field) && value !== undefined) extras[field] = value;
  }
  if (Object.keys(extras).length > 0) values.push(extras);
  return JSON.stringify(values);
}

export function decodeLead(tenantId: string, id: string, encoded: string): Lead {
  const values = JSON.parse(encoded) as Json[];
  const lead: Record<string, Json> = { id, tenantId };
  POSITIONAL_FIELDS.forEach((field, index) => {
    const value = values[index] ?? null;
    if (TIME_FIELDS.has(field) && typeof value === 'number') lead[field] = new Date(value).toISOString();
    else if (field === 'consentToTracking') lead[field] = value === 1;
    else if (field === 'crmId' && value === SAME) lead[field] = id;
    else lead[field] = value;
  });
  if (lead.accountKey === SAME) lead.accountKey = lead.domain;
  const extras = values[POSITIONAL_FIELDS.length];
  if (extras !== undefined && extras !== null && typeof extras === 'object' && !Array.isArray(extras)) {
    Object.assign(lead, extras);
  }
  // Validated by leadSchema before it was encoded; decoding restores exactly those fields.
  return lead as unknown as Lead;
}
