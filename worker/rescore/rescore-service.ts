import type { ActivityKind, CrmConnector, RejectedRecord } from '../../shared/crm-connector.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Activity } from '../../shared/schemas/activity.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Settings } from '../../shared/schemas/settings.ts';
import type { SettingsRepository } from '../../shared/store/settings.repository.ts';
import type { ChampionCache } from '../pipeline/champions.ts';
import {
  type ScoreAndDeliverDeps,
  type ScoreAndDeliverResult,
  scoreAndDeliver,
} from '../pipeline/score-and-deliver.ts';
import type { JobPayload } from '../queues/job-payloads.ts';
import type { JobQueue } from '../queues/job-queue.ts';
import type { PendingRescores } from './pending-rescores.ts';
import { type StoreChangesDeps, storeChanges } from './store-changes.ts';
import { TenantTurns } from './tenant-turns.ts';

export type RescoreConnector = Pick<
  CrmConnector,
  | 'provider'
  | 'fetchLeads'
  | 'activitiesForLeads'
  | 'writeScores'
  | 'createTasks'
  | 'findTasks'
  | 'setNurtureFlags'
> & {
  /** The API calls made so far, where the CRM budgets calls per second (HubSpot): windows are paced by them. */
  apiCallsMade?: () => number;
};

/** A HubSpot portal allows about 11 calls a second; its rescore windows keep well inside it, leaving room for the rest. */
export const rescoreCallsPerSecond = 8.5;

export interface RescoreDeps extends StoreChangesDeps {
  pending: Pick<PendingRescores, 'take' | 'finish' | 'reopen'>;
  /** Where a window that left leads pending asks for its follow-up job. */
  queues: JobQueue;
  settings: Pick<SettingsRepository, 'current'>;
  champions: Pick<ChampionCache, 'champions'>;
  connectorFor: (tenantId: TenantId) => Promise<RescoreConnector>;
  delivery: ScoreAndDeliverDeps;
  logger: Logger;
  now?: () => number;
  /**
   * After the scores are written back: how many leads were scored and, per lead, the seconds from
   * its first event's arrival to now (the `leadscore_event_to_write_seconds` histogram's samples).
   */
  onWritten?: (tenantId: TenantId, count: number, eventToWriteSeconds: number[]) => void;
  /** One window at a time per paced tenant, spaced by its calls (default: rescoreCallsPerSecond). */
  turns?: TenantTurns;
}

export interface RescoreResult {
  taken: number;
  fetched: number;
  activities: number;
  stored: { written: number; rejected: number };
  delivery: ScoreAndDeliverResult | null;
  eventToWriteSeconds: number[];
}

function emptyResult(): RescoreResult {
  return {
    taken: 0,
    fetched: 0,
    activities: 0,
    stored: { written: 0, rejected: 0 },
    delivery: null,
    eventToWriteSeconds: [],
  };
}

/** CRM ids per fetch: one Salesforce query, two HubSpot batch reads. */
export const rescoreFetchBatch = 100;

/**
 * One coalescing window of a tenant: the leads its events named are fetched with their new
 * activities (a few batched calls), stored as the sync stores them, scored with the champions
 * (cached per model version), written back and routed as an increment. A failure leaves the
 * window's leads taken, so the job's retry rescores the same leads.
 */
export class RescoreService {
  private readonly turns: TenantTurns;

  constructor(private readonly deps: RescoreDeps) {
    this.turns = deps.turns ?? new TenantTurns(rescoreCallsPerSecond, deps.now ?? Date.now);
  }

  async rescore(payload: JobPayload<'rescore'>, attemptId: string): Promise<RescoreResult> {
    // HubSpot budgets calls per second: a portal's windows one at a time, each taking all that
    // arrived meanwhile, spaced by the calls the one before made.
    if (!payload.tenantId.startsWith('hs:')) return this.rescoreWindow(payload, attemptId, () => {});
    const turn = async () => {
      let calls = 0;
      const value = await this.rescoreWindow(payload, attemptId, (made) => {
        calls = made;
      });
      return { value, calls };
    };
    // A window's leads wait in the tenant's pending set: when a turn is already waiting to start,
    // it takes them too, and this job ends at once. Named leads (a manual request) always run.
    if (payload.leadIds !== undefined) return this.turns.run(payload.tenantId, turn);
    return (await this.turns.runUnlessQueued(payload.tenantId, turn)) ?? emptyResult();
  }

