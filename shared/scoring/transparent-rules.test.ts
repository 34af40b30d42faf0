import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { factorText } from './factor-text.ts';
import {
  coldStartState,
  MIN_CONVERTING_LEADS,
  MIN_LABELLED_LEADS,
  RULES_BASELINE,
  scoreByRules,
  transparentRules,
} from './transparent-rules.ts';

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe('transparent rules', () => {
  it('adds documented weights to the baseline and explains them in the factor format', () => {
    const result = scoreByRules({
      demo_requests_90d: 1,
      pricing_page_views_30d: 2,
      seniority: 'director',
      free_email_domain: 1,
      days_since_last_activity: 3,
    });
    // 20 + 25 + 8 + 6 − 8 + 5 = 56
    expect(result.score).toBe(56);
    expect(result.baseline).toBe(RULES_BASELINE);
    expect(result.factors.map((factor) => factorText(factor.points, factor.label))).toEqual([
      '+25 · 1 demo request in the last 90 days',
      // Equal |points| and |φ|: the feature id decides.
      '-8 · Personal email address',
      '+8 · 2 pricing-page views in the last 30 days',
      '+6 · Director-level title',
      '+5 · Active in the last week',
    ]);
    expect(result.otherPoints).toBe(0);
  });

  it('takes points off for a lead with no activity and a student title', () => {
    const result = scoreByRules({ seniority: 'student', days_since_last_activity: null });
    expect(result.score).toBe(0);
    expect(result.factors.map(({ featureId, points }) => [featureId, points])).toEqual([
      ['days_since_last_activity', -10],
      ['seniority', -10],
    ]);
  });

  it('scales the additions down when the total passes 100, keeping baseline + points = score', () => {
    const result = scoreByRules({
      demo_requests_90d: 2,
      trial_signups_total: 1,
      meetings_90d: 1,
      pricing_page_views_30d: 9,
      seniority: 'c_level',
      intent_max_surge_30d: 90,
      email_clicks_30d: 5,
      form_submits_90d: 2,
      decision_content_downloads_90d: 1,
      account_engaged_colleagues_30d: 4,
      webinars_90d: 1,
      days_since_last_activity: 1,
      free_email_domain: 1,
    });
    // Raw: 20 + 108 − 8 = 120 → 100; additions scaled from 108 to 88: the demo request's
    // 25 × 88/108 = 20.37 rounds up, being among the four largest remainders.
    expect(result.score).toBe(100);
    expect(sum(result.points.map(({ points }) => points))).toBe(80);
    expect(result.points.find(({ featureId }) => featureId === 'free_email_domain')?.points).toBe(-8);
    expect(result.points.find(({ featureId }) => featureId === 'demo_requests_90d')?.points).toBe(21);
    expect(result.baseline + sum(result.factors.map(({ points }) => points)) + result.otherPoints).toBe(100);
  });

  it('property: on random leads, baseline + Σ points = score in 0-100', () => {
    const random = seededRandom(99);
    const seniorities = ['owner', 'c_level', 'vp', 'director', 'manager', 'student', 'unknown'];
    for (let round = 0; round < 2000; round += 1) {
      const values: Record<string, number | string | null> = {};
      for (const rule of transparentRules) {
        values[rule.featureId] =
          rule.featureId === 'seniority'
            ? seniorities[Math.floor(random() * seniorities.length)]
            : random() < 0.2
              ? null
              : Math.floor(random() * (rule.featureId === 'intent_max_surge_30d' ? 100 : 6));
      }
      const result = scoreByRules(values);
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(100);
      expect(result.baseline + sum(result.points.map(({ points }) => points))).toBe(result.score);
      expect(result.baseline + sum(result.factors.map(({ points }) => points)) + result.otherPoints).toBe(
        result.score,
      );
      expect(result.factors.length).toBeLessThanOrEqual(5);
    }
  });
});

describe('coldStartState', () => {
  it('keeps the rules until 1,000 labelled leads and 50 converting leads, and says so', () => {
    expect(MIN_LABELLED_LEADS).toBe(1000);
    expect(MIN_CONVERTING_LEADS).toBe(50);
    expect(coldStartState({ labelledLeads: 420, convertingLeads: 12 })).toEqual({
      mode: 'rules',
      labelledLeads: 420,
      convertingLeads: 12,
      minLabelledLeads: 1000,
      minConvertingLeads: 50,
      text: 'Rules until there is enough history: 420 of 1,000 leads, 12 of 50 conversions',
    });
    expect(coldStartState({ labelledLeads: 5000, convertingLeads: 49 }).mode).toBe('rules');
    expect(coldStartState({ labelledLeads: 999, convertingLeads: 300 }).mode).toBe('rules');
    const enough = coldStartState({ labelledLeads: 1000, convertingLeads: 50 });
    expect(enough.mode).toBe('model');
    expect(enough.text).toBe('Model trained on 1,000 leads with 50 conversions');
    expect(() => coldStartState({ labelledLeads: -1, convertingLeads: 0 })).toThrow(/whole number/);
  });
});
