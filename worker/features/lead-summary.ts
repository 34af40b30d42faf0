import {
  assetTypeOf,
  BUYING_GROUP_POINTS,
  decisionStageAssets,
  ENGAGED_IN_WINDOW_POINTS,
  engagementPoints,
  isIntegrationsPage,
  isTrialSignup,
  researchStageAssets,
} from '../../shared/features/activity-signals.ts';
import { activityWindowsDays } from '../../shared/features/behaviour-features.ts';
import { SURGING_SCORE } from '../../shared/features/profile-features.ts';
import { type ParsedTitle, parseTitle } from '../../shared/features/title-parser.ts';
import { type ActivityType, activityTypeSchema } from '../../shared/schemas/activity.ts';
import { createdAtMs, type LeadAtTime, type TimedActivity } from './lead-at-time.ts';

/**
 * One pass over what a lead and its account did before s, from which every behaviour, account and
 * intent feature is read. Every window is [s − days, s): records at or after s are skipped here too,
 * so a feature stays point-in-time even when handed more than the store should return.
 */

export const DAY_MS = 86_400_000;

const activityTypes = activityTypeSchema.options;
const typeIndex = new Map<ActivityType, number>(activityTypes.map((type, index) => [type, index]));
const windowCount = activityWindowsDays.length;

export interface LeadSummary {
  /** counts[typeIndex * windows + windowIndex], windows as in activityWindowsDays. */
  counts: Float64Array;
  total: number;
  lastAtMs: number | null;
  last14: number;
  prior14: number;
  activeDays30: number;
  assetTypes90: number;
  decisionDownloads90: number;
  researchDownloads90: number;
  trialSignups: number;
  integrationViews90: number;
  accountContacts: number;
  buyingGroup: number;
  engagedColleagues30: number;
  seniorEngagedColleagues90: number;
  colleagueActivities30: number;
  maxSurge30: number | null;
  maxSurge90: number | null;
  surgingTopics90: number;
}

export function activityCount(summary: LeadSummary, type: ActivityType, windowIndex: number): number {
  return summary.counts[(typeIndex.get(type) ?? 0) * windowCount + windowIndex];
}

const seniorRanks = new Set(['owner', 'c_level', 'vp', 'director']);
const parsedTitles = new Map<string, ParsedTitle>();
const untitled = parseTitle(null);

/** The parsed title, memoised: the same titles come back at every snapshot of a lead and its colleagues. */
export function parsedTitle(title: string | null): ParsedTitle {
  if (title === null) return untitled;
  let parsed = parsedTitles.get(title);
  if (parsed === undefined) {
    parsed = parseTitle(title);
    if (parsedTitles.size > 50_000) parsedTitles.clear();
    parsedTitles.set(title, parsed);
  }
  return parsed;
}

/** Director or above, by the title parser. */
function isSenior(title: string | null): boolean {
  return seniorRanks.has(parsedTitle(title).seniority);
}

interface Engagement {
  total: number;
  last30: number;
  last90: number;
  activities30: number;
}

function engagementOf(activities: readonly TimedActivity[], asOfMs: number): Engagement {
  const from30 = asOfMs - 30 * DAY_MS;
  const from90 = asOfMs - 90 * DAY_MS;
  const engagement = { total: 0, last30: 0, last90: 0, activities30: 0 };
  for (const activity of activities) {
    if (!(activity.atMs < asOfMs)) continue;
    const points = engagementPoints[activity.type];
    engagement.total += points;
    if (activity.atMs >= from90) engagement.last90 += points;
    if (activity.atMs >= from30) {
      engagement.last30 += points;
      engagement.activities30 += 1;
    }
  }
  return engagement;
}

export function summariseLead(inputs: LeadAtTime): LeadSummary {
  const { asOfMs } = inputs;
  const summary: LeadSummary = {
    counts: new Float64Array(activityTypes.length * windowCount),
    total: 0,
    lastAtMs: null,
    last14: 0,
    prior14: 0,
    activeDays30: 0,
    assetTypes90: 0,
    decisionDownloads90: 0,
    researchDownloads90: 0,
    trialSignups: 0,
    integrationViews90: 0,
    accountContacts: 1,
    buyingGroup: 0,
    engagedColleagues30: 0,
    seniorEngagedColleagues90: 0,
    colleagueActivities30: 0,
    maxSurge30: null,
    maxSurge90: null,
    surgingTopics90: 0,
  };
  const windowStarts = activityWindowsDays.map((days) => asOfMs - days * DAY_MS);
  const activeDays = new Set<number>();
  const assetTypes = new Set<string>();
  for (const activity of inputs.activities) {
    const at = activity.atMs;
    if (!(at < asOfMs)) continue;
    summary.total += 1;
    if (summary.lastAtMs === null || at > summary.lastAtMs) summary.lastAtMs = at;
    const base = (typeIndex.get(activity.type) ?? 0) * windowCount;
    for (let window = 0; window < windowCount; window += 1) {
      if (at >= windowStarts[window]) summary.counts[base + window] += 1;
    }
    const ageDays = (asOfMs - at) / DAY_MS;
    if (ageDays <= 14) summary.last14 += 1;
    else if (ageDays <= 28) summary.prior14 += 1;
    if (ageDays <= 30) activeDays.add(Math.floor(at / DAY_MS));
    if (activity.type === 'form_submit' && isTrialSignup(activity.detail)) summary.trialSignups += 1;
    if (ageDays > 90) continue;
    if (activity.type === 'page_view' && isIntegrationsPage(activity.detail)) summary.integrationViews90 += 1;
    if (activity.type === 'content_download') {
      const asset = assetTypeOf(activity.detail);
      assetTypes.add(asset);
      if (decisionStageAssets.has(asset)) summary.decisionDownloads90 += 1;
      if (researchStageAssets.has(asset)) summary.researchDownloads90 += 1;
    }
  }
  summary.activeDays30 = activeDays.size;
  summary.assetTypes90 = assetTypes.size;

  if (engagementOf(inputs.activities, asOfMs).total >= BUYING_GROUP_POINTS) summary.buyingGroup += 1;
  for (const colleague of inputs.colleagues) {
    if (!(createdAtMs(colleague.lead) < asOfMs)) continue;
    summary.accountContacts += 1;
    const engagement = engagementOf(colleague.activities, asOfMs);
    if (engagement.total >= BUYING_GROUP_POINTS) summary.buyingGroup += 1;
    if (engagement.last30 >= ENGAGED_IN_WINDOW_POINTS) summary.engagedColleagues30 += 1;
    if (engagement.last90 >= ENGAGED_IN_WINDOW_POINTS && isSenior(colleague.lead.title)) {
      summary.seniorEngagedColleagues90 += 1;
    }
    summary.colleagueActivities30 += engagement.activities30;
  }

  const surgingTopics = new Set<string>();
  for (const signal of inputs.intent) {
    if (!(signal.atMs < asOfMs)) continue;
    const ageDays = (asOfMs - signal.atMs) / DAY_MS;
    if (ageDays > 90) continue;
    summary.maxSurge90 = Math.max(summary.maxSurge90 ?? 0, signal.surgeScore);
    if (ageDays <= 30) summary.maxSurge30 = Math.max(summary.maxSurge30 ?? 0, signal.surgeScore);
    if (signal.surgeScore >= SURGING_SCORE) surgingTopics.add(signal.topic);
  }
  summary.surgingTopics90 = surgingTopics.size;
  return summary;
}
