/** Number formats shared by the terminal and HTML reports, so both print the same figures. */

const DASH = '–';

/** Four decimals (metrics), a dash for NaN (a figure that does not exist, e.g. no row flagged). */
export function metricText(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : DASH;
}

/** A share as a percentage with two decimals. */
export function percentText(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(2)}%` : DASH;
}

/** Lift with two decimals. */
export function liftText(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : DASH;
}

/** Whole counts with thousands separators (12,345). */
export function countText(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export const WINDOW_LABELS = { train: 'train', validation: 'validation', test: 'test' } as const;

export const METRIC_ROWS = [
  { key: 'rocAuc', label: 'ROC AUC' },
  { key: 'prAuc', label: 'PR AUC (average precision)' },
  { key: 'logLoss', label: 'log loss' },
  { key: 'brier', label: 'Brier score' },
  { key: 'ece', label: 'ECE (10 equal-width bins)' },
] as const;
