import { z } from 'zod';
import { isoDateTime } from './common.ts';

export const tierSchema = z.enum(['hot', 'warm', 'cold']);
export type Tier = z.infer<typeof tierSchema>;

/** One contributing factor: a feature, its plain-language label with the lead's own value, signed score points. */
export const factorSchema = z.object({
  featureId: z.string().min(1),
  label: z.string().min(1, 'must be a plain-language label'),
  points: z.number().finite('must be a finite number of points'),
});
export type Factor = z.infer<typeof factorSchema>;

export const scoreSchema = z.object({
  leadId: z.string().min(1),
  modelVersion: z.string().min(1),
  score: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be between 0 and 100')
    .max(100, 'must be between 0 and 100'),
  probability: z.number().min(0, 'must be a probability in [0, 1]').max(1, 'must be a probability in [0, 1]'),
  tier: tierSchema,
  segment: z.string().min(1),
  factors: z.array(factorSchema).max(5, 'holds at most the five largest factors'),
  scoredAt: isoDateTime,
  /**
   * The next step for the rep (shared/scoring recommendationFor), written back beside the score.
   * Optional here because a bare write-back score may come without one; a ScoreRecord always has it.
   */
  recommendation: z.string().min(1).max(255, 'must be at most 255 characters').optional(),
});
export type Score = z.infer<typeof scoreSchema>;

/**
 * Decimals of the probability written to the CRMs (Salesforce Number(4, 3), HubSpot number): 0.1
 * percentage point is finer than anyone reads, and coarse enough that a rescore moving the
 * probability by a hair does not make a write on its own (the write-back content hash uses it too).
 */
export const PROBABILITY_DECIMALS = 3;

/** The probability as the CRMs get it: rounded to PROBABILITY_DECIMALS, within [0, 1]. */
export function writtenProbability(probability: number): number {
  const scale = 10 ** PROBABILITY_DECIMALS;
  return Math.min(1, Math.max(0, Math.round(probability * scale) / scale));
}

/** Where a score came from: the tenant's model for the segment, the pooled model, or the cold-start rules. */
export const scoreSourceSchema = z.enum(['model', 'pooled', 'rules']);
export type ScoreSource = z.infer<typeof scoreSourceSchema>;

const scorePoints = z.number().int('must be a whole number of points').min(-100).max(100);

/**
 * A lead's full score as the store keeps it and the API serves it: the write-back `Score` plus
 * whole factor points that add up exactly (baseline + Σ factor points + otherPoints = score), the
 * recommendation line and where the score came from. It is a `Score`, so it can be written back as is.
 */
export const scoreRecordSchema = scoreSchema
  .extend({
    factors: z
      .array(factorSchema.extend({ points: scorePoints }))
      .max(5, 'holds at most the five largest factors'),
    /** Points of every factor outside the top five, summed. */
    otherPoints: scorePoints,
    /** The score of the model's bias alone (or the rules' starting points). */
    baseline: z.number().int().min(0).max(100),
    recommendation: z.string().min(1).max(255),
    source: scoreSourceSchema,
  })
  .refine(
    (record) =>
      record.baseline +
        record.otherPoints +
        record.factors.reduce((sum, factor) => sum + factor.points, 0) ===
      record.score,
    { path: ['otherPoints'], message: 'baseline + factor points + otherPoints must equal the score' },
  );
export type ScoreRecord = z.infer<typeof scoreRecordSchema>;
