import { featureIds } from '../../shared/features/feature-catalogue.ts';
import type { FeatureValue } from '../../shared/features/feature-definition.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { ScoreRecord } from '../../shared/schemas/score.ts';
import type { Settings } from '../../shared/schemas/settings.ts';
import { segmentFor } from '../../shared/scoring/segment-rules.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';
import { BatchHistoryCache } from '../features/batch-history-cache.ts';
import { computeFeatureVector } from '../features/compute-feature-vector.ts';
import { createdAtMs } from '../features/lead-at-time.ts';
import { type LeadRow, scoreRowByRules, scoreRowsWithModel } from './score-rows.ts';
import type { ScoringModel } from './scoring-model.ts';

/** The pooled model's key among a tenant's scoring models. */
export const POOLED = 'pooled';

export interface TenantScoringInput {
  tenantId: string;
  history: LeadHistorySource;
  identity: { linkedTo(tenantId: string, leadId: string): Promise<string[]> };
  settings: Settings;
  /** Champions by segment id, plus `pooled`; a segment without either is scored by the rules. */
  models: ReadonlyMap<string, ScoringModel>;
  nowMs: number;
  batchSize?: number;
  /**
   * Only these store lead ids (a real-time rescore): read one by one instead of scanning the tenant.
   * Unknown ids are left out; absent, every lead of the tenant is scored.
   */
  leadIds?: readonly string[];
  /** Each batch's scores, in scan order, before the next batch is read (store, write back, route). */
  onBatch: (records: ScoreRecord[]) => Promise<void>;
}

export interface TenantScoringResult {
  scored: number;
  bySource: Record<ScoreRecord['source'], number>;
  /** Leads not scored: closed (converted, disqualified, won or lost), or another record owns the person. */
  skipped: { closed: number; linked: number };
}

/**
 * The record that owns a person known under several records (two email casings, a Lead and its
 * Contact): the open one created first, ties to the lower id. The others are not scored, so a
 * person has one score and gets one task.
 */
async function isOwner(input: TenantScoringInput, lead: Lead, open: (lead: Lead) => Promise<boolean>) {
  const linked = await input.identity.linkedTo(input.tenantId, lead.id);
  if (linked.length === 0) return true;
  const mine = createdAtMs(lead);
  for (const otherId of linked) {
    const other = await input.history.lead(input.tenantId, otherId);
    if (other === undefined || !(await open(other))) continue;
    const theirs = createdAtMs(other);
    if (theirs < mine || (theirs === mine && otherId < lead.id)) return false;
  }
  return true;
}

/** The leads to score, a batch at a time: the named ones when given, else a scan of the tenant. */
async function* leadBatches(input: TenantScoringInput): AsyncIterable<Lead[]> {
  const size = input.batchSize ?? 500;
  if (input.leadIds === undefined) {
    yield* input.history.scanLeads(input.tenantId, size);
    return;
  }
  const ids = [...new Set(input.leadIds)];
  for (let start = 0; start < ids.length; start += size) {
    const leads = await Promise.all(
      ids.slice(start, start + size).map((leadId) => input.history.lead(input.tenantId, leadId)),
    );
    const known = leads.filter((lead): lead is Lead => lead !== undefined);
    if (known.length > 0) yield known;
  }
}

/**
 * Scores every open lead of a tenant (or the given ones) at `nowMs`, a batch at a time, with the same feature code as the
 * training snapshots: the segment's champion, else the pooled model, else the transparent rules. Every
 * lead is explained (no sampling); memory stays bounded by one batch.
 */
export async function scoreTenant(input: TenantScoringInput): Promise<TenantScoringResult> {
  const { tenantId, history, nowMs } = input;
  const result: TenantScoringResult = {
    scored: 0,
    bySource: { model: 0, pooled: 0, rules: 0 },
    skipped: { closed: 0, linked: 0 },
  };
  const scoredAt = new Date(nowMs).toISOString();
  const open = async (lead: Lead) =>
    (await history.outcomes(tenantId, lead.id)).every((outcome) => Date.parse(outcome.occurredAt) > nowMs);

  for await (const batch of leadBatches(input)) {
    const cache = new BatchHistoryCache(history, tenantId, nowMs, batch);
    const decisions = await Promise.all(
      batch.map(async (lead) => {
        if (!(await open(lead))) return 'closed' as const;
        if (!(await isOwner(input, lead, open))) return 'linked' as const;
        const values = await computeFeatureVector(cache, tenantId, lead.id, nowMs);
        return values === undefined ? ('closed' as const) : values;
      }),
    );
    const byModel = new Map<ScoringModel | null, LeadRow[]>();
    const order: string[] = [];
    batch.forEach((lead, index) => {
      const decision = decisions[index];
      if (decision === 'closed' || decision === 'linked') {
        result.skipped[decision] += 1;
        return;
      }
      const segment = segmentFor(input.settings, lead);
      const model = input.models.get(segment.id) ?? input.models.get(POOLED) ?? null;
      const rows = byModel.get(model) ?? [];
      rows.push({ leadId: lead.id, segment, values: decision as FeatureValue[] });
      byModel.set(model, rows);
      order.push(lead.id);
    });
    const records = new Map<string, ScoreRecord>();
    for (const [model, rows] of byModel) {
      const scored =
        model === null
          ? rows.map((row) => scoreRowByRules(row, featureIds, scoredAt))
          : scoreRowsWithModel(model, rows, featureIds, scoredAt);
      for (const record of scored) {
        records.set(record.leadId, record);
        result.bySource[record.source] += 1;
      }
    }
    const inOrder = order.map((leadId) => records.get(leadId) as ScoreRecord);
    result.scored += inOrder.length;
    await input.onBatch(inOrder);
  }
  return result;
}
