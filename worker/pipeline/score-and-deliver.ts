import type { CrmConnector } from '../../shared/crm-connector.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { ScoreRecord } from '../../shared/schemas/score.ts';
import type { Settings } from '../../shared/schemas/settings.ts';
import { inHoldout } from '../../shared/scoring/holdout.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';
import type { ScoresRepository } from '../../shared/store/scores.repository.ts';
import type { SegmentRouting } from '../routing/routing-decisions.ts';
import type { RoutingFigures, RoutingService } from '../routing/routing-service.ts';
import { scoreTenant, type TenantScoringResult } from '../scoring/score-tenant.ts';
import type { ScoringModel } from '../scoring/scoring-model.ts';
import {
  emptyWritebackFigures,
  type WritebackFigures,
  type WritebackService,
} from '../writeback/writeback-service.ts';

/** What routing does in each segment, from the settings RevOps saved; a segment that does nothing is left out. */
export function segmentRoutings(settings: Settings): SegmentRouting[] {
  return settings.segments.flatMap((segment) => {
    const task = segment.onHot === 'task' || segment.onWarm === 'task';
    const nurture = segment.onHot === 'nurture' || segment.onWarm === 'nurture';
    if (!task && !nurture) return [];
    return [
      {
        segmentId: segment.id,
        hot: segment.hotThreshold,
        warm: segment.warmThreshold,
        action: task && nurture ? 'both' : task ? 'task' : 'nurture',
      } satisfies SegmentRouting,
    ];
  });
}

export interface ScoreAndDeliverDeps {
  history: LeadHistorySource;
  identity: { linkedTo(tenantId: string, leadId: string): Promise<string[]> };
  scores: Pick<ScoresRepository, 'put'>;
  writeback: Pick<WritebackService, 'writeBack'>;
  routing: Pick<RoutingService, 'route'>;
  /**
   * Whether the tenant's routing has its baseline (its first whole pass). A rescore of a few leads
   * routes only once it has: the baseline is the whole tenant's, never a handful of leads'.
   */
  routingBaseline?: (tenantId: TenantId) => Promise<boolean>;
}

export interface ScoreAndDeliverResult {
  scoring: TenantScoringResult;
  /** Scores whose stored value changed (new leads, new scores). */
  changed: number;
  writeback: WritebackFigures;
  routing: RoutingFigures | null;
  /** Store ids of the leads scored, in order. */
  scoredLeadIds: string[];
  seconds: { score: number; writeback: number; routing: number };
}

function addWriteback(total: WritebackFigures, part: WritebackFigures): void {
  total.writes += part.writes;
  total.skippedUnchanged += part.skippedUnchanged;
  total.skippedHoldout += part.skippedHoldout;
  total.skippedUnknown += part.skippedUnknown;
  total.failed += part.failed;
  total.failures.push(...part.failures);
  total.calls += part.calls;
}

/**
 * A tenant's scoring pass: every open lead scored and explained, stored (with its short history),
 * written back to the CRM a batch at a time (skipped while unchanged, never for holdout leads), then
 * routed once over the whole pass, so the tenant's first scoring is one baseline and each upward
 * crossing of a hot threshold makes one task.
 */
export async function scoreAndDeliver(
  deps: ScoreAndDeliverDeps,
  input: {
    tenantId: TenantId;
    settings: Settings;
    models: ReadonlyMap<string, ScoringModel>;
    connector: Pick<
      CrmConnector,
      'provider' | 'writeScores' | 'createTasks' | 'findTasks' | 'setNurtureFlags'
    >;
    nowMs: number;
    /** The job id: the same on every attempt, so an interrupted routing resumes its own claims. */
    attemptId?: string;
    /**
     * Only these store lead ids (real-time rescoring): scored, written back and routed as an
     * increment of the tenant's routing, never as its baseline.
     */
    leadIds?: readonly string[];
  },
): Promise<ScoreAndDeliverResult> {
  const { tenantId, settings } = input;
  const holdoutShare = new Map(settings.segments.map((segment) => [segment.id, segment.holdoutShare]));
  const segmentOf = new Map<string, string>();
  const held = (leadId: string) =>
    inHoldout(tenantId, leadId, holdoutShare.get(segmentOf.get(leadId) ?? '') ?? 0);
  const writeback = emptyWritebackFigures();
  const seconds = { score: 0, writeback: 0, routing: 0 };
  const all: ScoreRecord[] = [];
  let changed = 0;
  let batchStarted = performance.now();
  const scoring = await scoreTenant({
    tenantId,
    history: deps.history,
    identity: deps.identity,
    settings,
    models: input.models,
    nowMs: input.nowMs,
    ...(input.leadIds === undefined ? {} : { leadIds: input.leadIds }),
    onBatch: async (records) => {
      seconds.score += (performance.now() - batchStarted) / 1000;
      const stored = await deps.scores.put(tenantId, records);
      changed += stored.changed.length;
      for (const record of records) segmentOf.set(record.leadId, record.segment);
      if (settings.writebackEnabled) {
        const started = performance.now();
        addWriteback(
          writeback,
          await deps.writeback.writeBack({
            tenantId,
            connector: input.connector,
            scores: records,
            inHoldout: held,
          }),
        );
        seconds.writeback += (performance.now() - started) / 1000;
      }
      for (const record of records) all.push(record);
      batchStarted = performance.now();
    },
  });
  seconds.score += (performance.now() - batchStarted) / 1000;
  let routing: RoutingFigures | null = null;
  const routable =
    input.leadIds === undefined || (all.length > 0 && ((await deps.routingBaseline?.(tenantId)) ?? false));
  if (settings.writebackEnabled && routable) {
    const started = performance.now();
    routing = await deps.routing.route({
      tenantId,
      connector: input.connector,
      scores: all,
      segments: segmentRoutings(settings),
      inHoldout: held,
      routeAlreadyHot: settings.routeAlreadyHot,
      ...(input.attemptId === undefined ? {} : { attemptId: input.attemptId }),
    });
    seconds.routing = (performance.now() - started) / 1000;
  }
  return { scoring, changed, writeback, routing, scoredLeadIds: all.map((record) => record.leadId), seconds };
}
