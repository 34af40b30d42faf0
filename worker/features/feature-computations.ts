import { isFreeEmail } from '../../shared/features/activity-signals.ts';
import { activityCountId, activityWindowsDays } from '../../shared/features/behaviour-features.ts';
import { featureCatalogue } from '../../shared/features/feature-catalogue.ts';
import type { FeatureDefinition, FeatureValue } from '../../shared/features/feature-definition.ts';
import { activityTypeSchema } from '../../shared/schemas/activity.ts';
import { createdAtMs, type LeadAtTime } from './lead-at-time.ts';
import { activityCount, DAY_MS, type LeadSummary, parsedTitle, summariseLead } from './lead-summary.ts';

/**
 * How each catalogue feature is computed from a lead at time s. Only the lead's profile fields that
 * do not move with its outcome are read (title, firmographics, source, consent, email, creation
 * time); status, owner and updatedAt change when a lead converts and never enter a feature.
 */
export type FeatureComputation = (inputs: LeadAtTime, summary: LeadSummary) => FeatureValue;

/** Trimmed text, or null for a missing or blank field. */
function text(value: string | null): string | null {
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function activityCountComputations(): [string, FeatureComputation][] {
  const entries: [string, FeatureComputation][] = [];
  for (const type of activityTypeSchema.options) {
    activityWindowsDays.forEach((days, windowIndex) => {
      entries.push([
        activityCountId(type, days),
        (_inputs, summary) => activityCount(summary, type, windowIndex),
      ]);
    });
  }
  return entries;
}

const computations = new Map<string, FeatureComputation>([
  ['seniority', ({ lead }) => parsedTitle(lead.title).seniority],
  ['department', ({ lead }) => parsedTitle(lead.title).department],
  ['employees', ({ lead }) => lead.employees],
  ['annual_revenue', ({ lead }) => lead.annualRevenue],
  ['industry', ({ lead }) => text(lead.industry)],
  ['country', ({ lead }) => text(lead.country)],
  ['lead_source', ({ lead }) => text(lead.leadSource)],
  ['consent_to_tracking', ({ lead }) => (lead.consentToTracking ? 1 : 0)],
  ['free_email_domain', ({ lead }) => isFreeEmail(lead.email)],
  ...activityCountComputations(),
  ['activities_total', (_inputs, summary) => summary.total],
  [
    'days_since_last_activity',
    ({ asOfMs }, summary) => (summary.lastAtMs === null ? null : (asOfMs - summary.lastAtMs) / DAY_MS),
  ],
  ['lead_age_days', ({ asOfMs, lead }) => (asOfMs - createdAtMs(lead)) / DAY_MS],
  ['activity_trend_14d', (_inputs, summary) => summary.last14 - summary.prior14],
  ['active_days_30d', (_inputs, summary) => summary.activeDays30],
  ['content_asset_types_90d', (_inputs, summary) => summary.assetTypes90],
  ['decision_content_downloads_90d', (_inputs, summary) => summary.decisionDownloads90],
  ['research_content_downloads_90d', (_inputs, summary) => summary.researchDownloads90],
  ['trial_signups_total', (_inputs, summary) => summary.trialSignups],
  ['integration_page_views_90d', (_inputs, summary) => summary.integrationViews90],
  ['account_contacts', (_inputs, summary) => summary.accountContacts],
  ['account_buying_group', (_inputs, summary) => summary.buyingGroup],
  ['account_engaged_colleagues_30d', (_inputs, summary) => summary.engagedColleagues30],
  ['account_senior_engaged_colleagues_90d', (_inputs, summary) => summary.seniorEngagedColleagues90],
  ['account_activities_30d', (_inputs, summary) => summary.colleagueActivities30],
  ['intent_max_surge_30d', (_inputs, summary) => summary.maxSurge30],
  ['intent_max_surge_90d', (_inputs, summary) => summary.maxSurge90],
  ['intent_surging_topics_90d', (_inputs, summary) => summary.surgingTopics90],
]);

/** A feature with its computation: what the catalogue declares plus how to get its value. */
export interface ComputedFeature {
  definition: FeatureDefinition;
  compute: FeatureComputation;
}

/** The catalogue with its computations, in column order; throws if a feature has no computation. */
export function catalogueComputations(
  catalogue: readonly FeatureDefinition[] = featureCatalogue,
): ComputedFeature[] {
  const missing = catalogue.filter((definition) => !computations.has(definition.id));
  if (missing.length > 0) {
    throw new Error(`No computation for feature(s) ${missing.map((feature) => feature.id).join(', ')}`);
  }
  return catalogue.map((definition) => ({ definition, compute: computations.get(definition.id)! }));
}

/** Ids that have a computation but no catalogue entry (a computation left behind). */
export function computationsOutsideCatalogue(catalogue: readonly FeatureDefinition[]): string[] {
  const ids = new Set(catalogue.map((feature) => feature.id));
  return [...computations.keys()].filter((id) => !ids.has(id));
}

/** The feature values of a lead at time s, in the order of `features`. */
export function computeFeatureValues(
  inputs: LeadAtTime,
  features: readonly ComputedFeature[],
): FeatureValue[] {
  const summary = summariseLead(inputs);
  return features.map((feature) => feature.compute(inputs, summary));
}
