import { z } from 'zod';

/** What routing does when a lead enters a tier: a task for the owner, the nurture flag, or nothing. */
/** A threshold on the 0-100 score: a lead at or above it is in that tier. */
export const scoreThresholdSchema = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be between 0 and 100')
  .max(100, 'must be between 0 and 100');

export const routingActionSchema = z.enum(['task', 'nurture', 'none']);
export type RoutingAction = z.infer<typeof routingActionSchema>;

/**
 * A segment is a named rule over lead fields; leads belong to the first segment whose rule they
 * satisfy. A rule is the conjunction of the conditions that are set (an employee range, and lists of
 * industries, countries and lead sources, compared without regard to case or surrounding spaces);
 * a segment with no condition is the catch-all, and only the last segment may be one.
 */
export const segmentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be 1-40 lower-case letters, digits or dashes'),
    name: z.string().min(1).max(80),
    /** Inclusive lower bound on employees. */
    minEmployees: z.number().int().nonnegative().nullable().default(null),
    /** Exclusive upper bound on employees. */
    maxEmployees: z.number().int().positive().nullable().default(null),
    industries: z.array(z.string().trim().min(1)).default([]),
    countries: z.array(z.string().trim().min(1)).default([]),
    leadSources: z.array(z.string().trim().min(1)).default([]),
    /** Score at or above which a lead is "hot" / "warm" in this segment. */
    hotThreshold: scoreThresholdSchema,
    warmThreshold: scoreThresholdSchema,
    /** What routing does for a lead that becomes hot / warm. */
    onHot: routingActionSchema.default('task'),
    onWarm: routingActionSchema.default('nurture'),
    /** Share of the segment's leads routed without the model, to measure lift (a stable hash of the lead id). */
    holdoutShare: z
      .number()
      .min(0, 'must be between 0 and 0.5')
      .max(0.5, 'must be at most 0.5 (half the leads)')
      .default(0),
  })
  .superRefine((segment, context) => {
    if (segment.warmThreshold > segment.hotThreshold) {
      context.addIssue({
        code: 'custom',
        path: ['warmThreshold'],
        message: `${segment.warmThreshold} must not be above hotThreshold ${segment.hotThreshold}`,
      });
    }
    if (
      segment.minEmployees !== null &&
      segment.maxEmployees !== null &&
      segment.minEmployees >= segment.maxEmployees
    ) {
      context.addIssue({
        code: 'custom',
        path: ['maxEmployees'],
        message: `${segment.maxEmployees} must be greater than minEmployees ${segment.minEmployees}`,
      });
    }
  });
export type Segment = z.infer<typeof segmentSchema>;

/**
 * Tenant-level settings. `segments` are checked as a whole by `checkSegmentList` in
 * shared/scoring/segment-rules.ts (catch-all last, no unreachable or overlapping rules, unique ids);
 * `validateSettings` there is the one way to turn input into settings with readable problems.
 */
export const settingsSchema = z.object({
  segments: z.array(segmentSchema).min(1, 'needs at least one segment'),
  label: z.enum(['converted', 'won']).default('converted'),
  horizonDays: z
    .number()
    .int()
    .min(7, 'must be between 7 and 730 days')
    .max(730, 'must be between 7 and 730 days')
    .default(90),
  /**
   * False (the default): the first scoring of a lead only sets its baseline tier, so installing the
   * app does not flood owners with tasks for leads that were already hot; routing acts on changes.
   */
  routeAlreadyHot: z.boolean().default(false),
  retrainCron: z
    .string()
    .trim()
    .regex(/^\S+( \S+){4}$/, 'must be a five-field cron expression such as "0 3 * * 0"')
    .default('0 3 * * 0'),
  writebackEnabled: z.boolean().default(true),
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * The settings a new tenant starts with: SMB and enterprise split at 200 employees, and a catch-all
 * for leads whose company size is unknown (they match neither range).
 */
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
      { id: 'other', name: 'Company size unknown', hotThreshold: 80, warmThreshold: 50 },
    ],
  });
}
