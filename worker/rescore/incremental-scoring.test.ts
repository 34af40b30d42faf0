import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import { tenantIdSchema } from '../../shared/schemas/common.ts';
import type { ScoreRecord } from '../../shared/schemas/score.ts';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';
import { historyFromRecords } from '../features/in-memory-history.ts';
import { type ScoreAndDeliverDeps, scoreAndDeliver } from '../pipeline/score-and-deliver.ts';
import type { RoutingFigures } from '../routing/routing-service.ts';
import { scoreTenant } from '../scoring/score-tenant.ts';
import type { ScoringModel } from '../scoring/scoring-model.ts';
import { emptyWritebackFigures } from '../writeback/writeback-service.ts';

const dataset = generateDataset({ leads: 200, seed: 21 });
const tenantId = tenantIdSchema.parse(dataset.leads[0]?.tenantId);
const nowMs = Date.parse('2026-10-31T12:00:00.000Z');
const noLinks = { linkedTo: async () => [] };

/** The history with its reads counted: a rescore of two leads must not scan the tenant. */
function countedHistory() {
  const inner = historyFromRecords(dataset);
  const reads = { scans: 0, leads: 0 };
  const history: LeadHistorySource = {
    scanLeads: (tenant, size) => {
      reads.scans += 1;
      return inner.scanLeads(tenant, size);
    },
    lead: (tenant, leadId) => {
      reads.leads += 1;
      return inner.lead(tenant, leadId);
    },
    activitiesBefore: (tenant, leadId, before) => inner.activitiesBefore(tenant, leadId, before),
    outcomes: (tenant, leadId) => inner.outcomes(tenant, leadId),
    leadIdsOfAccount: (tenant, key) => inner.leadIdsOfAccount(tenant, key),
    intentBefore: (tenant, domain, before) => inner.intentBefore(tenant, domain, before),
  };
  return { history, reads };
}

async function openLeadIds(count: number): Promise<string[]> {
  const scored: string[] = [];
  await scoreTenant({
    tenantId,
    history: historyFromRecords(dataset),
    identity: noLinks,
    settings: defaultSettings(),
    models: new Map(),
    nowMs,
    onBatch: async (records) => {
      scored.push(...records.map((record) => record.leadId));
    },
  });
  return scored.slice(0, count);
}

function routingFigures(): RoutingFigures {
  return {
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
}

describe('scoring given leads only', () => {
  it('reads and scores just those leads, leaving out ids the store does not have', async () => {
    const [first, second] = await openLeadIds(2);
    const { history, reads } = countedHistory();
    const scored: string[] = [];
    const result = await scoreTenant({
      tenantId,
      history,
      identity: noLinks,
      settings: defaultSettings(),
      models: new Map(),
      nowMs,
      leadIds: [second as string, first as string, 'no-such-lead', second as string],
      onBatch: async (records) => {
        scored.push(...records.map((record) => record.leadId));
      },
    });
    expect(scored).toEqual([second, first]);
    expect(result.scored).toBe(2);
    expect(reads.scans).toBe(0);
  });

  it('routes an increment only once the tenant has its routing baseline, and never makes it the baseline', async () => {
    const leadIds = await openLeadIds(3);
    const routed: ScoreRecord[][] = [];
    let baseline = false;
    const deps: ScoreAndDeliverDeps = {
      history: historyFromRecords(dataset),
      identity: noLinks,
      scores: {
        put: async (_tenant, records) => ({
          written: records.map((record) => (record as ScoreRecord).leadId),
          changed: records.map((record) => (record as ScoreRecord).leadId),
          unchanged: [],
          stale: [],
          rejected: [],
        }),
      },
      writeback: { writeBack: async () => emptyWritebackFigures() },
      routing: {
        route: async (input) => {
          routed.push([...input.scores] as ScoreRecord[]);
          return routingFigures();
        },
      },
      routingBaseline: async () => baseline,
    };
    // Write-back and routing are fakes: the connector is never called.
    const unused = async () => {
      throw new Error('not called');
    };
    const connector: Pick<
      CrmConnector,
      'provider' | 'writeScores' | 'createTasks' | 'findTasks' | 'setNurtureFlags'
    > = {
      provider: 'hubspot',
      writeScores: unused,
      createTasks: unused,
      findTasks: unused,
      setNurtureFlags: unused,
    };
    const input = {
      tenantId,
      settings: defaultSettings(),
      models: new Map<string, ScoringModel>(),
      connector,
      nowMs,
      leadIds,
    };
    const withoutBaseline = await scoreAndDeliver(deps, input);
    expect(withoutBaseline.routing).toBeNull();
    expect(withoutBaseline.scoredLeadIds).toEqual(leadIds);
    expect(routed).toEqual([]);
    baseline = true;
    await scoreAndDeliver(deps, input);
    expect(routed.map((scores) => scores.map((score) => score.leadId))).toEqual([leadIds]);
  });
});
