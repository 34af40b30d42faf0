import { createHash } from 'node:crypto';
import { type Score, writtenProbability } from '../../shared/schemas/score.ts';

/**
 * What a write-back changes on the record: score, tier, the factors (which, in which order, with
 * which points and text), the probability as written (rounded, so a hair's move is no write) and
 * the recommendation. Model version and scoredAt are left out: on their own they are no reason to
 * write.
 */
export function scoreContentHash(
  score: Pick<Score, 'score' | 'tier' | 'factors' | 'probability' | 'recommendation'>,
): string {
  const content = JSON.stringify([
    score.score,
    score.tier,
    score.factors.map((factor) => [factor.featureId, factor.label, factor.points]),
    writtenProbability(score.probability),
    score.recommendation ?? null,
  ]);
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}

export { writeIdempotencyKey } from '../../shared/store/writeback-state.repository.ts';
