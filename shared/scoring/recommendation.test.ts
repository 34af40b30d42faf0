import { describe, expect, it } from 'vitest';
import { RECOMMENDATION_MAX, recommendationFor } from './recommendation.ts';

const quiet = { days_since_last_activity: 10 };

describe('recommendationFor', () => {
  it('says to call today after a demo request this week, whatever else is true', () => {
    const values = {
      demo_requests_7d: 1,
      demo_requests_30d: 1,
      pricing_page_views_30d: 3,
      days_since_last_activity: 45,
    };
    expect(recommendationFor({ tier: 'cold', values, factors: [] })).toBe(
      'Call today: 1 demo request in the last 7 days',
    );
  });

  it('says to call today after a free-trial signup by a lead active this week, not a quiet one', () => {
    expect(
      recommendationFor({
        tier: 'warm',
        values: { trial_signups_total: 1, days_since_last_activity: 2 },
        factors: [],
      }),
    ).toBe('Call today: signed up for a free trial');
    expect(
      recommendationFor({
        tier: 'warm',
        values: { trial_signups_total: 1, days_since_last_activity: 40 },
        factors: [],
      }),
    ).toBe('Nurture: no activity for over a month');
  });

  it('ranks a demo request this month, then pricing views, then decision content', () => {
    expect(
      recommendationFor({
        tier: 'hot',
        values: { ...quiet, demo_requests_30d: 2, pricing_page_views_30d: 3 },
        factors: [],
      }),
    ).toBe('Call this week: 2 demo requests in the last 30 days');
    expect(
      recommendationFor({ tier: 'hot', values: { ...quiet, pricing_page_views_30d: 3 }, factors: [] }),
    ).toBe('Send pricing follow-up: 3 pricing-page views in the last 30 days');
    expect(
      recommendationFor({
        tier: 'warm',
        values: { ...quiet, decision_content_downloads_90d: 1 },
        factors: [],
      }),
    ).toBe('Send a case study: 1 pricing sheet, case study or datasheet downloaded in the last 90 days');
  });

  it('points at the buying group and at third-party intent', () => {
    expect(
      recommendationFor({
        tier: 'warm',
        values: { ...quiet, account_engaged_colleagues_30d: 3 },
        factors: [],
      }),
    ).toBe('Reach the buying group: 3 colleagues engaged this month');
    expect(
      recommendationFor({ tier: 'warm', values: { ...quiet, intent_max_surge_30d: 85 }, factors: [] }),
    ).toBe('Reach out on their research: intent surge of 85 for the company in the last 30 days');
    expect(
      recommendationFor({ tier: 'warm', values: { ...quiet, intent_max_surge_30d: 69 }, factors: [] }),
    ).toBe('Follow up by email: the score is in the warm range');
  });

  it('nurtures a lead quiet for a month or with no activity at all', () => {
    expect(recommendationFor({ tier: 'hot', values: { days_since_last_activity: 95 }, factors: [] })).toBe(
      'Nurture: no activity for over 3 months',
    );
    expect(recommendationFor({ tier: 'cold', values: { days_since_last_activity: null }, factors: [] })).toBe(
      'Nurture: no recorded activity',
    );
  });

  it('falls back on the tier and the strongest factor, keeping acronyms as they are', () => {
    const factors = [
      { featureId: 'seniority', label: 'VP-level title', points: 9 },
      { featureId: 'free_email_domain', label: 'Personal email address', points: -6 },
    ];
    expect(recommendationFor({ tier: 'hot', values: quiet, factors })).toBe('Call this week: VP-level title');
    expect(recommendationFor({ tier: 'warm', values: quiet, factors })).toBe(
      'Follow up by email: VP-level title',
    );
    expect(recommendationFor({ tier: 'cold', values: quiet, factors })).toBe(
      'Keep in nurture: score held back by: personal email address',
    );
    expect(recommendationFor({ tier: 'cold', values: quiet, factors: [] })).toBe(
      'Keep in nurture: no strong buying signal yet',
    );
  });

  it('fits 255 characters', () => {
    const factors = [{ featureId: 'industry', label: `Industry: ${'x'.repeat(400)}`, points: 9 }];
    const line = recommendationFor({ tier: 'hot', values: quiet, factors });
    expect(line).toHaveLength(RECOMMENDATION_MAX);
    expect(line.endsWith('…')).toBe(true);
  });
});
