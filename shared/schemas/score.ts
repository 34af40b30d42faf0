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
});
export type Score = z.infer<typeof scoreSchema>;
