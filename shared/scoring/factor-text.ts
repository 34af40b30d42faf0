import { featureLabel } from '../features/feature-catalogue.ts';
import type { FeatureValue } from '../features/feature-definition.ts';

/**
 * Factor text as the rep reads it and the CRM field holds it: `+18 · 3 pricing-page views in the
 * last 30 days`. Points are signed whole numbers (`+18`, `-7`, and `0` for none: a sign on zero would
 * suggest a direction), then a middle dot, then the catalogue label with the lead's own value.
 * CRM text fields hold 255 characters, so the label is shortened with an ellipsis when needed,
 * cutting between code points (never inside a surrogate pair) and never touching the points.
 */

export const FACTOR_TEXT_MAX = 255;
const SEPARATOR = ' · ';
const ELLIPSIS = '…';

export function signedPoints(points: number): string {
  if (!Number.isInteger(points)) throw new RangeError(`points ${points} must be a whole number`);
  if (points > 0) return `+${points}`;
  return `${points}`;
}

/**
 * Shortens text to at most `max` UTF-16 units (what CRM field limits count), with an ellipsis
 * when anything was cut, on a code point boundary. Whitespace before the ellipsis is dropped.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let kept = '';
  for (const codePoint of text) {
    if (kept.length + codePoint.length > max - ELLIPSIS.length) break;
    kept += codePoint;
  }
  return `${kept.trimEnd()}${ELLIPSIS}`;
}

/** `+18 · <label>`, at most 255 characters. */
export function factorText(points: number, label: string, max = FACTOR_TEXT_MAX): string {
  const prefix = `${signedPoints(points)}${SEPARATOR}`;
  return `${prefix}${truncateText(label, max - prefix.length)}`;
}

/** The factor of a feature for a lead: its id, the catalogue label with the lead's value, its points. */
export function factorOf(featureId: string, value: FeatureValue, points: number) {
  return { featureId, label: featureLabel(featureId, value), points };
}
