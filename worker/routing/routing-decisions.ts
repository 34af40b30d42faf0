import { createHash } from 'node:crypto';
import type { Score } from '../../shared/schemas/score.ts';
import type { LeadRoutingState, PendingTask } from '../../shared/store/routing-state.repository.ts';

/** A segment's thresholds and what routing does in it. */
export interface SegmentRouting {
  segmentId: string;
  /** Score at or above which a lead is hot. */
  hot: number;
  /** Score at or above which a lead below hot is warm. */
  warm: number;
  /** `task`: a task for the owner when the lead turns hot; `nurture`: the nurture flag while warm. */
  action: 'task' | 'nurture' | 'both';
}

export interface RoutingDecision {
  /** The state to keep; `nurture` still holds the CRM's last confirmed flag. */
  state: LeadRoutingState;
  /** The nurture flag to write, or null when it stays as it is. */
  nurture: boolean | null;
  /** Whether this score crossed the hot threshold upward. */
  crossedUp: boolean;
}

const createsTasks = (routing: SegmentRouting) => routing.action === 'task' || routing.action === 'both';
const nurtures = (routing: SegmentRouting) => routing.action === 'nurture' || routing.action === 'both';

/** A task subject unique per (tenant, lead, crossing): the marker findTasks looks for after a crash. */
export function taskSubject(tenantId: string, leadId: string, crossing: number, score: number): string {
  const ref = createHash('sha256')
    .update(JSON.stringify([tenantId, leadId, crossing]))
    .digest('hex')
    .slice(0, 12);
  return `LeadScore hot lead (score ${score}) ref ${ref}`;
}

/**
 * Where one new score puts a lead. An upward crossing of the hot threshold owes one task, except in
 * the tenant's first scoring (the baseline) unless `routeAlreadyHot`; falling back below hot and
 * crossing again owes a new one. Warm sets the nurture flag, anything else clears it.
 */
export function decideRouting(
  tenantId: string,
  score: Score,
  previous: LeadRoutingState | undefined,
  routing: SegmentRouting,
  options: { baseline: boolean; routeAlreadyHot: boolean },
): RoutingDecision {
  const hot = score.score >= routing.hot;
  const warm = !hot && score.score >= routing.warm;
  const wasHot = previous?.aboveHot ?? false;
  const crossedUp = hot && !wasHot;
  const crossings = (previous?.crossings ?? 0) + (crossedUp ? 1 : 0);
  const owesTask = crossedUp && createsTasks(routing) && (!options.baseline || options.routeAlreadyHot);
  const pendingTask: PendingTask | null = owesTask
    ? { crossing: crossings, subject: taskSubject(tenantId, score.leadId, crossings, score.score) }
    : (previous?.pendingTask ?? null);
  const flagged = previous?.nurture ?? false;
  const wanted = warm && nurtures(routing);
  return {
    state: { aboveHot: hot, crossings, nurture: flagged, pendingTask },
    nurture: wanted === flagged ? null : wanted,
    crossedUp,
  };
}
