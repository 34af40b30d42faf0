import type { FeatureValue } from '../features/feature-definition.ts';
import { formatCount } from '../features/feature-text.ts';
import { SURGING_SCORE } from '../features/profile-features.ts';
import type { Factor } from '../schemas/score.ts';
import { type PointedContribution, splitProportionally, topFactors } from './factor-points.ts';
import { factorOf } from './factor-text.ts';

/**
 * Cold start: until a tenant has enough history for a model, leads are scored by transparent rules
 * with these documented weights, and the panel says so. Every lead starts at RULES_BASELINE points;
 * each rule reads one catalogue feature and adds or removes points:
 *
 * | feature                          | points                                            |
 * |----------------------------------|---------------------------------------------------|
 * | demo_requests_90d                | +25 for at least one demo request                 |
 * | trial_signups_total              | +15 for a free-trial signup                       |
 * | meetings_90d                     | +10 for at least one meeting                      |
 * | pricing_page_views_30d           | +4 a view, at most +12                            |
 * | seniority                        | owner or C-level +10, VP +8, director +6, manager +3, student -10 |
 * | intent_max_surge_30d             | +6 for a surge of 70 or more                      |
 * | email_clicks_30d                 | +2 a click, at most +6                            |
 * | form_submits_90d                 | +5 for at least one form                          |
 * | decision_content_downloads_90d   | +5 for a pricing sheet, case study or datasheet   |
 * | account_engaged_colleagues_30d   | +5 for two or more engaged colleagues             |
 * | webinars_90d                     | +4 for a webinar attended                         |
 * | days_since_last_activity         | +5 under a week, -5 from 30 days, -10 from 90 days or never |
 * | free_email_domain                | -8 for a personal mailbox                         |
 *
 * The score is the total clamped to 0-100. Factors use the model's format (whole points, baseline +
 * Σ points = score): when the total is clamped, the side that overshot (the additions above 100,
 * the removals below 0) is scaled down proportionally with largest-remainder rounding.
 */

export const RULES_BASELINE = 20;
/** Distinct labelled leads and distinct converting leads a tenant needs before a model replaces the rules. */
export const MIN_LABELLED_LEADS = 1_000;
export const MIN_CONVERTING_LEADS = 50;

type Values = Readonly<Record<string, FeatureValue>>;

interface TransparentRule {
  featureId: string;
  points(value: FeatureValue): number;
}

function numberOf(value: FeatureValue): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const atLeastOne = (points: number) => (value: FeatureValue) => ((numberOf(value) ?? 0) >= 1 ? points : 0);
const each = (points: number, most: number) => (value: FeatureValue) =>
  Math.min(most, points * Math.max(0, Math.floor(numberOf(value) ?? 0)));

const seniorityPoints: Readonly<Record<string, number>> = {
  owner: 10,
  c_level: 10,
  vp: 8,
  director: 6,
  manager: 3,
  student: -10,
};

export const transparentRules: readonly TransparentRule[] = [
  { featureId: 'demo_requests_90d', points: atLeastOne(25) },
  { featureId: 'trial_signups_total', points: atLeastOne(15) },
  { featureId: 'meetings_90d', points: atLeastOne(10) },
  { featureId: 'pricing_page_views_30d', points: each(4, 12) },
  {
    featureId: 'seniority',
    points: (value) => (typeof value === 'string' ? (seniorityPoints[value] ?? 0) : 0),
  },
  {
    featureId: 'intent_max_surge_30d',
    points: (value) => ((numberOf(value) ?? 0) >= SURGING_SCORE ? 6 : 0),
  },
  { featureId: 'email_clicks_30d', points: each(2, 6) },
  { featureId: 'form_submits_90d', points: atLeastOne(5) },
  { featureId: 'decision_content_downloads_90d', points: atLeastOne(5) },
  { featureId: 'account_engaged_colleagues_30d', points: (value) => ((numberOf(value) ?? 0) >= 2 ? 5 : 0) },
  { featureId: 'webinars_90d', points: atLeastOne(4) },
  {
    featureId: 'days_since_last_activity',
    points: (value) => {
      const days = numberOf(value);
      if (days === null || days >= 90) return -10;
      if (days >= 30) return -5;
      return days < 7 ? 5 : 0;
    },
  },
  { featureId: 'free_email_domain', points: (value) => (value === 1 ? -8 : 0) },
];

