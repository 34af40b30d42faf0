import type { ActivityType } from '../schemas/activity.ts';

/**
 * How the catalogue reads an activity beyond its type: engagement points (who counts as an engaged
 * member of a buying group) and the content stage of a download. One definition, used by the
 * computation and described to admins in the README.
 */

/**
 * Points a contact earns per activity. Passive or seller-initiated touches (an email open, a call, a
 * task) earn none: they say what sales did, not what the buyer did.
 */
export const engagementPoints: Readonly<Record<ActivityType, number>> = {
  email_open: 0,
  email_click: 1,
  page_view: 1,
  pricing_page_view: 2,
  form_submit: 1,
  content_download: 1,
  webinar: 2,
  demo_request: 3,
  meeting: 2,
  call: 0,
  task: 0,
  campaign_response: 1,
};

/** A contact with this many points before the snapshot belongs to the account's buying group. */
export const BUYING_GROUP_POINTS = 5;
/** A colleague with this many points inside a window "engaged" in that window. */
export const ENGAGED_IN_WINDOW_POINTS = 2;

export const assetTypes = [
  'pricing_sheet',
  'case_study',
  'datasheet',
  'whitepaper',
  'ebook',
  'analyst_report',
  'checklist',
  'other',
] as const;
export type AssetType = (typeof assetTypes)[number];

/** Assets people read when they compare vendors, against those read while learning about the problem. */
export const decisionStageAssets: ReadonlySet<AssetType> = new Set([
  'pricing_sheet',
  'case_study',
  'datasheet',
]);
export const researchStageAssets: ReadonlySet<AssetType> = new Set([
  'whitepaper',
  'ebook',
  'analyst_report',
  'checklist',
]);

const assetRules: readonly (readonly [AssetType, RegExp])[] = [
  ['pricing_sheet', /pric(e|ing)/],
  ['case_study', /case[\s_-]*stud|customer stor/],
  ['datasheet', /data[\s_-]*sheet|spec[\s_-]*sheet|one[\s_-]*pager/],
  ['whitepaper', /white[\s_-]*paper/],
  ['ebook', /e[\s_-]*book|guide/],
  ['analyst_report', /analyst|gartner|forrester|report/],
  ['checklist', /checklist|template/],
];

/** The asset type of a content download from its detail ("Case Study: Acme", "pricing sheet"). */
export function assetTypeOf(detail: string | null): AssetType {
  if (detail === null) return 'other';
  const text = detail.toLowerCase();
  for (const [type, pattern] of assetRules) if (pattern.test(text)) return type;
  return 'other';
}

/** A form whose detail names a trial ("free trial signup", "Start your trial"). */
export function isTrialSignup(detail: string | null): boolean {
  return detail !== null && /\btrial\b/i.test(detail);
}

/** A page view of the integrations pages ("/integrations", "/integrations/salesforce"). */
export function isIntegrationsPage(detail: string | null): boolean {
  return detail !== null && /integration/i.test(detail);
}

const freeEmailDomains: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'gmx.de',
  'web.de',
  'mail.com',
  'yandex.ru',
]);

/** 1 for a personal mailbox (gmail.com, outlook.com, ...), 0 for a company address, null without one. */
export function isFreeEmail(email: string | null): 0 | 1 | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  return freeEmailDomains.has(email.slice(at + 1).toLowerCase()) ? 1 : 0;
}
