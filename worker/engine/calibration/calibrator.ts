import { z } from 'zod';

/**
 * A probability calibrator fitted on validation data, stored as JSON beside the model. `input` says
 * which model output it maps: the raw score (log-odds) or the model's probability.
 */
export const IsotonicCalibratorSchema = z
  .object({
    kind: z.literal('isotonic'),
    input: z.enum(['raw_score', 'probability']),
    /** Knots of a non-decreasing piecewise-linear map, x strictly increasing. */
    x: z.array(z.number()).min(1),
    y: z.array(z.number().min(0).max(1)).min(1),
  })
  .refine((value) => value.x.length === value.y.length, { message: 'x and y must have the same length' });

export const PlattCalibratorSchema = z.object({
  kind: z.literal('platt'),
  input: z.enum(['raw_score', 'probability']),
  /** probability = 1 / (1 + exp(-(slope · score + intercept))). */
  slope: z.number(),
  intercept: z.number(),
});

export const CalibratorSchema = z.discriminatedUnion('kind', [
  IsotonicCalibratorSchema,
  PlattCalibratorSchema,
]);

export type IsotonicCalibrator = z.infer<typeof IsotonicCalibratorSchema>;
export type PlattCalibrator = z.infer<typeof PlattCalibratorSchema>;
export type Calibrator = z.infer<typeof CalibratorSchema>;
export type CalibratorInput = Calibrator['input'];

/** Reads a calibrator from JSON (text or parsed), naming what is wrong when it is not one. */
export function parseCalibrator(value: unknown): Calibrator {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  const result = CalibratorSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`invalid calibrator: ${problems.join('; ')}`);
  }
  return result.data;
}

export function checkFitInputs(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): void {
  if (scores.length !== labels.length) {
    throw new Error(
      `calibration inputs differ in length: ${scores.length} scores but ${labels.length} labels`,
    );
  }
  if (weights !== undefined && weights.length !== scores.length) {
    throw new Error(
      `calibration inputs differ in length: ${scores.length} scores but ${weights.length} weights`,
    );
  }
  if (scores.length === 0) throw new Error('calibration needs at least one validation row');
  for (let i = 0; i < scores.length; i += 1) {
    if (!Number.isFinite(scores[i])) throw new Error(`calibration score at row ${i} is not a finite number`);
  }
}