export interface RulesScore {
  score: number;
  baseline: number;
  /** The five largest factors, in the model's format. */
  factors: Factor[];
  otherPoints: number;
  /** Every rule's points (0 for rules that did not fire); `phi` is the rule's points before clamping. */
  points: PointedContribution[];
}

/** Scores a lead's feature values by the transparent rules. */
export function scoreByRules(values: Values): RulesScore {
  const raw = transparentRules.map((rule) => ({
    featureId: rule.featureId,
    phi: rule.points(values[rule.featureId] ?? null),
  }));
  const sumOf = (sign: 1 | -1) =>
    raw.reduce((sum, { phi }) => (Math.sign(phi) === sign ? sum + phi : sum), 0);
  const added = sumOf(1);
  const removed = sumOf(-1);
  const total = RULES_BASELINE + added + removed;
  const score = Math.min(100, Math.max(0, total));
  let positiveTotal = added;
  let negativeTotal = removed;
  if (total > 100) positiveTotal = 100 - RULES_BASELINE - removed;
  if (total < 0) negativeTotal = -RULES_BASELINE - added;
  const scaled = new Map<string, number>();
  for (const [sign, sideTotal] of [
    [1, positiveTotal],
    [-1, negativeTotal],
  ] as const) {
    const side = raw.filter(({ phi }) => Math.sign(phi) === sign);
    const parts = splitProportionally(
      sideTotal,
      side.map(({ phi }) => Math.abs(phi)),
    );
    side.forEach(({ featureId }, index) => {
      scaled.set(featureId, parts[index]);
    });
  }
  const points = raw.map((contribution) => ({
    ...contribution,
    points: scaled.get(contribution.featureId) ?? 0,
  }));
  const { top, otherPoints } = topFactors(points);
  return {
    score,
    baseline: RULES_BASELINE,
    factors: top.map(({ featureId, points: factorPoints }) =>
      factorOf(featureId, values[featureId] ?? null, factorPoints),
    ),
    otherPoints,
    points,
  };
}

export interface ColdStartState {
  /** `rules` until both minimums are met, then `model`. */
  mode: 'rules' | 'model';
  labelledLeads: number;
  convertingLeads: number;
  minLabelledLeads: number;
  minConvertingLeads: number;
  /** For the panel: "Rules until there is enough history: 420 of 1,000 leads, 12 of 50 conversions". */
  text: string;
}

/** Whether the tenant's history is enough for a model, and the sentence the panel shows. */
export function coldStartState(history: { labelledLeads: number; convertingLeads: number }): ColdStartState {
  const { labelledLeads, convertingLeads } = history;
  for (const [name, count] of Object.entries(history)) {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`${name} ${count} must be a whole number >= 0`);
  }
  const enough = labelledLeads >= MIN_LABELLED_LEADS && convertingLeads >= MIN_CONVERTING_LEADS;
  const text = enough
    ? `Model trained on ${formatCount(labelledLeads)} leads with ${formatCount(convertingLeads)} conversions`
    : `Rules until there is enough history: ${formatCount(labelledLeads)} of ${formatCount(MIN_LABELLED_LEADS)} leads, ` +
      `${formatCount(convertingLeads)} of ${formatCount(MIN_CONVERTING_LEADS)} conversions`;
  return {
    mode: enough ? 'model' : 'rules',
    labelledLeads,
    convertingLeads,
    minLabelledLeads: MIN_LABELLED_LEADS,
    minConvertingLeads: MIN_CONVERTING_LEADS,
    text,
  };
}
