import { describe, expect, it } from 'vitest';
import { featureCatalogue, featureIds, featureLabel } from '../../shared/features/feature-catalogue.ts';
import type { FeatureValue } from '../../shared/features/feature-definition.ts';
import type { Activity, ActivityType } from '../../shared/schemas/activity.ts';
import type { IntentSignal } from '../../shared/schemas/intent-signal.ts';
import { type Lead, leadSchema } from '../../shared/schemas/lead.ts';
import { computeFeatureVector } from './compute-feature-vector.ts';
import { catalogueComputations, computationsOutsideCatalogue } from './feature-computations.ts';
import { InMemoryLeadHistory } from './in-memory-history.ts';

const TENANT = 'sf:00D000000000001AAA';
const DAY = 86_400_000;
const S = Date.parse('2026-03-01T00:00:00Z');

function lead(id: string, createdAt: string, title: string, overrides: Partial<Lead> = {}): Lead {
  return leadSchema.parse({
    id,
    tenantId: TENANT,
    crmId: id,
    objectType: 'Lead',
    email: `${id}@acme.com`,
    firstName: null,
    lastName: null,
    company: 'Acme',
    domain: 'acme.com',
    title,
    industry: ' Software ',
    employees: 1200,
    annualRevenue: 12_000_000,
    country: 'Germany',
    leadSource: 'Referral',
    status: 'Open',
    createdAt,
    updatedAt: createdAt,
    consentToTracking: true,
    accountKey: 'acme.com',
    ...overrides,
  });
}

let activityCount = 0;
function activity(
  leadId: string,
  type: ActivityType,
  daysBeforeS: number,
  detail: string | null = null,
): Activity {
  activityCount += 1;
  return {
    id: `act-${activityCount}`,
    tenantId: TENANT,
    leadId,
    type,
    occurredAt: new Date(S - daysBeforeS * DAY).toISOString(),
    detail,
  };
}

function intent(topic: string, surgeScore: number, daysBeforeS: number): IntentSignal {
  return { domain: 'acme.com', topic, surgeScore, observedAt: new Date(S - daysBeforeS * DAY).toISOString() };
}

const history = new InMemoryLeadHistory({
  leads: [
    lead('ana', '2026-01-01T00:00:00Z', 'VP of Sales'),
    lead('ben', '2026-01-10T00:00:00Z', 'Director of IT'),
    lead('cai', '2026-02-01T00:00:00Z', 'Marketing Manager'),
    lead('dee', '2026-03-01T00:00:00Z', 'Chief Executive Officer'),
    lead('eve', '2025-06-01T00:00:00Z', 'Software Engineer'),
    lead('fay', '2026-02-01T00:00:00Z', 'Consultant', {
      email: 'fay@gmail.com',
      accountKey: null,
      domain: null,
    }),
  ],
  activities: [
    activity('ana', 'pricing_page_view', 1, '/pricing'),
    activity('ana', 'pricing_page_view', 10, '/pricing'),
    activity('ana', 'pricing_page_view', 40, '/pricing'),
    activity('ana', 'pricing_page_view', 0, '/pricing'),
    activity('ana', 'page_view', 2, '/integrations'),
    activity('ana', 'content_download', 5, 'case study'),
    activity('ana', 'content_download', 20, 'whitepaper'),
    activity('ana', 'content_download', 100, 'case study'),
    activity('ana', 'form_submit', 50, 'free trial signup'),
    activity('ana', 'email_open', 30, 'Monthly newsletter'),
    activity('ben', 'demo_request', 3, 'demo request'),
    activity('ben', 'webinar', 40, 'webinar: Product tour'),
    activity('cai', 'email_click', 6, 'Product update'),
    activity('cai', 'email_open', 6, 'Product update'),
    activity('dee', 'demo_request', 0.5, 'demo request'),
    activity('eve', 'meeting', 60, 'discovery meeting'),
    activity('eve', 'pricing_page_view', 70, '/pricing'),
    activity('eve', 'page_view', 80, '/docs'),
  ],
  outcomes: [],
  intent: [
    intent('crm software', 80, 10),
    intent('lead scoring', 60, 45),
    intent('lead scoring', 75, 100),
    intent('revenue operations', 99, 0),
  ],
});

