import type { Dataset } from '../../fixtures/generator/generate-dataset.ts';
import { parseTitle } from '../../shared/features/title-parser.ts';

/**
 * One row of model features per generated lead, built from the generator's in-memory records
 * (leads, activities, outcomes, intent), not from its flat CSV, so the golden data depends only on
 * the records. Each lead is measured at its snapshot, a fixed number of days after its creation,
 * from what happened strictly before it; the label says whether it converted within the horizon
 * after the snapshot. Leads resolved before their snapshot, or whose horizon runs past the end of
 * the data, are left out, so no row sees its own outcome.
 */

const DAY_MS = 86_400_000;
const INTENT_LOOKBACK_MS = 60 * DAY_MS;

/** Activity types counted, each as its own column, in column order. */
const countedActivities = [
  ['email_opens', 'email_open'],
  ['email_clicks', 'email_click'],
  ['page_views', 'page_view'],
  ['pricing_page_views', 'pricing_page_view'],
  ['content_downloads', 'content_download'],
  ['webinars', 'webinar'],
  ['form_submits', 'form_submit'],
  ['demo_requests', 'demo_request'],
  ['meetings', 'meeting'],
  ['calls', 'call'],
] as const;

export const NUMERIC_COLUMNS = [
  'employees',
  'annual_revenue',
  ...countedActivities.map(([column]) => column),
  'days_since_last_activity',
  'max_intent_surge',
  'consent_to_tracking',
] as const;
export const CATEGORICAL_COLUMNS = ['industry', 'country', 'lead_source', 'seniority'] as const;
export const ID_COLUMN = 'lead_id';
export const LABEL_COLUMN = 'converted';

export type FeatureColumn = (typeof NUMERIC_COLUMNS)[number] | (typeof CATEGORICAL_COLUMNS)[number];
/** A number, a category's text, or null for a missing value. */
export type FeatureCell = number | string | null;

export interface LeadFeatureRow {
  leadId: string;
  converted: 0 | 1;
  features: Record<FeatureColumn, FeatureCell>;
}

function timeOf(iso: string | null | undefined): number {
  return iso === null || iso === undefined ? Number.NaN : Date.parse(iso);
}

/** Days with two decimals: short in the files, and parsed back to the same double everywhere. */
function days(milliseconds: number): number {
  return Math.round((milliseconds / DAY_MS) * 100) / 100;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function textOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value.trim();
}

export interface SnapshotRule {
  /** Days from a lead's creation to its snapshot. */
  snapshotDays: number;
  /** Days after the snapshot in which a conversion counts. */
  horizonDays: number;
  /** The last instant of the data (the generator's `end` day, 23:59:59.999). */
  endMs: number;
}

/** Rows in lead order, for the leads still open at their snapshot whose horizon ends within the data. */
export function leadFeatureRows(dataset: Dataset, rule: SnapshotRule): LeadFeatureRow[] {
  const convertedAt = new Map<string, number>();
  const resolvedAt = new Map<string, number>();
  for (const outcome of dataset.outcomes) {
    if (outcome.kind !== 'converted' && outcome.kind !== 'disqualified') continue;
    const at = timeOf(outcome.occurredAt);
    if (!Number.isFinite(at)) continue;
    if (outcome.kind === 'converted') convertedAt.set(outcome.leadId, at);
    resolvedAt.set(outcome.leadId, Math.min(at, resolvedAt.get(outcome.leadId) ?? at));
  }
  const activitiesOf = new Map<string, { type: string; at: number }[]>();
  for (const activity of dataset.activities) {
    const at = timeOf(activity.occurredAt);
    if (!Number.isFinite(at)) continue;
    const list = activitiesOf.get(activity.leadId) ?? [];
    list.push({ type: activity.type, at });
    activitiesOf.set(activity.leadId, list);
  }
  const intentOf = new Map<string, { score: number; at: number }[]>();
  for (const signal of dataset.intent) {
    const list = intentOf.get(signal.domain) ?? [];
    list.push({ score: signal.surgeScore, at: timeOf(signal.observedAt) });
    intentOf.set(signal.domain, list);
  }

  const eligible = dataset.leads.filter((lead) => {
    const snapshotMs = timeOf(lead.createdAt) + rule.snapshotDays * DAY_MS;
    return (
      Number.isFinite(snapshotMs) &&
      snapshotMs + rule.horizonDays * DAY_MS <= rule.endMs &&
      (resolvedAt.get(lead.id) ?? Number.POSITIVE_INFINITY) >= snapshotMs
    );
  });
  return eligible.map((lead) => {
    const createdMs = timeOf(lead.createdAt);
    const snapshotMs = createdMs + rule.snapshotDays * DAY_MS;
    const conversionMs = convertedAt.get(lead.id) ?? Number.POSITIVE_INFINITY;
    const before = (activitiesOf.get(lead.id) ?? []).filter((activity) => activity.at < snapshotMs);
    const counts = Object.fromEntries(
      countedActivities.map(([column, type]) => [
        column,
        before.filter((activity) => activity.type === type).length,
      ]),
    ) as Record<(typeof countedActivities)[number][0], number>;
    const last = before.reduce((latest, activity) => Math.max(latest, activity.at), Number.NEGATIVE_INFINITY);
    const surges = (intentOf.get(lead.domain ?? '') ?? []).filter(
      (signal) => signal.at >= createdMs - INTENT_LOOKBACK_MS && signal.at < snapshotMs,
    );
    const seniority = parseTitle(lead.title).seniority;
    return {
      leadId: lead.id,
      converted: conversionMs < snapshotMs + rule.horizonDays * DAY_MS ? 1 : 0,
      features: {
        employees: numberOrNull(lead.employees),
        annual_revenue: numberOrNull(lead.annualRevenue),
        ...counts,
        days_since_last_activity: before.length === 0 ? null : days(snapshotMs - last),
        max_intent_surge:
          surges.length === 0 ? null : surges.reduce((best, signal) => Math.max(best, signal.score), 0),
        consent_to_tracking: lead.consentToTracking ? 1 : 0,
        industry: textOrNull(lead.industry),
        country: textOrNull(lead.country),
        lead_source: textOrNull(lead.leadSource),
        seniority: seniority === 'unknown' ? null : seniority,
      },
    };
  });
}
