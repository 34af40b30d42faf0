import { z } from 'zod';
import type { Tier } from '../schemas/score.ts';
import type { Segment } from '../schemas/settings.ts';

/**
 * The score: the percentile (0-100) of a lead's calibrated probability within the training
 * population of its segment, fixed for a model version because the scale is saved with it.
 *
 * The scale keeps 100 cut points: q_k is the smallest probability v such that at least k% of the
 * population (by weight) is at or below v. Then `q_k <= p` exactly when F(p) >= k/100, F being the
 * population's cumulative share at or below p, so counting the cut points at or below p gives
 * floor(100 F(p)) with no approximation. Calibrated probabilities often sit on plateaus (isotonic
 * calibration), so the score takes the middle of a plateau: the mean of the counts strictly below p
 * and at or below p, rounded down. A lead is never ranked above the leads sharing its probability.
 * The score never decreases when the probability increases.
 */

const CUT_POINTS = 100;

const scaleDataSchema = z.object({
  kind: z.literal('percentile-cut-points'),
  cutPoints: z
    .array(z.number().min(0).max(1))
    .length(CUT_POINTS)
    .refine((points) => points.every((point, index) => index === 0 || points[index - 1] <= point), {
      message: 'must be non-decreasing',
    }),
});
/** What is saved with a model version (JSON). */
export type ScoreScaleData = z.infer<typeof scaleDataSchema>;

function checkProbability(probability: number): void {
  if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
    throw new RangeError(`probability ${probability} must be a number in [0, 1]`);
  }
}

/** How many of the sorted values are below `value` (strict) or at or below it. */
function countBelow(sorted: readonly number[], value: number, inclusive: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (inclusive ? sorted[middle] <= value : sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class ScoreScale {
  private constructor(private readonly cutPoints: readonly number[]) {}

  /**
   * The scale of a training population: its calibrated probabilities and, when negatives were
   * sampled down, each example's weight (so the percentile is that of the full population).
   */
  static fromProbabilities(probabilities: ArrayLike<number>, weights?: ArrayLike<number>): ScoreScale {
    const count = probabilities.length;
    if (count === 0) throw new RangeError('a score scale needs at least one training probability');
    if (weights !== undefined && weights.length !== count) {
      throw new RangeError(`${weights.length} weights given for ${count} probabilities`);
    }
    const order = Array.from({ length: count }, (_, index) => index);
    for (const index of order) checkProbability(probabilities[index]);
    order.sort((one, two) => probabilities[one] - probabilities[two]);
    const weightOf = (index: number): number => {
      const weight = weights === undefined ? 1 : weights[index];
      if (!Number.isFinite(weight) || weight <= 0) throw new RangeError(`weight ${weight} must be positive`);
      return weight;
    };
    let total = 0;
    for (const index of order) total += weightOf(index);
    const cutPoints: number[] = [];
    let cumulative = 0;
    let at = -1;
    for (let k = 1; k <= CUT_POINTS; k += 1) {
      // Unweighted, k * total / 100 is exact when it is a whole number; the tolerance only absorbs
      // the rounding of summed weights.
      const target = (k * total) / CUT_POINTS - total * 1e-12;
      while (cumulative < target && at < count - 1) {
        at += 1;
        cumulative += weightOf(order[at]);
      }
      cutPoints.push(probabilities[order[Math.max(at, 0)]]);
    }
    return new ScoreScale(cutPoints);
  }

  /** A scale saved with a model version; throws when the data is not one. */
  static fromJSON(data: unknown): ScoreScale {
    const parsed = scaleDataSchema.safeParse(data);
    if (!parsed.success) {
      throw new Error(`not a score scale: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    return new ScoreScale(parsed.data.cutPoints);
  }

  toJSON(): ScoreScaleData {
    return { kind: 'percentile-cut-points', cutPoints: [...this.cutPoints] };
  }

  /** The 0-100 score of a calibrated probability. */
  scoreOf(probability: number): number {
    checkProbability(probability);
    const below = countBelow(this.cutPoints, probability, false);
    const atOrBelow = countBelow(this.cutPoints, probability, true);
    return Math.floor((below + atOrBelow) / 2);
  }
}

/** The tier of a score in its segment: hot at or above hotThreshold, warm at or above warmThreshold. */
export function tierOf(score: number, segment: Pick<Segment, 'hotThreshold' | 'warmThreshold'>): Tier {
  if (score >= segment.hotThreshold) return 'hot';
  if (score >= segment.warmThreshold) return 'warm';
  return 'cold';
}
