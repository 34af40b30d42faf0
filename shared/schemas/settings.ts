import { z } from 'zod';

/** A segment is a named rule over firmographics; leads match the first segment whose rule they satisfy. */
export const segmentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be 1-40 lower-case letters, digits or dashes'),
    name: z.string().min(1).max(80),
    /** Inclusive lower bound on employees. */
    minEmployees: z.number().int().nonnegative().nullable().default(null),
    /** Exclusive upper bound on employees. */
    maxEmployees: z.number().int().positive().nullable().default(null),
    industries: z.array(z.string().min(1)).default([]),
    countries: z.array(z.string().min(1)).default([]),
    /** Score at or above which a lead is "hot" / "warm" in this segment. */
    hotThreshold: z.number().int().min(0).max(100),
    warmThreshold: z.number().int().min(0).max(100),
  })
  .refine((segment) => segment.warmThreshold <= segment.hotThreshold, {
    path: ['warmThreshold'],
    message: 'must not be above hotThreshold',
  })
  .refine(
    (segment) =>
      segment.minEmployees === null ||
      segment.maxEmployees === null ||
      segment.minEmployees < segment.maxEmployees,
    { path: ['maxEmployees'], message: 'must be greater than minEmployees' },
  );
export type Segment = z.infer<typeof segmentSchema>;

export const settingsSchema = z.object({
  segments: z.array(segmentSchema).min(1, 'needs at least one segment'),
  label: z.enum(['converted', 'won']).default('converted'),
  horizonDays: z
    .number()
    .int()
    .min(7, 'must be between 7 and 730 days')
    .max(730, 'must be between 7 and 730 days')
    .default(90),
  holdoutShare: z.number().min(0).max(0.5, 'must be at most 0.5 (half the leads)').default(0),
  retrainCron: z.string().min(1).default('0 3 * * 0'),
  writebackEnabled: z.boolean().default(true),
});
export type Settings = z.infer<typeof settingsSchema>;

/** The settings a new tenant starts with: SMB and enterprise split at 200 employees. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({
    segments: [
      { id: 'smb', name: 'SMB (< 200 employees)', maxEmployees: 200, hotThreshold: 80, warmThreshold: 50 },
      {
        id: 'enterprise',
        name: 'Enterprise (200+ employees)',
        minEmployees: 200,
        hotThreshold: 75,
        warmThreshold: 45,
      },
    ],
  });
}
