import type { LeadRecord } from '../api/types.ts';

/** Now, for the answers below: 31 Oct 2026, noon UTC. */
export const NOW_MS = Date.parse('2026-10-31T12:00:00.000Z');

/** A scored lead as `GET /records?crmId=` answers it: 12 + 18 + 9 + 6 - 4 - 2 + 34 = 73. */
export function leadRecord(overrides: Partial<LeadRecord> = {}): LeadRecord {
  return {
    leadId: '00Q000000000001AAA',
    crmId: '00Q000000000001AAA',
    score: 73,
    tier: 'hot',
    probability: 0.124,
    segment: { id: 'enterprise', name: 'Enterprise', hotThreshold: 70, warmThreshold: 40 },
    baseline: 12,
    factors: [
      {
        featureId: 'pricing_page_views_30d',
        label: '3 pricing-page views in the last 30 days',
        points: 18,
        text: '+18 · 3 pricing-page views in the last 30 days',
      },
      {
        featureId: 'meetings_90d',
        label: '1 meeting in the last 90 days',
        points: 9,
        text: '+9 · 1 meeting in the last 90 days',
      },
      { featureId: 'seniority', label: 'Title seniority: VP', points: 6, text: '+6 · Title seniority: VP' },
      {
        featureId: 'free_email_domain',
        label: 'Personal email address',
        points: -4,
        text: '-4 · Personal email address',
      },
      {
        featureId: 'days_since_last_activity',
        label: '12 days since the last activity',
        points: -2,
        text: '-2 · 12 days since the last activity',
      },
    ],
    other: { points: 34, text: '+34 · Other factors' },
    recommendation: 'Call today: the lead viewed pricing three times this month.',
    history: [
      { at: '2026-10-01T12:00:00.000Z', score: 41, modelVersion: 'v12' },
      { at: '2026-10-15T12:00:00.000Z', score: 58, modelVersion: 'v12' },
      { at: '2026-10-31T12:00:00.000Z', score: 73, modelVersion: 'v12' },
    ],
    model: { version: 'v12', source: 'model', trainedAt: '2026-10-28T09:00:00.000Z', ageDays: 3 },
    dataSufficiency: {
      mode: 'model',
      labelledLeads: 4210,
      convertingLeads: 318,
      minLabelledLeads: 1000,
      minConvertingLeads: 50,
      text: 'Model trained on 4,210 leads with 318 conversions',
      countedAt: '2026-10-28T09:00:00.000Z',
    },
    holdout: false,
    scoredAt: '2026-10-31T10:00:00.000Z',
    ...overrides,
  };
}

/** The same lead scored by the cold-start rules: 20 + 12 + 10 - 8 + 0 = 34. */
export function rulesRecord(): LeadRecord {
  return leadRecord({
    score: 34,
    tier: 'cold',
    baseline: 20,
    factors: [
      {
        featureId: 'pricing_page_views_30d',
        label: '3 pricing-page views in the last 30 days',
        points: 12,
        text: '+12 · 3 pricing-page views in the last 30 days',
      },
      {
        featureId: 'meetings_90d',
        label: '1 meeting in the last 90 days',
        points: 10,
        text: '+10 · 1 meeting in the last 90 days',
      },
      {
        featureId: 'free_email_domain',
        label: 'Personal email address',
        points: -8,
        text: '-8 · Personal email address',
      },
    ],
    other: { points: 0, text: '0 · Other factors' },
    model: { version: 'rules-v1', source: 'rules', trainedAt: null, ageDays: null },
    dataSufficiency: {
      mode: 'rules',
      labelledLeads: 420,
      convertingLeads: 12,
      minLabelledLeads: 1000,
      minConvertingLeads: 50,
      text: 'Rules until there is enough history: 420 of 1,000 leads, 12 of 50 conversions',
      countedAt: '2026-10-30T08:00:00.000Z',
    },
  });
}
