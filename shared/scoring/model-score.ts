import type { FeatureValue } from '../features/feature-definition.ts';
import type { ScoreRecord } from '../schemas/score.ts';
import type { Segment } from '../schemas/settings.ts';
import { type Contribution, explainScore, type PointedContribution, topFactors } from './factor-points.ts';
import { factorOf } from './factor-text.ts';
import { recommendationFor } from './recommendation.ts';
import { type ScoreScale, tierOf } from './score-scale.ts';

export function sigmoid(raw: number): number {
  return 1 / (1 + Math.exp(-raw));
}

export interface ModelScoreInput {
  leadId: string;
  modelVersion: string;
  /** The segment the lead belongs to (its thresholds give the tier). */
  segment: Segment;
  /** 'model' for the segment's own model, 'pooled' when the segment fell back to the pooled one. */
  source: 'model' | 'pooled';
  /** TreeSHAP's expected value φ_0 (log-odds). */
  bias: number;
  /** TreeSHAP's per-feature φ_i (log-odds), catalogue feature ids. */
  contributions: readonly Contribution[];
  /** The lead's feature values the model scored, by catalogue id (labels and recommendation use them). */
  values: Readonly<Record<string, FeatureValue>>;
  /**
   * The model version's calibrated probability of a raw score (log-odds), non-decreasing: for a
   * calibrator fitted on probabilities, `raw => calibrate(sigmoid(raw))`.
   */
  probabilityOf: (raw: number) => number;
  /** The model version's score scale for the segment. */
  scale: ScoreScale;
  scoredAt: string;
}

export interface ExplainedModelScore {
  record: ScoreRecord;
  /** Every contribution's whole points (the record keeps the top five and the rest as otherPoints). */
  points: PointedContribution[];
  raw: number;
}

/**
 * A lead's score from its model's exact contributions: probability = probabilityOf(φ_0 + Σφ_i),
 * score = the scale's percentile of it, tier from the segment, the five largest factors with whole
 * points (baseline + factors + other = score) and the recommendation line. The one assembly the
 * worker, the API and the panels rely on.
 */
export function explainModelScore(input: ModelScoreInput): ExplainedModelScore {
  const raw = input.bias + input.contributions.reduce((sum, { phi }) => sum + phi, 0);
  const toScore = (value: number) => input.scale.scoreOf(input.probabilityOf(value));
  const explained = explainScore({ bias: input.bias, contributions: input.contributions, toScore });
  const { top, otherPoints } = topFactors(explained.points);
  const factors = top.map(({ featureId, points }) =>
    factorOf(featureId, input.values[featureId] ?? null, points),
  );
  const tier = tierOf(explained.score, input.segment);
  const record: ScoreRecord = {
    leadId: input.leadId,
    modelVersion: input.modelVersion,
    score: explained.score,
    probability: input.probabilityOf(raw),
    tier,
    segment: input.segment.id,
    factors,
    otherPoints,
    baseline: explained.baseline,
    recommendation: recommendationFor({ tier, values: input.values, factors }),
    scoredAt: input.scoredAt,
    source: input.source,
  };
  return { record, points: explained.points, raw };
}

export function modelScore(input: ModelScoreInput): ScoreRecord {
  return explainModelScore(input).record;
}
