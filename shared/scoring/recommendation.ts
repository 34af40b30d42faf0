import { featureLabel } from '../features/feature-catalogue.ts';
import type { FeatureValue } from '../features/feature-definition.ts';
import { SURGING_SCORE } from '../features/profile-features.ts';
import type { Tier } from '../schemas/score.ts';
import { truncateText } from './factor-text.ts';

/**
 * The recommendation line: one next step for the rep, from the lead's own feature values and its
 * top factors, by fixed rules checked in this order (the first that applies wins):
 *
 * 1. a demo request in the last 7 days            → "Call today: 1 demo request in the last 7 days"
 * 2. a free-trial signup, active in the last week  → "Call today: signed up for a free trial"
 * 3. a demo request in the last 30 days           → "Call this week: ..."
 * 4. pricing-page views in the last 30 days       → "Send pricing follow-up: 3 pricing-page views ..."
 * 5. pricing sheet / case study / datasheet downloaded in 90 days → "Send a case study: ..."
 * 6. two or more colleagues engaged this month    → "Reach the buying group: 3 colleagues engaged ..."
 * 7. third-party intent surge (70+) in 30 days    → "Reach out on their research: intent surge of 85 ..."
 * 8. no activity for 30 days or more (or never)   → "Nurture: no activity for over a month"
 * 9. otherwise by tier, naming the strongest factor that supports it:
 *    hot → "Call this week: ...", warm → "Follow up by email: ...",
 *    cold → "Keep in nurture: " + the factor holding the score down most ("score held back by ...").
 * A rule uses a value only when the catalogue has it for the lead (a missing value never fires it).
 * The line is at most 255 characters.
 */

export const RECOMMENDATION_MAX = 255;

export interface RecommendationInput {
  tier: Tier;
  /** The lead's feature values by catalogue id (the row the score was computed from). */
  values: Readonly<Record<string, FeatureValue>>;
  /** The factors shown, largest first, with their catalogue labels. */
  factors: readonly { featureId: string; label: string; points: number }[];
}

/** "No activity for over a month" → "no activity for over a month"; "VP-level title" stays. */
function inSentence(label: string): string {
  const [first = '', second = ''] = label;
  return second !== '' && second === second.toLowerCase() && first !== first.toLowerCase()
    ? `${first.toLowerCase()}${label.slice(first.length)}`
    : label;
}

function numberAt(values: RecommendationInput['values'], id: string): number | null {
  const value = values[id];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function line(action: string, reason: string): string {
  const prefix = `${action}: `;
  return `${prefix}${truncateText(inSentence(reason), RECOMMENDATION_MAX - prefix.length)}`;
}

interface Rule {
  action: string;
  featureId: string;
  applies(values: RecommendationInput['values']): boolean;
}

const atLeast = (id: string, minimum: number) => (values: RecommendationInput['values']) =>
  (numberAt(values, id) ?? 0) >= minimum;

const rules: readonly Rule[] = [
  { action: 'Call today', featureId: 'demo_requests_7d', applies: atLeast('demo_requests_7d', 1) },
  {
    action: 'Call today',
    featureId: 'trial_signups_total',
    applies: (values) => {
      const quietDays = numberAt(values, 'days_since_last_activity');
      return atLeast('trial_signups_total', 1)(values) && quietDays !== null && quietDays < 7;
    },
  },
  { action: 'Call this week', featureId: 'demo_requests_30d', applies: atLeast('demo_requests_30d', 1) },
  {
    action: 'Send pricing follow-up',
    featureId: 'pricing_page_views_30d',
    applies: atLeast('pricing_page_views_30d', 1),
  },
  {
    action: 'Send a case study',
    featureId: 'decision_content_downloads_90d',
    applies: atLeast('decision_content_downloads_90d', 1),
  },
  {
    action: 'Reach the buying group',
    featureId: 'account_engaged_colleagues_30d',
    applies: atLeast('account_engaged_colleagues_30d', 2),
  },
  {
    action: 'Reach out on their research',
    featureId: 'intent_max_surge_30d',
    applies: atLeast('intent_max_surge_30d', SURGING_SCORE),
  },
  {
    action: 'Nurture',
    featureId: 'days_since_last_activity',
    applies: (values) => {
      const quietDays = numberAt(values, 'days_since_last_activity');
      return quietDays === null ? 'days_since_last_activity' in values : quietDays >= 30;
    },
  },
];

export function recommendationFor(input: RecommendationInput): string {
  for (const rule of rules) {
    if (rule.applies(input.values)) {
      return line(rule.action, featureLabel(rule.featureId, input.values[rule.featureId] ?? null));
    }
  }
  const strongestUp = input.factors.find((factor) => factor.points > 0);
  const strongestDown = input.factors.find((factor) => factor.points < 0);
  if (input.tier === 'hot') {
    return strongestUp
      ? line('Call this week', strongestUp.label)
      : 'Call this week: the score is in the hot range';
  }
  if (input.tier === 'warm') {
    return strongestUp
      ? line('Follow up by email', strongestUp.label)
      : 'Follow up by email: the score is in the warm range';
  }
  return strongestDown
    ? line('Keep in nurture', `score held back by: ${inSentence(strongestDown.label)}`)
    : 'Keep in nurture: no strong buying signal yet';
}
