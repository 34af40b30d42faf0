import { describe, expect, it } from 'vitest';
import { assetTypeOf, isFreeEmail } from './activity-signals.ts';
import { CategoryVocabulary } from './category-vocabulary.ts';
import { featureCatalogue, featureDefinition, featureIds, featureLabel } from './feature-catalogue.ts';
import { featureGroups } from './feature-definition.ts';

describe('the feature catalogue', () => {
  it('has unique snake_case ids in every group, with a unit and a description each', () => {
    expect(featureCatalogue.length).toBe(63);
    expect(new Set(featureIds).size).toBe(featureIds.length);
    for (const feature of featureCatalogue) {
      expect(feature.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(feature.description.length).toBeGreaterThan(10);
    }
    const counts = Object.fromEntries(
      featureGroups.map((group) => [group, featureCatalogue.filter((f) => f.group === group).length]),
    );
    expect(counts).toEqual({ fit: 9, behaviour: 46, account: 5, intent: 3 });
  });

  it('declares where every categorical feature takes its codes from', () => {
    const categorical = featureCatalogue.filter((feature) => feature.kind === 'categorical');
    expect(categorical.map((feature) => [feature.id, feature.categories === 'tenant'])).toEqual([
      ['seniority', false],
      ['department', false],
      ['industry', true],
      ['country', true],
      ['lead_source', true],
    ]);
    expect(featureDefinition('seniority').categories).toEqual([
      'owner',
      'c_level',
      'vp',
      'director',
      'manager',
      'individual_contributor',
      'student',
      'unknown',
    ]);
    for (const feature of featureCatalogue.filter((f) => f.kind !== 'categorical')) {
      expect(feature.categories).toBeUndefined();
    }
  });

  it.each([
    ['pricing_page_views_30d', 3, '3 pricing-page views in the last 30 days'],
    ['pricing_page_views_7d', 1, '1 pricing-page view in the last 7 days'],
    ['demo_requests_90d', 0, 'No demo requests in the last 90 days'],
    ['webinars_30d', 2, '2 webinars attended in the last 30 days'],
    ['seniority', 'director', 'Director-level title'],
    ['department', 'finance', 'Works in finance'],
    ['employees', 1200, 'Company of 1,200 employees'],
    ['employees', null, 'Company size unknown'],
    ['annual_revenue', 12_000_000, 'Company revenue of $12M'],
    ['annual_revenue', 1_250_000_000, 'Company revenue of $1.3B'],
    ['industry', 'Software', 'Industry: Software'],
    ['country', 'Germany', 'Based in Germany'],
    ['lead_source', 'Referral', 'Lead source: Referral'],
    ['consent_to_tracking', 0, 'No consent to tracking'],
    ['days_since_last_activity', 45, 'No activity for over a month'],
    ['days_since_last_activity', 3.5, 'Active in the last week'],
    ['days_since_last_activity', null, 'No recorded activity'],
    ['lead_age_days', 100, 'Lead for over 3 months'],
    ['activity_trend_14d', 4, '4 more activities in the last 14 days than in the 14 before'],
    ['activity_trend_14d', -1, '1 fewer activity in the last 14 days than in the 14 before'],
    ['account_engaged_colleagues_30d', 4, '4 colleagues engaged this month'],
    ['account_buying_group', 3, 'Buying group of 3 engaged contacts'],
    [
      'account_senior_engaged_colleagues_90d',
      1,
      '1 senior colleague (director or above) engaged in the last 90 days',
    ],
    ['intent_max_surge_30d', 78, 'Intent surge of 78 for the company in the last 30 days'],
    ['intent_max_surge_90d', null, 'No third-party intent data for the company in the last 90 days'],
    ['trial_signups_total', 1, 'Signed up for a free trial'],
    ['content_asset_types_90d', 2, 'Downloaded 2 kinds of content in the last 90 days'],
  ])('labels %s = %s as "%s"', (id, value, label) => {
    expect(featureLabel(id, value)).toBe(label);
  });

  it('words days since the last activity in buckets, so the text holds while nothing happens', () => {
    const labels = [31, 40, 60, 89.9].map((days) => featureLabel('days_since_last_activity', days));
    expect(new Set(labels)).toEqual(new Set(['No activity for over a month']));
    expect(featureLabel('days_since_last_activity', 90)).toBe('No activity for over 3 months');
  });

  it('refuses an id the catalogue does not have', () => {
    expect(() => featureDefinition('days_to_conversion')).toThrow(/Unknown feature id "days_to_conversion"/);
  });
});

describe('category vocabularies', () => {
  it('code a fixed list by position and leave unknown values missing', () => {
    const vocabulary = CategoryVocabulary.forFeature(featureDefinition('seniority'));
    expect(vocabulary.code('director')).toBe(3);
    expect(vocabulary.code('astronaut')).toBeNaN();
    expect(vocabulary.code(null)).toBeNaN();
  });

  it('grow a tenant list in first-seen order until frozen', () => {
    const vocabulary = CategoryVocabulary.forFeature(featureDefinition('industry'));
    expect(['Retail', 'Software', 'Retail', 'Healthcare'].map((value) => vocabulary.code(value))).toEqual([
      0, 1, 0, 2,
    ]);
    vocabulary.freeze();
    expect(vocabulary.code('Mining')).toBeNaN();
    expect(vocabulary.categories()).toEqual(['Retail', 'Software', 'Healthcare']);
  });
});

describe('activity signals', () => {
  it.each([
    ['case study', 'case_study'],
    ['Case Study: Acme', 'case_study'],
    ['pricing sheet', 'pricing_sheet'],
    ['whitepaper', 'whitepaper'],
    ['analyst report', 'analyst_report'],
    ['ebook', 'ebook'],
    ['datasheet', 'datasheet'],
    ['checklist', 'checklist'],
    ['podcast', 'other'],
  ])('reads the asset type of "%s" as %s', (detail, type) => {
    expect(assetTypeOf(detail)).toBe(type);
  });

  it('tells personal mailboxes from company addresses', () => {
    expect(isFreeEmail('ana@Gmail.com')).toBe(1);
    expect(isFreeEmail('ana@acme.com')).toBe(0);
    expect(isFreeEmail(null)).toBeNull();
  });
});
