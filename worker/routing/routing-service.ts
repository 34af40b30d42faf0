import { randomUUID } from 'node:crypto';
import type { CrmConnector, NurtureWrite, TaskInput } from '../../shared/crm-connector.ts';
import { ConnectorError, type ConnectorErrorCode } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Score } from '../../shared/schemas/score.ts';
import { factorText } from '../../shared/scoring/factor-text.ts';
import {
  type LeadRoutingState,
  RoutingStateRepository,
  type TaskClaim,
} from '../../shared/store/routing-state.repository.ts';
import { recordsPerCall } from '../writeback/batch-sizes.ts';
import { decideRouting, type SegmentRouting } from './routing-decisions.ts';

export type RoutingConnector = Pick<
  CrmConnector,
  'provider' | 'createTasks' | 'findTasks' | 'setNurtureFlags'
>;

export interface RoutingInput {
  tenantId: TenantId;
  connector: RoutingConnector;
  scores: Score[];
  segments: SegmentRouting[];
  /** Holdout leads are neither written nor routed. */
  inHoldout?: (leadId: string) => boolean;
  /** Create tasks for leads already hot in the tenant's first scoring (off: that scoring is the baseline). */
  routeAlreadyHot?: boolean;
  /**
   * Who is creating: the job id, the same on every attempt of one job. A claim left `creating` by
   * the same id belongs to an attempt that died; the CRM is asked whether its task exists.
   */
  attemptId?: string;
}

export interface RoutingFailure {
  leadId: string;
  code: ConnectorErrorCode;
  reason: string;
}

export interface RoutingFigures {
  baseline: boolean;
  crossings: number;
  tasksCreated: number;
  /** Tasks of an interrupted attempt found in the CRM and recorded, not created again. */
  tasksRecovered: number;
  /** Crossings whose task an earlier run already created: nothing done. */
  tasksAlreadyCreated: number;
  /** Crossings another live attempt is creating the task of: left to it (resolved by a later run if it died). */
  tasksInFlight: number;
  nurtureSet: number;
  nurtureCleared: number;
  skippedHoldout: number;
  /** Leads without a known segment routing or unknown to the store. */
  skippedUnroutable: number;
  failed: number;
  failures: RoutingFailure[];
  calls: number;
}

export interface RoutingDeps {
  state: RoutingStateRepository;
  leads: { get(tenantId: string, leadId: string): Promise<Lead | undefined> };
  logger: Logger;
  now?: () => Date;
  /** A claim of another job older than this is an abandoned one. */
  claimLeaseMs?: number;
  /** Called after each createTasks call returned, before its results are recorded (crash tests). */
  afterTasksCreated?: (call: number) => Promise<void> | void;
}

interface Owed {
  leadId: string;
  lead: Lead;
  score: Score;
  key: string;
  subject: string;
}

const retryable = (code: ConnectorErrorCode) => code === 'RATE_LIMITED' || code === 'TEMPORARY';

/**
 * Routes new scores: one task for the owner per upward crossing of the segment's hot threshold, the
 * nurture flag while warm. Each crossing's task is claimed under (lead, crossing number) before the
 * CRM is called and settled with the task id after, so a retried, duplicated or replayed job creates
 * none more; an attempt that died between the two leaves a claim the next attempt resolves by asking
 * the CRM for the task's unique subject (findTasks) before creating anything.
 */
export class RoutingService {
  constructor(private readonly deps: RoutingDeps) {}

