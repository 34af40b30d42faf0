import type { Redis } from 'ioredis';
import { scoresWrittenField } from '../../shared/metrics/worker-metrics.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys, withKeyPrefix } from '../../shared/store/keys.ts';
import { tenantSlug } from '../../worker/queues/job-ids.ts';
import type { RunningSandbox } from '../sandbox/start-sandbox.ts';

export type DemoProvider = 'salesforce' | 'hubspot';

export const PROVIDER_NAMES: Record<DemoProvider, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot' };

export interface TenantFirstCycle {
  provider: DemoProvider;
  tenantId: TenantId;
  /** Leads the sandbox CRM was seeded with (dirty records included). */
  seededLeads: number;
  /** Leads the store holds after the first sync. */
  syncedLeads: number;
  /** `models` with the trained segments, or `rules` when the history was below the model minimums. */
  outcome: 'models' | 'rules';
  /** Segment → champion version id. */
  champions: Record<string, string>;
  labelledLeads: number;
  convertingLeads: number;
  /** Leads with a score in the store. */
  scored: number;
  /** Distinct CRM records whose LeadScore score field was written. */
  written: number;
  /** The worker's count of scores written (rules first, then the model's). */
  writesCounted: number;
  /** Milliseconds since the start: first sync done, training done, first score in the CRM, cycle done. */
  syncedAtMs: number;
  trainedAtMs: number;
  firstWriteAtMs: number;
  doneAtMs: number;
}

export interface FirstCycleReport {
  tenants: TenantFirstCycle[];
  /** Since the start: the first score written back to either CRM. */
  firstScoresMs: number;
  /** Since the start: both tenants' models (or rules) in place. */
  trainedMs: number;
  /** Since the start: every tenant trained, scored and written, the queues idle. */
  doneMs: number;
  /** `leadscore_scores_written_total` per tenant, as GET /metrics showed it at the end. */
  metricsScoresWritten: Record<string, number>;
}

export interface FirstCycleWatch {
  redis: Redis;
  sandbox: RunningSandbox;
  storePrefix: string;
  queuePrefix: string;
  tenants: { provider: DemoProvider; tenantId: TenantId; seededLeads: number }[];
  /** performance.now() of the start, the origin of every time in the report. */
  startedAt: number;
  say: (line: string) => void;
  /** A reason to stop waiting (a child process died): the watch rejects with it. */
  failure: Promise<never>;
  timeoutMs?: number;
  pollMs?: number;
}

/** Queues whose jobs are part of a first cycle (maintenance and its schedules aside). */
const CYCLE_QUEUES = ['sync', 'train', 'score', 'rescore', 'writeback', 'route'] as const;

const count = (value: number): string => value.toLocaleString('en-US');
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Counts, per provider, the distinct CRM records LeadScore wrote a score to, and when the first landed. */
class ScoreWrites {
  readonly records: Record<DemoProvider, Set<string>> = { salesforce: new Set(), hubspot: new Set() };
  readonly firstAt: Partial<Record<DemoProvider, number>> = {};
  private readonly stops: (() => void)[];

  constructor(sandbox: RunningSandbox) {
    this.stops = [
      sandbox.salesforce.store.onChange((change) => {
        if (change.change !== 'update' || (change.object !== 'Lead' && change.object !== 'Contact')) return;
        if (change.fields.some((field) => /LeadScore_Score__c$/.test(field)))
          this.add('salesforce', change.record.Id);
      }),
      sandbox.hubspot.store.onChange((change) => {
        if (change.change !== 'propertyChange' || change.type !== 'contacts') return;
        if (change.properties.includes('leadscore_score')) this.add('hubspot', change.object.id);
      }),
    ];
  }

