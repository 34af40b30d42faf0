import { formatCount } from '../../../shared/features/feature-text.ts';
import { signedPoints } from '../../../shared/scoring/factor-text.ts';

/** How the panel writes numbers and times; the wording of scores lives once, in shared/scoring. */

export type Tier = 'hot' | 'warm' | 'cold';

const TIER_LABELS: Record<Tier, string> = { hot: 'Hot', warm: 'Warm', cold: 'Cold' };
const DAY_MS = 86_400_000;

export { formatCount, signedPoints };

/** `Hot`, `Warm`, `Cold`: the badge text. */
export function tierLabel(tier: Tier): string {
  return TIER_LABELS[tier];
}

/** The meter's spoken value: `73 of 100, hot`. */
export function scoreValueText(score: number, tier: Tier): string {
  return `${score} of 100, ${tier}`;
}

/** `today`, `yesterday`, `3 days ago`, `5 weeks ago`, `4 months ago`, `2 years ago`. */
export function daysAgoText(days: number): string {
  if (!Number.isFinite(days) || days < 0) throw new RangeError(`days ${days} must be a number >= 0`);
  const whole = Math.floor(days);
  if (whole === 0) return 'today';
  if (whole === 1) return 'yesterday';
  if (whole < 14) return `${whole} days ago`;
  if (whole < 60) return `${Math.floor(whole / 7)} weeks ago`;
  if (whole < 730) return `${Math.floor(whole / 30)} months ago`;
  return `${Math.floor(whole / 365)} years ago`;
}

/** Whole days from an ISO time to now (never negative: a clock a little ahead reads as today). */
export function daysSince(iso: string, nowMs: number): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new RangeError(`"${iso}" is not an ISO date-time`);
  return Math.max(0, Math.floor((nowMs - at) / DAY_MS));
}

/** `just now`, `12 minutes ago`, `3 hours ago`, then days as daysAgoText. */
export function timeAgoText(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new RangeError(`"${iso}" is not an ISO date-time`);
  const minutes = Math.max(0, Math.floor((nowMs - at) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  return daysAgoText(hours / 24);
}

const shortDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `3 Oct 2026` (UTC, so every viewer of a record reads the same day). */
export function dateText(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new RangeError(`"${iso}" is not an ISO date-time`);
  return shortDate.format(at);
}

/** `1 day`, `30 days`. */
export function dayCount(days: number): string {
  return days === 1 ? '1 day' : `${formatCount(days)} days`;
}

/** `12%` from a probability 0-1, `<1%` for small non-zero ones. */
export function percentText(probability: number): string {
  if (probability > 0 && probability < 0.005) return '<1%';
  return `${Math.round(probability * 100)}%`;
}
