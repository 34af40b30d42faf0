import { seededRandom } from '../shared/random.ts';

export const NUMERIC_FEATURES = 20;
export const CATEGORICAL_FEATURES = 10;
export const FEATURES = NUMERIC_FEATURES + CATEGORICAL_FEATURES;

export interface SyntheticSet {
  rows: number;
  /** One Float64Array per feature (column-major): the layout training bins fastest. */
  columns: Float64Array[];
  labels: Float64Array;
}

/** Standard normal draws from a uniform generator (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Lead-like rows: 20 numeric features (skewed counts and amounts, 5-30% missing, where missing itself
 * carries signal) and 10 categorical ones (4 to 60 categories with uneven frequencies); the label comes
 * from a logistic model with non-linear terms and interactions, about 20% positive.
 */
export function syntheticLeads(rows: number, seed: number): SyntheticSet {
  const random = seededRandom(seed);
  const columns = Array.from({ length: FEATURES }, () => new Float64Array(rows));
  const labels = new Float64Array(rows);
  const categoryCounts = Array.from({ length: CATEGORICAL_FEATURES }, (_, index) => 4 + index * 6);
  // Fixed per-category effects, drawn from their own generator so they do not depend on `rows`.
  const effectRandom = seededRandom(1234);
  const categoryEffects = categoryCounts.map((count) =>
    Float64Array.from({ length: count }, () => normal(effectRandom) * 0.6),
  );
  for (let row = 0; row < rows; row += 1) {
    let logit = -1.6;
    for (let feature = 0; feature < NUMERIC_FEATURES; feature += 1) {
      const missingRate = 0.05 + (feature % 6) * 0.05;
      if (random() < missingRate) {
        columns[feature][row] = Number.NaN;
        if (feature < 4) logit -= 0.4;
        continue;
      }
      const value =
        feature % 3 === 0 ? Math.floor(-Math.log(1 - random()) * 5) : normal(random) * 2 + feature;
      columns[feature][row] = value;
      if (feature < 8) logit += Math.tanh((value - feature) * 0.5) * (0.9 - feature * 0.08);
    }
    for (let index = 0; index < CATEGORICAL_FEATURES; index += 1) {
      const count = categoryCounts[index];
      // Skewed draw: low codes are common, as with real CRM picklists.
      const code = Math.min(count - 1, Math.floor(count * random() ** 2));
      columns[NUMERIC_FEATURES + index][row] = code;
      if (index < 6) logit += categoryEffects[index][code];
    }
    const a = columns[1][row];
    const b = columns[2][row];
    if (!Number.isNaN(a) && !Number.isNaN(b) && a > 1 && b > 2) logit += 0.8;
    labels[row] = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { rows, columns, labels };
}

/** Row-major copy of the columns, the layout prediction and explanation take. */
export function toRowMajor(set: SyntheticSet): Float64Array {
  const out = new Float64Array(set.rows * FEATURES);
  for (let feature = 0; feature < FEATURES; feature += 1) {
    const column = set.columns[feature];
    for (let row = 0; row < set.rows; row += 1) out[row * FEATURES + feature] = column[row];
  }
  return out;
}