  private add(provider: DemoProvider, id: string): void {
    this.firstAt[provider] ??= performance.now();
    this.records[provider].add(id);
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}

/** Job ids of one queue that wait or run (BullMQ's wait and active lists, its prioritized set). */
async function pendingJobIds(redis: Redis, queuePrefix: string, queue: string): Promise<string[]> {
  const base = `${queuePrefix}:${queue}`;
  const [waiting, active, prioritized] = await Promise.all([
    redis.lrange(`${base}:wait`, 0, -1),
    redis.lrange(`${base}:active`, 0, -1),
    redis.zrange(`${base}:prioritized`, '0', '-1'),
  ]);
  return [...waiting, ...active, ...prioritized];
}

interface TenantState {
  entry: FirstCycleWatch['tenants'][number];
  phase: 'syncing' | 'training' | 'scoring' | 'done';
  result: TenantFirstCycle;
  idleChecks: number;
}

/**
 * Follows the first sync, training and scoring pass of every tenant from what is really there: the
 * BullMQ queues (a tenant's jobs carry its slug in their ids), the store (leads, training counts,
 * champions, scores) and the sandbox CRM (score fields written). Says each step as it happens and
 * resolves when every tenant is trained and scored, its scores written and its queues idle.
 */
export async function watchFirstCycle(
  watch: FirstCycleWatch,
): Promise<Omit<FirstCycleReport, 'metricsScoresWritten'>> {
  const { redis, storePrefix, queuePrefix, say } = watch;
  const writes = new ScoreWrites(watch.sandbox);
  const since = () => performance.now() - watch.startedAt;
  const key = (name: string) => withKeyPrefix(name, storePrefix);
  const states: TenantState[] = watch.tenants.map((entry) => ({
    entry,
    phase: 'syncing',
    idleChecks: 0,
    result: {
      ...entry,
      syncedLeads: 0,
      outcome: 'rules',
      champions: {},
      labelledLeads: 0,
      convertingLeads: 0,
      scored: 0,
      written: 0,
      writesCounted: 0,
      syncedAtMs: 0,
      trainedAtMs: 0,
      firstWriteAtMs: 0,
      doneAtMs: 0,
    },
  }));
  for (const state of states) {
    say(`${PROVIDER_NAMES[state.entry.provider]}: syncing ${count(state.entry.seededLeads)} leads…`);
  }
  let stopped = false;
  const loop = async (): Promise<void> => {
    const deadline = Date.now() + (watch.timeoutMs ?? 15 * 60_000);
    while (!stopped && states.some((state) => state.phase !== 'done')) {
      if (Date.now() > deadline) {
        const late = states.filter((state) => state.phase !== 'done');
        throw new Error(
          `the first cycle did not finish within ${seconds(watch.timeoutMs ?? 15 * 60_000)}: ${late
            .map((state) => `${PROVIDER_NAMES[state.entry.provider]} still ${state.phase}`)
            .join(', ')}; see the logs in .redis/logs/`,
        );
      }
      const pending = new Map<string, string[]>();
      for (const queue of CYCLE_QUEUES) pending.set(queue, await pendingJobIds(redis, queuePrefix, queue));
      for (const state of states) await advance(state, pending);
      await new Promise((resolve) => setTimeout(resolve, watch.pollMs ?? 250));
    }
  };

  const advance = async (state: TenantState, pending: Map<string, string[]>): Promise<void> => {
    const { provider, tenantId } = state.entry;
    const keys = tenantKeys(tenantId);
    // Job ids name the tenant's slug: `sync.sf-00D….<hash>`, `repeat:incremental-sync.sf-00D…:<time>`.
    const slug = tenantSlug(tenantId);
    const busy = (queue: string) => (pending.get(queue) ?? []).some((id) => id.includes(slug));
    const name = PROVIDER_NAMES[provider];
    const result = state.result;
    const firstWrite = writes.firstAt[provider];
    if (firstWrite !== undefined && result.firstWriteAtMs === 0) {
      result.firstWriteAtMs = firstWrite - watch.startedAt;
      say(`${name}: first scores written back to the CRM (${seconds(result.firstWriteAtMs)})`);
    }
    if (state.phase === 'syncing') {
      if (busy('sync')) return;
      result.syncedLeads = await redis.hlen(key(keys.leads));
      if (result.syncedLeads === 0) return;
      result.syncedAtMs = since();
      state.phase = 'training';
      say(
        `${name}: synced ${count(result.syncedLeads)} leads (${seconds(result.syncedAtMs)}); training models…`,
      );
      return;
    }
    if (state.phase === 'training') {
      const counts = await redis.hgetall(key(keys.trainingCounts));
      if (counts.outcome === undefined || busy('train')) return;
      result.outcome = counts.outcome === 'rules' ? 'rules' : 'models';
      // The fields ModelsRepository.recordTrainingCounts writes.
      result.labelledLeads = Number(counts.labelled ?? 0);
      result.convertingLeads = Number(counts.converting ?? 0);
      result.champions = await redis.hgetall(key(keys.champions));
      result.trainedAtMs = since();
      state.phase = 'scoring';
      const segments = Object.keys(result.champions).sort();
      say(
        result.outcome === 'models'
          ? `${name}: trained ${segments.length} segment model${segments.length === 1 ? '' : 's'} (${segments.join(', ')}) on ${count(result.labelledLeads)} labelled and ${count(result.convertingLeads)} converting leads (${seconds(result.trainedAtMs)}); scoring…`
          : `${name}: ${count(result.labelledLeads)} labelled and ${count(result.convertingLeads)} converting leads are below the model minimums (1,000 and 50): scoring by rules (${seconds(result.trainedAtMs)})`,
      );
      return;
    }
    if (state.phase === 'scoring') {
      const idle = CYCLE_QUEUES.every((queue) => !busy(queue));
      state.idleChecks = idle ? state.idleChecks + 1 : 0;
      if (state.idleChecks < 3) return;
      result.scored = await redis.hlen(key(keys.scores));
      result.written = writes.records[provider].size;
      result.writesCounted = Number((await redis.hget(key(keys.metrics), scoresWrittenField)) ?? 0);
      result.doneAtMs = since();
      state.phase = 'done';
      say(
        `${name}: scored ${count(result.scored)}, wrote ${count(result.written)} (${seconds(result.doneAtMs)})`,
      );
    }
  };

  try {
    await Promise.race([loop(), watch.failure]);
  } finally {
    stopped = true;
    writes.stop();
  }
  const results = states.map((state) => state.result);
  const firstWrites = results.map((result) => result.firstWriteAtMs).filter((ms) => ms > 0);
  return {
    tenants: results,
    firstScoresMs: firstWrites.length === 0 ? 0 : Math.min(...firstWrites),
    trainedMs: Math.max(...results.map((result) => result.trainedAtMs)),
    doneMs: Math.max(...results.map((result) => result.doneAtMs)),
  };
}

/** `leadscore_scores_written_total{tenant="..."}` of a Prometheus text page, per tenant. */
export function scoresWrittenByTenant(metricsText: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const match of metricsText.matchAll(/^leadscore_scores_written_total\{tenant="([^"]+)"\} (\S+)$/gm)) {
    const [, tenant, value] = match;
    if (tenant !== undefined && value !== undefined) found[tenant] = Number(value);
  }
  return found;
}