  async route(input: RoutingInput): Promise<RoutingFigures> {
    const { tenantId, connector } = input;
    const repo = this.deps.state;
    const now = this.deps.now ?? (() => new Date());
    const attemptId = input.attemptId ?? randomUUID();
    const figures: RoutingFigures = {
      baseline: false,
      crossings: 0,
      tasksCreated: 0,
      tasksRecovered: 0,
      tasksAlreadyCreated: 0,
      tasksInFlight: 0,
      nurtureSet: 0,
      nurtureCleared: 0,
      skippedHoldout: 0,
      skippedUnroutable: 0,
      failed: 0,
      failures: [],
      calls: 0,
    };
    const latest = new Map<string, Score>();
    for (const score of input.scores) {
      if (input.inHoldout?.(score.leadId)) figures.skippedHoldout += 1;
      else latest.set(score.leadId, score);
    }
    const segments = new Map(input.segments.map((segment) => [segment.segmentId, segment]));
    const previous = await repo.states(tenantId, [...latest.keys()]);
    figures.baseline = !(await repo.hasBaseline(tenantId));
    const next = new Map<string, LeadRoutingState>();
    const leads = new Map<string, Lead>();
    const nurture: { leadId: string; write: NurtureWrite }[] = [];
    for (const score of latest.values()) {
      const routing = segments.get(score.segment);
      const lead = routing ? await this.deps.leads.get(tenantId, score.leadId) : undefined;
      if (!routing || !lead) {
        figures.skippedUnroutable += 1;
        continue;
      }
      const decision = decideRouting(tenantId, score, previous.get(score.leadId), routing, {
        baseline: figures.baseline,
        routeAlreadyHot: input.routeAlreadyHot ?? false,
      });
      if (decision.crossedUp) figures.crossings += 1;
      next.set(score.leadId, decision.state);
      leads.set(score.leadId, lead);
      if (decision.nurture !== null) {
        nurture.push({
          leadId: score.leadId,
          write: { crmId: lead.crmId, objectType: lead.objectType, nurture: decision.nurture },
        });
      }
    }
    // Crossings and the tasks they owe are kept before any CRM call: a replay sees them as done.
    await repo.saveStates(tenantId, next);
    if (figures.baseline) await repo.markBaseline(tenantId, now().toISOString());

    const retryLater: ConnectorErrorCode[] = [];
    const owed: Owed[] = [];
    for (const [leadId, state] of next) {
      if (state.pendingTask === null) continue;
      owed.push({
        leadId,
        lead: leads.get(leadId)!,
        score: latest.get(leadId)!,
        key: RoutingStateRepository.taskKey(leadId, state.pendingTask.crossing),
        subject: state.pendingTask.subject,
      });
    }
    const toCreate: Owed[] = [];
    const toCheck: { owed: Owed; raw: string }[] = [];
    const settled = new Map<string, LeadRoutingState>();
    const settle = (leadId: string) => settled.set(leadId, { ...next.get(leadId)!, pendingTask: null });
    const leaseMs = this.deps.claimLeaseMs ?? 10 * 60_000;
    for (const item of owed) {
      const mine: Extract<TaskClaim, { status: 'creating' }> = {
        status: 'creating',
        owner: attemptId,
        at: now().getTime(),
        subject: item.subject,
      };
      const { won, claim, raw } = await repo.claim(tenantId, item.key, mine);
      if (won) toCreate.push(item);
      else if (claim.status === 'created') {
        figures.tasksAlreadyCreated += 1;
        settle(item.leadId);
      } else if (claim.status === 'failed') settle(item.leadId);
      else if (claim.owner === attemptId || now().getTime() - claim.at > leaseMs)
        toCheck.push({ owed: item, raw });
      // Another live attempt is creating it: leave it to that one. Its own retry settles it, or a
      // later run of this lead once the lease has run out.
      else figures.tasksInFlight += 1;
    }
    if (toCheck.length > 0) {
      const found = await connector.findTasks(
        toCheck.map(({ owed: item }) => ({
          crmId: item.lead.crmId,
          objectType: item.lead.objectType,
          subject: item.subject,
        })),
      );
      figures.calls += 1;
      for (const { owed: item, raw } of toCheck) {
        const taskId = found.get(item.subject);
        if (taskId !== undefined) {
          await repo.settle(tenantId, item.key, { status: 'created', taskId, subject: item.subject });
          figures.tasksRecovered += 1;
          settle(item.leadId);
          continue;
        }
        const retaken = await repo.takeOver(tenantId, item.key, raw, {
          status: 'creating',
          owner: attemptId,
          at: now().getTime(),
          subject: item.subject,
        });
        if (retaken) toCreate.push(item);
        else figures.tasksInFlight += 1;
      }
    }
    await this.createOwedTasks(input, toCreate, figures, settle, retryLater);
    await repo.saveStates(tenantId, settled);
    await this.writeNurture(input, nurture, next, figures, retryLater);
    for (const failure of figures.failures) {
      this.deps.logger.warn({ tenantId, ...failure }, 'routing record failed');
    }
    if (retryLater.length > 0) {
      const code = retryLater.includes('RATE_LIMITED') ? 'RATE_LIMITED' : 'TEMPORARY';
      throw new ConnectorError(code, `${retryLater.length} routing actions to try again`, {
        context: { tenantId, operation: 'route leads' },
      });
    }
    return figures;
  }

