import type { CallCounter } from '../../connector/sandbox/faults.ts';
import type { Dataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector, SyncPage } from '../../shared/crm-connector.ts';
import type { Activity } from '../../shared/schemas/activity.ts';
import { type Lead, leadSchema } from '../../shared/schemas/lead.ts';
import type { Outcome } from '../../shared/schemas/outcome.ts';
import type { Score } from '../../shared/schemas/score.ts';

/** One provider's run of the sync benchmark: a full sync and write-back, then a quiet incremental. */

export interface Drained<T> {
  records: T[];
  rejected: number;
  rejectedIds: string[];
  cursor: string;
}

export async function drain<T>(pages: AsyncIterable<SyncPage<T>>): Promise<Drained<T>> {
  const records: T[] = [];
  const rejectedIds: string[] = [];
  let cursor = '';
  for await (const page of pages) {
    records.push(...page.records);
    rejectedIds.push(...page.rejected.map((record) => record.crmId));
    cursor = page.nextCursor;
  }
  return { records, rejected: rejectedIds.length, rejectedIds, cursor };
}

/** API calls counted by the sandbox for one provider, OAuth token calls left out. */
export function apiCalls(calls: CallCounter, provider: string): number {
  let total = 0;
  for (const [endpoint, count] of Object.entries(calls.snapshot())) {
    if (endpoint.startsWith(`${provider} `) && !endpoint.includes('/oauth')) total += count;
  }
  return total;
}

/** Absent fields read as null: how a CRM stores an empty field. */
function asStored(lead: Dataset['leads'][number]): Record<string, unknown> {
  const record: Record<string, unknown> = { ...lead };
  for (const field of Object.keys(leadSchema.shape)) record[field] ??= null;
  return record;
}

export interface SeededLeads {
  all: Set<string>;
  /** Valid under the canonical schema as the CRM stores them: the sync must deliver every one. */
  clean: Set<string>;
}

export function seededLeads(dataset: Dataset): SeededLeads {
  return {
    all: new Set(dataset.leads.map((lead) => lead.crmId)),
    clean: new Set(
      dataset.leads.filter((lead) => leadSchema.safeParse(asStored(lead)).success).map((lead) => lead.crmId),
    ),
  };
}

function benchScore(leadId: string, index: number): Score {
  return {
    leadId,
    modelVersion: 'bench-1',
    score: index % 101,
    probability: (index % 101) / 100,
    tier: index % 101 >= 70 ? 'hot' : index % 101 >= 40 ? 'warm' : 'cold',
    segment: 'smb',
    factors: [{ featureId: 'pricing_page_views_30d', label: 'Viewed pricing twice in 30 days', points: 6.2 }],
    // Scored now, after the sync read the records: the moment the write-back happens.
    scoredAt: new Date().toISOString(),
  };
}

export interface SyncRunResult {
  fullCalls: number;
  fullByEndpoint: Record<string, number>;
  incrementalCalls: number;
  incrementalByEndpoint: Record<string, number>;
  fullSeconds: number;
  leads: Drained<Lead>;
  activities: Drained<Activity>;
  outcomes: Drained<Outcome>;
  incrementalRecords: number;
  writeFailures: number;
  written: number;
}

export async function runSync(options: {
  provider: string;
  connector: CrmConnector;
  calls: CallCounter;
  /** Called between the write-back and the incremental, e.g. to move the connector's clock. */
  beforeIncremental?: () => void;
}): Promise<SyncRunResult> {
  const { connector, calls, provider } = options;
  calls.reset();
  const started = performance.now();
  const leads = await drain(connector.syncLeads({ cursor: null }));
  const activities = await drain(connector.syncActivities({ cursor: null }));
  const outcomes = await drain(connector.syncOutcomes({ cursor: null }));
  const results = await connector.writeScores(
    leads.records.map((lead, index) => ({
      crmId: lead.crmId,
      objectType: lead.objectType,
      score: benchScore(lead.id, index),
    })),
  );
  const fullSeconds = (performance.now() - started) / 1000;
  const fullCalls = apiCalls(calls, provider);
  const fullByEndpoint = calls.snapshot();

  options.beforeIncremental?.();
  calls.reset();
  const quietLeads = await drain(connector.syncLeads({ cursor: leads.cursor }));
  const quietActivities = await drain(connector.syncActivities({ cursor: activities.cursor }));
  const quietOutcomes = await drain(connector.syncOutcomes({ cursor: outcomes.cursor }));
  return {
    fullCalls,
    fullByEndpoint,
    incrementalCalls: apiCalls(calls, provider),
    incrementalByEndpoint: calls.snapshot(),
    fullSeconds,
    leads,
    activities,
    outcomes,
    incrementalRecords:
      quietLeads.records.length + quietActivities.records.length + quietOutcomes.records.length,
    writeFailures: results.filter((result) => !result.ok).length,
    written: results.length,
  };
}
