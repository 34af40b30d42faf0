/** Small wording helpers shared by the catalogue's labels (US English, thousands separators). */

const wholeNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return wholeNumber.format(value);
}

/** "1 meeting", "3 meetings"; the caller words zero itself ("No meetings ..."). */
export function countOf(value: number, singular: string, plural: string): string {
  return `${formatCount(value)} ${value === 1 ? singular : plural}`;
}

/** "$850K", "$12M", "$1.2B": revenue as people say it. */
export function formatMoney(value: number): string {
  const scaled = (amount: number, suffix: string) => {
    const digits = amount >= 100 ? 0 : 1;
    const text = amount.toFixed(digits).replace(/\.0$/, '');
    return `$${text}${suffix}`;
  };
  if (value >= 1e9) return scaled(value / 1e9, 'B');
  if (value >= 1e6) return scaled(value / 1e6, 'M');
  if (value >= 1e3) return scaled(value / 1e3, 'K');
  return `$${formatCount(value)}`;
}

/** "in the last 30 days", with "this week" / "this month" avoided: windows are rolling. */
export function windowText(days: number): string {
  return `in the last ${days} days`;
}

export const DAY_MS = 86_400_000;

/**
 * Time since something, in buckets, so a label does not change every day while nothing happens:
 * it moves only when the lead crosses a bucket edge.
 */
export function quietPeriodText(days: number): string {
  if (days < 1) return 'Active in the last day';
  if (days < 7) return 'Active in the last week';
  if (days < 30) return 'No activity for over a week';
  if (days < 90) return 'No activity for over a month';
  if (days < 180) return 'No activity for over 3 months';
  return 'No activity for over 6 months';
}

export function leadAgeText(days: number): string {
  if (days < 7) return 'New lead, less than a week old';
  if (days < 30) return 'Lead for over a week';
  if (days < 90) return 'Lead for over a month';
  if (days < 180) return 'Lead for over 3 months';
  return 'Lead for over 6 months';
}
