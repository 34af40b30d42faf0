import type { ActivityType } from '../schemas/activity.ts';
import type { FeatureDefinition, FeatureValue } from './feature-definition.ts';
import { countOf, formatCount, leadAgeText, quietPeriodText, windowText } from './feature-text.ts';

/** What the lead did: activity counts per type and window, recency, trend and content depth. */

export const activityWindowsDays = [7, 30, 90] as const;

interface ActivityWording {
  stem: string;
  singular: string;
  plural: string;
}

/** One id stem and the words for each activity type; ids read `<stem>_<days>d`. */
export const activityWording: Readonly<Record<ActivityType, ActivityWording>> = {
  email_open: { stem: 'email_opens', singular: 'email open', plural: 'email opens' },
  email_click: { stem: 'email_clicks', singular: 'email click', plural: 'email clicks' },
  page_view: { stem: 'page_views', singular: 'page view', plural: 'page views' },
  pricing_page_view: {
    stem: 'pricing_page_views',
    singular: 'pricing-page view',
    plural: 'pricing-page views',
  },
  form_submit: { stem: 'form_submits', singular: 'form submission', plural: 'form submissions' },
  content_download: {
    stem: 'content_downloads',
    singular: 'content download',
    plural: 'content downloads',
  },
  webinar: { stem: 'webinars', singular: 'webinar attended', plural: 'webinars attended' },
  demo_request: { stem: 'demo_requests', singular: 'demo request', plural: 'demo requests' },
  meeting: { stem: 'meetings', singular: 'meeting', plural: 'meetings' },
  call: { stem: 'calls', singular: 'call', plural: 'calls' },
  task: { stem: 'tasks', singular: 'sales task', plural: 'sales tasks' },
  campaign_response: {
    stem: 'campaign_responses',
    singular: 'campaign response',
    plural: 'campaign responses',
  },
};

export function activityCountId(type: ActivityType, days: number): string {
  return `${activityWording[type].stem}_${days}d`;
}

function numberOf(value: FeatureValue): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** "3 pricing-page views in the last 30 days" / "No pricing-page views in the last 30 days". */
function countLabel(singular: string, plural: string, suffix: string) {
  return (value: FeatureValue): string => {
    const count = numberOf(value) ?? 0;
    if (count === 0) return `No ${plural}${suffix}`;
    return `${countOf(count, singular, plural)}${suffix}`;
  };
}

function activityCountFeatures(): FeatureDefinition[] {
  const features: FeatureDefinition[] = [];
  for (const [type, wording] of Object.entries(activityWording) as [ActivityType, ActivityWording][]) {
    for (const days of activityWindowsDays) {
      features.push({
        id: activityCountId(type, days),
        group: 'behaviour',
        kind: 'numeric',
        unit: 'activities',
        description: `Number of ${type} activities in the ${days} days before the snapshot.`,
        label: countLabel(wording.singular, wording.plural, ` ${windowText(days)}`),
      });
    }
  }
  return features;
}

export const behaviourFeatures: readonly FeatureDefinition[] = [
  ...activityCountFeatures(),
  {
    id: 'activities_total',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'activities',
    description: 'Every activity of the lead before the snapshot.',
    label: countLabel('activity', 'activities', ' on record'),
  },
  {
    id: 'days_since_last_activity',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'days',
    description: 'Days from the last activity to the snapshot; missing when there was none.',
    label: (value) => {
      const days = numberOf(value);
      return days === null ? 'No recorded activity' : quietPeriodText(days);
    },
  },
  {
    id: 'lead_age_days',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'days',
    description: 'Days from the lead’s creation to the snapshot.',
    label: (value) => leadAgeText(numberOf(value) ?? 0),
  },
  {
    id: 'activity_trend_14d',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'activities',
    description: 'Activities in the last 14 days minus activities in the 14 days before those.',
    label: (value) => {
      const change = numberOf(value) ?? 0;
      if (change > 0) {
        return `${countOf(change, 'more activity', 'more activities')} in the last 14 days than in the 14 before`;
      }
      if (change < 0) {
        return `${countOf(-change, 'fewer activity', 'fewer activities')} in the last 14 days than in the 14 before`;
      }
      return 'As active in the last 14 days as in the 14 before';
    },
  },
  {
    id: 'active_days_30d',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'days',
    description: 'Distinct UTC days with at least one activity in the last 30 days.',
    label: (value) => {
      const days = numberOf(value) ?? 0;
      return days === 0
        ? 'Not active on any day in the last 30 days'
        : `Active on ${countOf(days, 'day', 'different days')} in the last 30 days`;
    },
  },
  {
    id: 'content_asset_types_90d',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'asset types',
    description: 'Distinct asset types (case study, whitepaper, pricing sheet, ...) downloaded in 90 days.',
    label: (value) => {
      const kinds = numberOf(value) ?? 0;
      return kinds === 0
        ? 'No content downloaded in the last 90 days'
        : `Downloaded ${countOf(kinds, 'kind', 'kinds')} of content in the last 90 days`;
    },
  },
  {
    id: 'decision_content_downloads_90d',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'activities',
    description: 'Downloads of pricing sheets, case studies and datasheets in the last 90 days.',
    label: countLabel(
      'pricing sheet, case study or datasheet downloaded',
      'pricing sheets, case studies or datasheets downloaded',
      ` ${windowText(90)}`,
    ),
  },
  {
    id: 'research_content_downloads_90d',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'activities',
    description: 'Downloads of whitepapers, ebooks, analyst reports and checklists in the last 90 days.',
    label: countLabel(
      'whitepaper, ebook or report downloaded',
      'whitepapers, ebooks or reports downloaded',
      ` ${windowText(90)}`,
    ),
  },
  {
    id: 'trial_signups_total',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'activities',
    description: 'Forms whose name mentions a trial, submitted before the snapshot.',
    label: (value) => {
      const count = numberOf(value) ?? 0;
      if (count === 0) return 'No free-trial signup';
      return count === 1 ? 'Signed up for a free trial' : `${formatCount(count)} free-trial signups`;
    },
  },
  {
    id: 'integration_page_views_90d',
    group: 'behaviour',
    kind: 'numeric',
    unit: 'activities',
    description: 'Views of pages about integrations in the last 90 days.',
    label: countLabel('integrations-page view', 'integrations-page views', ` ${windowText(90)}`),
  },
];
