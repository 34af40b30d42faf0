import { z } from 'zod';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Outcome } from '../../shared/schemas/outcome.ts';

export const DAY_MS = 86_400_000;

/**
 * How training examples are taken (DESIGN.md, modelling rules). Snapshot times lie on one grid for
 * the whole tenant, `anchorMs + k × intervalDays`, so they never depend on a lead's outcome and stay
 * the same from one retraining to the next.
 */
export const snapshotOptionsSchema = z.object({
  /** The end of the data (epoch ms): records up to it are complete. Labels need s + H ≤ dataEndMs. */
  dataEndMs: z.number().finite(),
  intervalDays: z.number().int().min(1, 'must be at least 1 day').max(365).default(14),
  horizonDays: z.number().int().min(7, 'must be between 7 and 730 days').max(730).default(90),
  label: z.enum(['converted', 'won']).default('converted'),
  /** A lead gives snapshots for at most this many days after its creation. */
  maxLeadAgeDays: z.number().int().min(1).max(3650).default(180),
  /** Above this many examples, negatives are sampled down (with weights 1 / keep rate). */
  maxExamples: z.number().int().min(1).default(2_000_000),
  samplingSeed: z.number().int().min(0).max(0xffffffff).default(1),
  /** Grid origin: Monday 2024-01-01 00:00 UTC. */
  anchorMs: z
    .number()
    .finite()
    .default(Date.UTC(2024, 0, 1)),
  /** Shares of examples (newest first) for test and validation; the rest, older, is training. */
  testShare: z.number().gt(0).lt(0.5).default(0.15),
  validShare: z.number().gt(0).lt(0.5).default(0.15),
  batchSize: z.number().int().min(1).max(10_000).default(500),
});
export type SnapshotOptionsInput = z.input<typeof snapshotOptionsSchema>;
export type SnapshotOptions = z.output<typeof snapshotOptionsSchema>;

export function parseSnapshotOptions(input: SnapshotOptionsInput): SnapshotOptions {
  const result = snapshotOptionsSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid snapshot options: ${problems.join('; ')}`);
  }
  return result.data;
}

/** When a lead stops being open: its first outcome of any kind (converted, disqualified, won, lost). */
function closedAtMs(outcomes: readonly Outcome[]): number {
  let closed = Number.POSITIVE_INFINITY;
  for (const outcome of outcomes) closed = Math.min(closed, Date.parse(outcome.occurredAt));
  return closed;
}

export interface LeadSnapshot {
  atMs: number;
  label: 0 | 1;
}

/**
 * A lead's labelled snapshots: grid times s with createdAt < s ≤ createdAt + maxLeadAgeDays, the
 * lead still open at s (no outcome strictly before s), and s + H ≤ the end of the data. The label is 1 when
 * an outcome of the configured kind falls in [s, s + H).
 */
export function leadSnapshots(
  lead: Lead,
  outcomes: readonly Outcome[],
  options: SnapshotOptions,
): LeadSnapshot[] {
  const createdMs = Date.parse(lead.createdAt);
  const intervalMs = options.intervalDays * DAY_MS;
  const horizonMs = options.horizonDays * DAY_MS;
  const lastMs = Math.min(
    createdMs + options.maxLeadAgeDays * DAY_MS,
    options.dataEndMs - horizonMs,
    closedAtMs(outcomes),
  );
  const positives = outcomes
    .filter((outcome) => outcome.kind === options.label)
    .map((outcome) => Date.parse(outcome.occurredAt));
  const snapshots: LeadSnapshot[] = [];
  const first = Math.floor((createdMs - options.anchorMs) / intervalMs) + 1;
  for (let k = first; ; k += 1) {
    const atMs = options.anchorMs + k * intervalMs;
    if (atMs > lastMs) break;
    if (!(atMs > createdMs)) continue;
    const label = positives.some((at) => at >= atMs && at < atMs + horizonMs) ? 1 : 0;
    snapshots.push({ atMs, label });
  }
  return snapshots;
}

/** A uniform number in [0, 1) fixed by (seed, lead, time): sampling that is the same in every pass and run. */
export function samplingDraw(seed: number, leadId: string, atMs: number): number {
  let hash = (2166136261 ^ seed) >>> 0;
  const text = `${leadId}|${atMs}`;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  // Finaliser (murmur3 fmix32) so nearby inputs spread over the whole range.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return (hash >>> 0) / 4_294_967_296;
}

/** Keep rate for negatives so positives + kept negatives ≈ the cap; 1 when under the cap. */
export function negativeKeepRate(positives: number, negatives: number, maxExamples: number): number {
  if (positives + negatives <= maxExamples || negatives === 0) return 1;
  return Math.max(Math.max(maxExamples - positives, 0) / negatives, 1 / negatives);
}
