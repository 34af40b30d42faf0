import type { Logger } from '../logger.ts';
import { tenantIdSchema } from '../schemas/common.ts';
import { type OpsKeys, opsKeys, tenantKeys } from '../store/keys.ts';
import type { RedisClient } from '../store/redis-scripts.ts';
import { eventToWriteBuckets, histogramIncrements, jobSecondsBuckets, sumField } from './histogram-fields.ts';

/** Field of the tenant's metrics hash counting the scores confirmed written to the CRM. */
export const scoresWrittenField = 'scores-written';
/** Field of the tenant's metrics hash holding an API budget's limit, as a worker last saw it. */
export const budgetLimitField = (budget: string) => `budget-limit:${budget}`;

/**
 * What the worker processes record for the server's /metrics. Every worker adds to the same Redis
 * counters, so the figures are the sum over all workers, whichever process serves the scrape.
 *
 * Recording never throws and never fails a job: a metric lost while Redis is unwell is logged and
 * dropped. Callers may await the promise (tests do) or leave it (`void metrics.scoresWritten(...)`).
 */
export interface WorkerMetrics {
  /** One job run of `queue` took `seconds` (whatever its outcome). */
  jobFinished(queue: string, seconds: number): Promise<void>;
  /** `count` scores of the tenant were confirmed written to its CRM. */
  scoresWritten(tenantId: string, count: number): Promise<void>;
  /**
   * For each score just written, the seconds from the CRM event that triggered it to the CRM's
   * confirmation. Kept per provider (`sf`/`hs` from the tenant id), not per tenant: bounded series.
   */
  eventToWrite(tenantId: string, seconds: readonly number[]): Promise<void>;
  /** The limit of a tenant's API budget as the worker knows it (e.g. LeadScore's share of an org's daily limit). */
  budgetLimit(tenantId: string, budget: string, limit: number): Promise<void>;
}

/** Records nothing: for tests and tools that run jobs without a server reading the figures. */
export const noWorkerMetrics: WorkerMetrics = {
  jobFinished: async () => {},
  scoresWritten: async () => {},
  eventToWrite: async () => {},
  budgetLimit: async () => {},
};

/** `hs:123` → `hubspot`, `sf:00D...` → `salesforce`; null for an id that is neither. */
export function providerOfTenant(tenantId: string): 'salesforce' | 'hubspot' | null {
  if (!tenantIdSchema.safeParse(tenantId).success) return null;
  return tenantId.startsWith('hs:') ? 'hubspot' : 'salesforce';
}

/** Metric hashes expire if nothing writes them for this long (a decommissioned queue, say). */
const METRICS_TTL_SECONDS = 90 * 24 * 3_600;

export class RedisWorkerMetrics implements WorkerMetrics {
  constructor(
    private readonly redis: RedisClient,
    private readonly logger: Logger,
    /** Where process-wide figures go; tests pass `opsKeysIn('ops-<suffix>')`. */
    private readonly keys: OpsKeys = opsKeys,
  ) {}

  jobFinished(queue: string, seconds: number): Promise<void> {
    return this.observe('job duration', () => this.keys.jobSeconds(queue), jobSecondsBuckets, [seconds]);
  }

  eventToWrite(tenantId: string, seconds: readonly number[]): Promise<void> {
    const provider = providerOfTenant(tenantId);
    if (provider === null)
      return this.dropped('event to write', `unknown tenant id ${tenantId.slice(0, 40)}`);
    return this.observe(
      'event to write',
      () => this.keys.eventToWrite(provider),
      eventToWriteBuckets,
      seconds,
    );
  }

  async scoresWritten(tenantId: string, count: number): Promise<void> {
    if (!Number.isInteger(count) || count <= 0) return;
    await this.guard('scores written', async () => {
      await this.redis.hincrby(tenantKeys(tenantId).metrics, scoresWrittenField, count);
    });
  }

  async budgetLimit(tenantId: string, budget: string, limit: number): Promise<void> {
    if (!Number.isFinite(limit) || limit < 0) return;
    await this.guard('budget limit', async () => {
      await this.redis.hset(tenantKeys(tenantId).metrics, budgetLimitField(budget), String(limit));
    });
  }

  private async observe(
    what: string,
    key: () => string,
    bounds: readonly number[],
    values: readonly number[],
  ): Promise<void> {
    const { buckets, sum, count } = histogramIncrements(bounds, values);
    if (count === 0) return;
    await this.guard(what, async () => {
      const name = key();
      // One key, so one MULTI is slot-safe; every edit is an increment, so workers never overwrite each other.
      const transaction = this.redis.multi();
      for (const [field, increment] of buckets) transaction.hincrby(name, field, increment);
      transaction.hincrbyfloat(name, sumField, sum);
      transaction.expire(name, METRICS_TTL_SECONDS);
      await transaction.exec();
    });
  }

  private async guard(what: string, record: () => Promise<void>): Promise<void> {
    try {
      await record();
    } catch (error) {
      await this.dropped(what, (error as Error).message);
    }
  }

  private async dropped(what: string, reason: string): Promise<void> {
    this.logger.warn({ metric: what, reason }, 'a metric was not recorded');
  }
}