  private async rescoreWindow(
    payload: JobPayload<'rescore'>,
    attemptId: string,
    reportCalls: (calls: number) => void,
  ): Promise<RescoreResult> {
    const { tenantId } = payload;
    const now = this.deps.now ?? Date.now;
    const taken = await this.deps.pending.take(tenantId, payload.window);
    const receivedAt = new Map(taken.leads);
    for (const crmId of payload.leadIds ?? [])
      if (!receivedAt.has(crmId)) receivedAt.set(crmId, payload.window);
    const result: RescoreResult = { ...emptyResult(), taken: receivedAt.size };
    if (receivedAt.size > 0) {
      const connector = await this.deps.connectorFor(tenantId);
      const callsBefore = connector.apiCallsMade?.() ?? 0;
      // A manual request names leads without saying what changed: read every kind for it.
      const kinds = payload.leadIds === undefined ? taken.kinds : undefined;
      const leads = await this.fetchAndStore(
        connector,
        tenantId,
        [...receivedAt.keys()],
        payload.since,
        kinds,
        payload.leadIds === undefined ? taken.fieldChanges : undefined,
        result,
      );
      const { settings } = await this.deps.settings.current(tenantId);
      result.delivery = await this.deliver(connector, tenantId, settings, leads, attemptId);
      const crmIdOf = new Map(leads.map((lead) => [lead.id, lead.crmId]));
      const writtenAt = now();
      for (const leadId of result.delivery.scoredLeadIds) {
        const at = receivedAt.get(crmIdOf.get(leadId) ?? '');
        if (at !== undefined) result.eventToWriteSeconds.push(Math.max(0, (writtenAt - at) / 1000));
      }
      this.deps.onWritten?.(tenantId, result.delivery.scoredLeadIds.length, result.eventToWriteSeconds);
      reportCalls((connector.apiCallsMade?.() ?? 0) - callsBefore);
    }
    await this.deps.pending.finish(tenantId, payload.window);
    if (taken.left > 0) await this.deps.pending.reopen(this.deps.queues, tenantId, now());
    return result;
  }

  private async fetchAndStore(
    connector: RescoreConnector,
    tenantId: TenantId,
    crmIds: string[],
    since: string,
    kinds: readonly ActivityKind[] | undefined,
    fieldChanges: Set<string> | undefined,
    result: RescoreResult,
  ): Promise<Lead[]> {
    const leads: Lead[] = [];
    for (let start = 0; start < crmIds.length; start += rescoreFetchBatch) {
      const part = crmIds.slice(start, start + rescoreFetchBatch);
      // Leads named only by activity changes are read from the store (their fields did not change);
      // the CRM is asked only for changed or unknown ones.
      const kept = await this.storedUnchanged(tenantId, part, fieldChanges);
      const toFetch = part.filter((crmId) => !kept.has(crmId));
      const fetched =
        toFetch.length > 0 ? await connector.fetchLeads(toFetch) : { records: [], rejected: [] };
      // Ids the CRM no longer has (deleted meanwhile) have nothing to rescore; the sync removes them.
      const found = [...fetched.records.map((lead) => lead.crmId), ...kept.keys()];
      // Changes of lead fields only (kinds empty) bring no activity: nothing to read.
      const read = found.length > 0 && (kinds === undefined || kinds.length > 0);
      const activities: { records: Activity[]; rejected: RejectedRecord[] } = read
        ? await connector.activitiesForLeads(found, since, kinds === undefined ? {} : { kinds })
        : { records: [], rejected: [] };
      const stored = await storeChanges(this.deps, tenantId, fetched, activities);
      result.fetched += fetched.records.length;
      result.activities += activities.records.length;
      result.stored.written += stored.written;
      result.stored.rejected += stored.rejected;
      leads.push(...fetched.records, ...kept.values());
    }
    return leads;
  }

  /** The stored leads (by CRM id) of these whose fields the window's changes did not touch. */
  private async storedUnchanged(
    tenantId: TenantId,
    crmIds: string[],
    fieldChanges: Set<string> | undefined,
  ): Promise<Map<string, Lead>> {
    const kept = new Map<string, Lead>();
    if (fieldChanges === undefined) return kept;
    for (const crmId of crmIds) {
      if (fieldChanges.has(crmId)) continue;
      // A Salesforce lead's store id is its CRM id.
      const lead = await this.deps.store.leads.get(tenantId, crmId);
      if (lead !== undefined && lead.crmId === crmId) kept.set(crmId, lead);
    }
    return kept;
  }

  private async deliver(
    connector: RescoreConnector,
    tenantId: TenantId,
    settings: Settings,
    leads: Lead[],
    attemptId: string,
  ): Promise<ScoreAndDeliverResult> {
    const models = await this.deps.champions.champions(tenantId, settings);
    return scoreAndDeliver(this.deps.delivery, {
      tenantId,
      settings,
      models,
      connector,
      nowMs: (this.deps.now ?? Date.now)(),
      attemptId,
      leadIds: leads.map((lead) => lead.id),
    });
  }
}
