import type { FeatureValue } from '../../shared/features/feature-definition.ts';
import { activityTypeSchema } from '../../shared/schemas/activity.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';
import { type ComputedFeature, computeFeatureValues } from './feature-computations.ts';
import type { ColleagueAtTime, LeadAtTime, TimedActivity, TimedIntent } from './lead-at-time.ts';

/**
 * Point-in-time checks for any list of features. A feature is honest when nothing that happens at
 * or after s can change its value at s; so the harness adds the future (activities of every type
 * at exactly s and after, a colleague who arrives at s, fresh intent surges, the lead record as it
 * looks once converted) and reports every feature whose value moves.
 */

const DAY_MS = 86_400_000;

/** Details that trip every detail-based signal (trials, integrations, each asset type). */
const futureDetails = ['free trial signup', '/integrations', 'case study', 'pricing sheet', 'whitepaper'];

function futureActivities(asOfMs: number): TimedActivity[] {
  const activities: TimedActivity[] = [];
  for (const offset of [0, 1, DAY_MS, 10 * DAY_MS]) {
    for (const type of activityTypeSchema.options) {
      for (const detail of futureDetails) activities.push({ type, atMs: asOfMs + offset, detail });
    }
  }
  return activities;
}

/** The lead record as the CRM shows it after converting: status, updatedAt (and owner) moved on. */
export function leadAfterConversion(lead: Lead, asOfMs: number): Lead {
  return {
    ...lead,
    status: 'Closed - Converted',
    ownerId: 'owner-after-conversion',
    updatedAt: new Date(asOfMs + 30 * DAY_MS).toISOString(),
  };
}

/** The inputs a careless source could hand over: the honest ones plus what happens at and after s. */
export function withFuture(inputs: LeadAtTime): LeadAtTime {
  const { asOfMs } = inputs;
  const later = futureActivities(asOfMs);
  const colleagues: ColleagueAtTime[] = inputs.colleagues.map((colleague) => ({
    lead: leadAfterConversion(colleague.lead, asOfMs),
    activities: [...colleague.activities, ...later],
  }));
  colleagues.push({
    lead: {
      ...inputs.lead,
      id: `${inputs.lead.id}-future-colleague`,
      title: 'Chief Executive Officer',
      createdAt: new Date(asOfMs).toISOString(),
      updatedAt: new Date(asOfMs + DAY_MS).toISOString(),
    },
    activities: later,
  });
  const intent: TimedIntent[] = [
    ...inputs.intent,
    { topic: 'future topic', surgeScore: 99, atMs: asOfMs },
    { topic: 'another future topic', surgeScore: 95, atMs: asOfMs + 5 * DAY_MS },
  ];
  return {
    asOfMs,
    lead: leadAfterConversion(inputs.lead, asOfMs),
    activities: [...inputs.activities, ...later],
    colleagues,
    intent,
  };
}

function same(left: FeatureValue, right: FeatureValue): boolean {
  return Object.is(left, right);
}

export interface Leak {
  featureId: string;
  honest: FeatureValue;
  withFuture: FeatureValue;
}

/** Features whose value at s changes when the future is added to the inputs. */
export function findLeaks(features: readonly ComputedFeature[], inputs: LeadAtTime): Leak[] {
  const honest = computeFeatureValues(inputs, features);
  const contaminated = computeFeatureValues(withFuture(inputs), features);
  const leaks: Leak[] = [];
  features.forEach((feature, index) => {
    if (!same(honest[index], contaminated[index])) {
      leaks.push({
        featureId: feature.definition.id,
        honest: honest[index],
        withFuture: contaminated[index],
      });
    }
  });
  return leaks;
}

/**
 * A source that breaks the contract the way a buggy store would: "before" reads return everything,
 * the future included, and leads come back in their latest (converted) state.
 */
export function sourceWithFuture(source: LeadHistorySource, endMs: number): LeadHistorySource {
  return {
    scanLeads: (tenantId, batchSize) => source.scanLeads(tenantId, batchSize),
    lead: async (tenantId, leadId) => {
      const lead = await source.lead(tenantId, leadId);
      return lead === undefined ? undefined : leadAfterConversion(lead, endMs);
    },
    activitiesBefore: (tenantId, leadId) =>
      source.activitiesBefore(tenantId, leadId, Number.POSITIVE_INFINITY),
    outcomes: (tenantId, leadId) => source.outcomes(tenantId, leadId),
    leadIdsOfAccount: (tenantId, accountKey) => source.leadIdsOfAccount(tenantId, accountKey),
    intentBefore: (tenantId, domain) => source.intentBefore(tenantId, domain, Number.POSITIVE_INFINITY),
  };
}
