import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  eventToWriteBuckets,
  type HistogramSnapshot,
  jobSecondsBuckets,
} from '../../../shared/metrics/histogram-fields.ts';
import type { MetricsSnapshot } from './metrics-snapshot.ts';
import { queueStates } from './queue-inspector.ts';

type Series = { labels: Record<string, string>; histogram: HistogramSnapshot };
type HistogramValues = Awaited<ReturnType<Histogram['get']>>;

/**
 * A histogram whose counts were observed elsewhere (by the workers, into Redis): it shows the
 * given cumulative buckets instead of observing anything itself. Both of prom-client's read paths
 * (`get` for JSON, `getForPromString` for the text format) answer the same series.
 */
class RecordedHistogram extends Histogram<string> {
  /** An unregistered twin that never observes: prom-client's own name, help, type and aggregator. */
  private readonly header: Histogram<string>;
  private readonly bounds: readonly number[];
  private readonly metricName: string;

  constructor(
    config: {
      name: string;
      help: string;
      labelNames: string[];
      buckets: readonly number[];
      registers: Registry[];
    },
    private readonly series: Series[],
  ) {
    super({ ...config, buckets: [...config.buckets] });
    this.header = new Histogram({ ...config, buckets: [...config.buckets], registers: [] });
    this.bounds = config.buckets;
    this.metricName = config.name;
  }

  override async get(): Promise<HistogramValues> {
    const base = await this.header.get();
    return { ...base, values: this.recordedValues() };
  }

  /** The registry's text-format path; the same series. */
  async getForPromString(): Promise<HistogramValues> {
    return this.get();
  }

  private recordedValues(): HistogramValues['values'] {
    const name = this.metricName;
    const values: HistogramValues['values'] = [];
    for (const { labels, histogram } of this.series) {
      this.bounds.forEach((bound, index) => {
        values.push({
          metricName: `${name}_bucket`,
          labels: { ...labels, le: bound },
          value: histogram.cumulative[index] ?? 0,
        });
      });
      values.push({
        metricName: `${name}_bucket`,
        labels: { ...labels, le: '+Inf' },
        value: histogram.count,
      });
      values.push({ metricName: `${name}_sum`, labels, value: histogram.sum });
      values.push({ metricName: `${name}_count`, labels, value: histogram.count });
    }
    return values;
  }
}

/** The scrape's registry, built from one snapshot (a fresh one per scrape: no state shared between them). */
export function registryFromSnapshot(snapshot: MetricsSnapshot): Registry {
  const registry = new Registry();
  const registers = [registry];

  const depth = new Gauge({
    name: 'leadscore_queue_jobs',
    help: 'Jobs in each queue by state (waiting includes prioritized).',
    labelNames: ['queue', 'state'],
    registers,
  });
  for (const { queue, depths } of snapshot.queueDepths)
    for (const state of queueStates) depth.set({ queue, state }, depths[state]);

  new RecordedHistogram(
    {
      name: 'leadscore_job_duration_seconds',
      help: 'How long each job run took, per queue, over every worker process.',
      labelNames: ['queue'],
      buckets: jobSecondsBuckets,
      registers,
    },
    snapshot.jobSeconds.map(({ queue, histogram }) => ({ labels: { queue }, histogram })),
  );

  new RecordedHistogram(
    {
      name: 'leadscore_event_to_write_seconds',
      help: 'From a CRM event to its new score written back to the CRM, per provider (target p95 < 2 s).',
      labelNames: ['provider'],
      buckets: eventToWriteBuckets,
      registers,
    },
    snapshot.eventToWrite.map(({ provider, histogram }) => ({ labels: { provider }, histogram })),
  );

  const written = new Counter({
    name: 'leadscore_scores_written_total',
    help: 'Scores the CRM confirmed written, per tenant.',
    labelNames: ['tenant'],
    registers,
  });
  const lag = new Gauge({
    name: 'leadscore_sync_lag_seconds',
    help: 'Seconds since the newest sync cursor of the tenant moved.',
    labelNames: ['tenant'],
    registers,
  });
  const used = new Gauge({
    name: 'leadscore_crm_api_calls_used',
    help: "CRM API calls in the budget's current rolling window, per tenant and budget.",
    labelNames: ['tenant', 'budget'],
    registers,
  });
  const limit = new Gauge({
    name: 'leadscore_crm_api_calls_limit',
    help: "The budget's limit for that window (LeadScore's share of the CRM's limit).",
    labelNames: ['tenant', 'budget'],
    registers,
  });
  for (const tenant of snapshot.tenants) {
    written.inc({ tenant: tenant.tenantId }, tenant.scoresWritten);
    if (tenant.syncLagSeconds !== null) lag.set({ tenant: tenant.tenantId }, tenant.syncLagSeconds);
    for (const budget of tenant.budgets) {
      const labels = { tenant: tenant.tenantId, budget: budget.budget };
      used.set(labels, budget.used);
      if (budget.limit !== null) limit.set(labels, budget.limit);
    }
  }

  new Gauge({
    name: 'leadscore_workers_alive',
    help: 'Worker processes with a live heartbeat.',
    registers,
  }).set(snapshot.workersAlive);
  new Gauge({
    name: 'leadscore_metrics_tenants_omitted',
    help: 'Installed tenants left out of the per-tenant series (past the cap, or unreadable).',
    registers,
  }).set(snapshot.tenantsOmitted);
  return registry;
}