  private async createOwedTasks(
    input: RoutingInput,
    owed: Owed[],
    figures: RoutingFigures,
    settle: (leadId: string) => void,
    retryLater: ConnectorErrorCode[],
  ): Promise<void> {
    const { tenantId, connector } = input;
    const size = recordsPerCall[connector.provider];
    for (let start = 0; start < owed.length; start += size) {
      const part = owed.slice(start, start + size);
      // A throw here (an answer lost) leaves the claims `creating`: the retry asks the CRM first.
      const results = await connector.createTasks(part.map((item) => this.taskFor(item)));
      figures.calls += 1;
      await this.deps.afterTasksCreated?.(figures.calls);
      for (const [position, item] of part.entries()) {
        const result = results[position];
        if (result?.ok) {
          await this.deps.state.settle(tenantId, item.key, {
            status: 'created',
            taskId: result.taskId,
            subject: item.subject,
          });
          figures.tasksCreated += 1;
          settle(item.leadId);
          continue;
        }
        const code = result?.code ?? 'UNKNOWN';
        const reason = result?.message ?? 'the CRM answered no result for this task';
        if (retryable(code)) {
          // The CRM refused this record, so nothing was created: free the claim for the retry.
          await this.deps.state.release(tenantId, item.key);
          retryLater.push(code);
          continue;
        }
        await this.deps.state.settle(tenantId, item.key, { status: 'failed', reason, subject: item.subject });
        settle(item.leadId);
        figures.failed += 1;
        figures.failures.push({ leadId: item.leadId, code, reason });
      }
    }
  }

  private taskFor(item: Owed): TaskInput {
    const now = this.deps.now?.() ?? new Date();
    const due = new Date(now.getTime() + 24 * 3_600_000).toISOString().slice(0, 10);
    const factors = item.score.factors.map((factor) => `- ${factorText(factor.points, factor.label)}`);
    return {
      crmId: item.lead.crmId,
      objectType: item.lead.objectType,
      subject: item.subject,
      body: [`Score ${item.score.score}/100, now hot in segment ${item.score.segment}.`, ...factors].join(
        '\n',
      ),
      dueDate: due,
      ...(item.lead.ownerId === null ? {} : { ownerCrmId: item.lead.ownerId }),
    };
  }

  private async writeNurture(
    input: RoutingInput,
    writes: { leadId: string; write: NurtureWrite }[],
    next: Map<string, LeadRoutingState>,
    figures: RoutingFigures,
    retryLater: ConnectorErrorCode[],
  ): Promise<void> {
    const { tenantId, connector } = input;
    const size = recordsPerCall[connector.provider];
    for (let start = 0; start < writes.length; start += size) {
      const part = writes.slice(start, start + size);
      const results = await connector.setNurtureFlags(part.map((item) => item.write));
      figures.calls += 1;
      const confirmed = new Map<string, LeadRoutingState>();
      // Re-read: a settled task cleared pendingTask in the store since `next` was computed.
      const current = await this.deps.state.states(
        tenantId,
        part.map((item) => item.leadId),
      );
      part.forEach((item, position) => {
        const result = results[position];
        if (result?.ok) {
          const state = current.get(item.leadId) ?? next.get(item.leadId)!;
          confirmed.set(item.leadId, { ...state, nurture: item.write.nurture });
          if (item.write.nurture) figures.nurtureSet += 1;
          else figures.nurtureCleared += 1;
          return;
        }
        const code = result?.code ?? 'UNKNOWN';
        if (retryable(code)) retryLater.push(code);
        else {
          figures.failed += 1;
          figures.failures.push({ leadId: item.leadId, code, reason: result?.message ?? 'no result' });
        }
      });
      await this.deps.state.saveStates(tenantId, confirmed);
    }
  }
}