async function valuesAt(leadId: string, at: number): Promise<Record<string, FeatureValue>> {
  const vector = await computeFeatureVector(history, TENANT, leadId, at);
  if (vector === undefined) throw new Error(`no vector for ${leadId}`);
  return Object.fromEntries(featureIds.map((id, index) => [id, vector[index]]));
}

describe('computeFeatureVector', () => {
  it('has exactly one computation per catalogue feature', () => {
    expect(catalogueComputations().map((feature) => feature.definition.id)).toEqual(featureIds);
    expect(computationsOutsideCatalogue(featureCatalogue)).toEqual([]);
    expect(() =>
      catalogueComputations([...featureCatalogue, { ...featureCatalogue[0], id: 'new_feature' }]),
    ).toThrow(/No computation for feature\(s\) new_feature/);
  });

  it('computes a known lead at s from what happened strictly before s', async () => {
    const values = await valuesAt('ana', S);
    expect(values).toMatchObject({
      seniority: 'vp',
      department: 'sales',
      employees: 1200,
      annual_revenue: 12_000_000,
      industry: 'Software',
      country: 'Germany',
      lead_source: 'Referral',
      consent_to_tracking: 1,
      free_email_domain: 0,
      pricing_page_views_7d: 1,
      pricing_page_views_30d: 2,
      pricing_page_views_90d: 3,
      page_views_7d: 1,
      content_downloads_7d: 1,
      content_downloads_30d: 2,
      content_downloads_90d: 2,
      form_submits_90d: 1,
      form_submits_30d: 0,
      email_opens_7d: 0,
      email_opens_30d: 1,
      activities_total: 9,
      days_since_last_activity: 1,
      lead_age_days: 59,
      activity_trend_14d: 3,
      active_days_30d: 6,
      content_asset_types_90d: 2,
      decision_content_downloads_90d: 1,
      research_content_downloads_90d: 1,
      trial_signups_total: 1,
      integration_page_views_90d: 1,
      account_contacts: 4,
      account_buying_group: 3,
      account_engaged_colleagues_30d: 1,
      account_senior_engaged_colleagues_90d: 1,
      account_activities_30d: 3,
      intent_max_surge_30d: 80,
      intent_max_surge_90d: 80,
      intent_surging_topics_90d: 1,
      demo_requests_90d: 0,
      webinars_90d: 0,
      calls_90d: 0,
    });
  });

  it('reads the same lead a week earlier without the week that followed', async () => {
    const values = await valuesAt('ana', S - 7 * DAY);
    expect(values).toMatchObject({
      pricing_page_views_7d: 1,
      pricing_page_views_30d: 1,
      activities_total: 6,
      account_buying_group: 2,
      account_engaged_colleagues_30d: 0,
      intent_max_surge_30d: 80,
    });
  });

  it('turns the values into the labels a rep reads', async () => {
    const values = await valuesAt('ana', S);
    expect(
      [
        'pricing_page_views_30d',
        'seniority',
        'employees',
        'days_since_last_activity',
        'account_engaged_colleagues_30d',
      ].map((id) => featureLabel(id, values[id])),
    ).toEqual([
      '2 pricing-page views in the last 30 days',
      'VP-level title',
      'Company of 1,200 employees',
      'Active in the last week',
      '1 colleague engaged this month',
    ]);
  });

  it('leaves account and intent features empty for a lead without an account or domain', async () => {
    const values = await valuesAt('fay', S);
    expect(values).toMatchObject({
      seniority: 'unknown',
      department: 'unknown',
      free_email_domain: 1,
      account_contacts: 1,
      account_buying_group: 0,
      activities_total: 0,
      days_since_last_activity: null,
      intent_max_surge_30d: null,
      intent_surging_topics_90d: 0,
    });
  });

  it('has no vector for a lead created at or after s, nor for an unknown lead', async () => {
    expect(await computeFeatureVector(history, TENANT, 'dee', S)).toBeUndefined();
    expect(await computeFeatureVector(history, TENANT, 'nobody', S)).toBeUndefined();
    expect(await computeFeatureVector(history, TENANT, 'dee', S + 1)).toHaveLength(featureIds.length);
  });
});
