/**
 * Factor points: the exact TreeSHAP contributions (log-odds φ_i, bias φ_0, raw = φ_0 + Σφ_i) turned
 * into whole score points with baseline + Σ points = score, exactly.
 *
 * 1. baseline = toScore(φ_0): the score of the bias alone; D = score − baseline is what the features add.
 * 2. D is split between the positive (P = Σφ_i > 0) and negative (N = Σφ_i < 0) contributions by
 *    their Shapley value in the score: G+ = ½[(s(φ_0+P) − s(φ_0)) + (s(φ_0+P+N) − s(φ_0+N))], rounded
 *    half up, and G− = D − G+. Averaging both orders keeps it order-independent, and a monotone
 *    score makes G+ ≥ 0 ≥ G−; each side stays within 0..100 even when P and N nearly cancel, where
 *    plain φ_i/Σφ × D would give hundreds of points of opposite signs.
 * 3. Within a side, points are proportional to φ_i, made whole by largest-remainder rounding (ties:
 *    larger |φ|, then feature id), so they sum exactly to G+ (or G−). A factor's points therefore
 *    never have the opposite sign of its φ_i; a small φ_i can round to 0 points.
 */

export interface Contribution {
  featureId: string;
  /** The feature's exact SHAP value, in log-odds. */
  phi: number;
}

export interface PointedContribution extends Contribution {
  /** Whole score points; Σ points = score − baseline. */
  points: number;
}

export interface ScoreExplanation {
  score: number;
  baseline: number;
  points: PointedContribution[];
}

function byFeatureId(one: Contribution, two: Contribution): number {
  return one.featureId < two.featureId ? -1 : one.featureId > two.featureId ? 1 : 0;
}

/**
 * Splits a whole number of points over weights (all ≥ 0) in proportion, by largest remainder, so the
 * parts are whole and add up to `total` exactly. Ties go to the larger weight, then the lower index.
 * A negative total gives non-positive parts. With every weight 0 the points go in equal shares.
 */
export function splitProportionally(total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total)) throw new RangeError(`total ${total} must be a whole number`);
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError(`cannot split ${total} points over no weights`);
    return [];
  }
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0)
      throw new RangeError(`weight ${weight} must be finite and >= 0`);
  }
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);
  const sum = weights.reduce((accumulated, weight) => accumulated + weight, 0);
  const effective = sum > 0 ? weights : weights.map(() => 1);
  const effectiveSum = sum > 0 ? sum : weights.length;
  const shares = effective.map((weight) => (weight / effectiveSum) * magnitude);
  const parts = shares.map((share) => Math.floor(share));
  let remaining = magnitude - parts.reduce((accumulated, part) => accumulated + part, 0);
  const order = shares
    // Remainders are compared to 1e-9 so that float noise (1.2 / 1.6 = 0.7499...) does not break a tie.
    .map((share, index) => ({
      index,
      fraction: Math.round((share - Math.floor(share)) * 1e9),
      weight: effective[index],
    }))
    .sort((one, two) => two.fraction - one.fraction || two.weight - one.weight || one.index - two.index);
  for (let at = 0; remaining > 0; at = (at + 1) % order.length) {
    parts[order[at].index] += 1;
    remaining -= 1;
  }
  return parts.map((part) => (part === 0 ? 0 : sign * part));
}

/**
 * Points of every contribution, given the bias and the map from raw log-odds to the score
 * (`raw => scale.scoreOf(calibrate(sigmoid(raw)))`, which must never decrease). The score is
 * toScore(bias + Σφ), so it is the one the lead is shown.
 */
export function explainScore(input: {
  bias: number;
  contributions: readonly Contribution[];
  toScore: (raw: number) => number;
}): ScoreExplanation {
  const { bias, contributions, toScore } = input;
  for (const contribution of contributions) {
    if (!Number.isFinite(contribution.phi)) {
      throw new RangeError(`contribution of ${contribution.featureId} is ${contribution.phi}`);
    }
  }
  const positive = contributions.filter((contribution) => contribution.phi > 0);
  const negative = contributions.filter((contribution) => contribution.phi < 0);
  const sumOf = (list: readonly Contribution[]) => list.reduce((sum, { phi }) => sum + phi, 0);
  const up = sumOf(positive);
  const down = sumOf(negative);
  const baseline = toScore(bias);
  const score = toScore(bias + up + down);
  const total = score - baseline;
  const twiceGain = toScore(bias + up) - baseline + (score - toScore(bias + down));
  const gain = positive.length === 0 ? 0 : negative.length === 0 ? total : Math.floor((twiceGain + 1) / 2);
  const loss = total - gain;
  if (gain < 0 || loss > 0) {
    throw new RangeError('toScore decreased somewhere along the contributions: it must never decrease');
  }
  const points = new Map<Contribution, number>();
  const give = (side: Contribution[], sideTotal: number) => {
    const sorted = [...side].sort(
      (one, two) => Math.abs(two.phi) - Math.abs(one.phi) || byFeatureId(one, two),
    );
    const parts = splitProportionally(
      sideTotal,
      sorted.map(({ phi }) => Math.abs(phi)),
    );
    sorted.forEach((contribution, index) => {
      points.set(contribution, parts[index]);
    });
  };
  give(positive, gain);
  give(negative, loss);
  return {
    score,
    baseline,
    points: contributions.map((contribution) => ({ ...contribution, points: points.get(contribution) ?? 0 })),
  };
}

/** Orders factors as the panel shows them: larger |points| first, then larger |φ|, then feature id. */
export function compareFactors(one: PointedContribution, two: PointedContribution): number {
  return (
    Math.abs(two.points) - Math.abs(one.points) ||
    Math.abs(two.phi) - Math.abs(one.phi) ||
    byFeatureId(one, two)
  );
}

/**
 * The five factors the panel shows (largest |points|, positive or negative) and the rest summed
 * as "other". Features that did not contribute at all (φ = 0) are never shown.
 */
export function topFactors<T extends PointedContribution>(
  points: readonly T[],
  count = 5,
): { top: T[]; otherPoints: number } {
  const ranked = points.filter((contribution) => contribution.phi !== 0).sort(compareFactors);
  const top = ranked.slice(0, count);
  const shown = new Set<T>(top);
  const otherPoints = points
    .filter((contribution) => !shown.has(contribution))
    .reduce((sum, contribution) => sum + contribution.points, 0);
  return { top, otherPoints };
}
