/**
 * Per-leaf precomputation behind FastTreeShap: exact path-dependent TreeSHAP as a table lookup.
 *
 * Why it is exact. Fix one leaf with value v whose root path splits on the distinct features
 * F = {f_0..f_(d-1)}. For a row x and feature j in F let p_j be 1 when x takes the path's direction at
 * every node on feature j (else 0) and q_j the product of the path's cover ratios count(child) /
 * count(node) at those nodes. Path-dependent TreeSHAP (LightGBM's predict_contrib) is the Shapley
 * value of the game whose worth for a coalition S is Σ_leaves v · Π_{j∈F∩S} p_j · Π_{j∈F\S} q_j, and
 * by linearity each leaf contributes its own game's Shapley values. In that game only coalitions
 * inside the hot set A = {j : p_j = 1} have non-zero worth, which gives, with B = F \ A (cold) and
 *   H(S) = Σ_{U⊆S} w(|U|) Π_{j∈S\U} q_j,   w(s) = s!(d-1-s)!/d!,
 * the leaf's contribution to feature i:
 *   i cold:  -v · Q(B) · H(A)                 (the same for every cold feature)
 *   i hot:   v · (1 - q_i) · Q(B) · H(A \ {i})
 * where Q(B) = Π_{j∈B} q_j. Both depend on x only through the bit mask of B, so with the table
 *   T[C] = v · Q(C) · H(F \ C)   for every C ⊆ F
 * a cold feature gets -T[B] and a hot feature gets (1 - q_i) / q_i · T[B ∪ {i}]: d lookups per leaf
 * and row instead of TreeSHAP's O(d²) path algebra. Every term of T is a sum of products of numbers
 * in [0, 1] and positive weights, so building it loses no precision.
 *
 * Leaves deeper than MAX_TABLE_BITS distinct features (tables of 2^d entries) or with a zero cover
 * ratio (q_i = 0, where the ratio above is undefined) use `directLeafContributions`, the same
 * formulas evaluated per row.
 */
export const MAX_TABLE_BITS = 12;

const weightCache: Float64Array[] = [];

/** w(s) = s!(d-1-s)!/d! for s = 0..d-1, computed as 1 / (d · C(d-1, s)) to stay in range. */
export function shapleyWeights(d: number): Float64Array {
  const cached = weightCache[d];
  if (cached !== undefined) return cached;
  const weights = new Float64Array(d);
  let binomial = 1;
  for (let s = 0; s < d; s += 1) {
    weights[s] = 1 / (d * binomial);
    binomial = (binomial * (d - 1 - s)) / (s + 1);
  }
  weightCache[d] = weights;
  return weights;
}

/**
 * H(S) for every subset S of the d path features (bit k = feature k), by building each subset's
 * polynomial Π_{j∈S} (q_j + t) from the subset without its lowest bit.
 */
function subsetH(q: ArrayLike<number>, d: number, weights: Float64Array): Float64Array {
  const size = 1 << d;
  const width = d + 1;
  const poly = new Float64Array(size * width);
  const h = new Float64Array(size);
  poly[0] = 1;
  h[0] = weights[0];
  for (let subset = 1; subset < size; subset += 1) {
    const low = 31 - Math.clz32(subset & -subset);
    const from = (subset & (subset - 1)) * width;
    const to = subset * width;
    const qLow = q[low];
    const degree = popCount(subset);
    // (q + t) · P(t): coefficient s gets q·P[s] + P[s-1].
    poly[to] = qLow * poly[from];
    for (let s = 1; s <= degree; s += 1) poly[to + s] = qLow * poly[from + s] + poly[from + s - 1];
    let value = 0;
    for (let s = 0; s <= degree && s < d; s += 1) value += weights[s] * poly[to + s];
    h[subset] = value;
  }
  return h;
}

export function popCount(mask: number): number {
  let m = mask - ((mask >>> 1) & 0x55555555);
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** T[C] = v · Q(C) · H(F \ C) for every cold mask C of a leaf with d path features. */
export function buildLeafTable(value: number, q: ArrayLike<number>, d: number): Float64Array {
  const size = 1 << d;
  const full = size - 1;
  const h = subsetH(q, d, shapleyWeights(d));
  const table = new Float64Array(size);
  const coldProduct = new Float64Array(size);
  coldProduct[0] = 1;
  for (let cold = 0; cold < size; cold += 1) {
    if (cold > 0) {
      const low = 31 - Math.clz32(cold & -cold);
      coldProduct[cold] = coldProduct[cold & (cold - 1)] * q[low];
    }
    table[cold] = value * coldProduct[cold] * h[full & ~cold];
  }
  return table;
}

const polyScratch = new Float64Array(65);

/**
 * The leaf's contributions for one row from the formulas above, given which of its d path features
 * are cold (`cold[k] = 1`); adds them to `phi` at the leaf's features. Used for leaves without a
 * table (too many distinct features, or a zero cover ratio).
 *
 * O(d²): the hot features' polynomial P(t) = Π_{j hot} (q_j + t) is built once; H(A \ {k}) for each
 * hot k comes from P / (q_k + t) by synthetic division from the highest coefficient down, where each
 * step multiplies earlier rounding errors by q_k ≤ 1 (so they never grow), and q_k = 0 is no special
 * case.
 */
export function directLeafContributions(
  value: number,
  q: ArrayLike<number>,
  features: ArrayLike<number>,
  d: number,
  cold: Uint8Array,
  phi: Float64Array,
  phiOffset: number,
): void {
  const weights = shapleyWeights(d);
  const poly = d < polyScratch.length ? polyScratch : new Float64Array(d + 1);
  let coldProduct = 1;
  let anyCold = false;
  poly[0] = 1;
  let degree = 0;
  for (let k = 0; k < d; k += 1) {
    if (cold[k] === 1) {
      coldProduct *= q[k];
      anyCold = true;
      continue;
    }
    degree += 1;
    poly[degree] = poly[degree - 1];
    for (let s = degree - 1; s >= 1; s -= 1) poly[s] = q[k] * poly[s] + poly[s - 1];
    poly[0] *= q[k];
  }
  if (anyCold) {
    let h = 0;
    for (let s = 0; s <= degree && s < d; s += 1) h += weights[s] * poly[s];
    const coldShare = -value * coldProduct * h;
    for (let k = 0; k < d; k += 1) if (cold[k] === 1) phi[phiOffset + features[k]] += coldShare;
  }
  for (let k = 0; k < d; k += 1) {
    if (cold[k] === 1) continue;
    // Quotient coefficients r_(degree-1) .. r_0 of P / (q_k + t), summed with their weights.
    const qk = q[k];
    let r = poly[degree];
    let h = weights[degree - 1] * r;
    for (let s = degree - 1; s >= 1; s -= 1) {
      r = poly[s] - qk * r;
      h += weights[s - 1] * r;
    }
    phi[phiOffset + features[k]] += value * (1 - qk) * coldProduct * h;
  }
}
