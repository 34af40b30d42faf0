import type { InputSchema } from '../io/input-schema.ts';

/**
 * The `top` largest contributions of one row as text, largest first by size:
 * `pricing_page_views=4 (+0.82)`: the feature, the lead's value (the category for a categorical
 * feature, `missing` for a missing cell) and the signed contribution in log-odds. Features that
 * contributed exactly nothing are left out, so a row can have fewer factors than asked.
 */
export function topFactors(
  schema: InputSchema,
  matrix: Float64Array,
  contributions: Float64Array,
  row: number,
  top: number,
): string[] {
  const features = schema.features.length;
  const base = row * (features + 1);
  const order = Array.from({ length: features }, (_, feature) => feature)
    .filter((feature) => contributions[base + feature] !== 0)
    .sort((a, b) => Math.abs(contributions[base + b]) - Math.abs(contributions[base + a]) || a - b)
    .slice(0, top);
  return order.map((feature) => {
    const spec = schema.features[feature];
    const value = matrix[row * features + feature];
    const contribution = contributions[base + feature];
    const shown = Number.isNaN(value)
      ? 'missing'
      : spec.kind === 'categorical'
        ? (spec.categories[value] ?? 'missing')
        : String(value);
    const sign = contribution > 0 ? '+' : '-';
    return `${spec.name}=${shown} (${sign}${Math.abs(contribution).toFixed(2)})`;
  });
}
