import type { Logger } from '../../../shared/logger.ts';
import {
  eventToWriteBuckets,
  type HistogramSnapshot,
  jobSecondsBuckets,
  readHistogram,
} from '../../../shared/metrics/histogram-fields.ts';
import { budgetLimitField, scoresWrittenField } from '../../../shared/metrics/worker-metrics.ts';
import { hubspotBudgets, salesforceDailyBudget } from '../../../shared/rate-limit/provider-budgets.ts';
import { type CallBudget, rateLimitKey } from '../../../shared/rate-limit/redis-rolling-bucket.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { type OpsKeys, tenantKeys } from '../../../shared/store/keys.ts';
import type { RedisClient, Store } from '../../../shared/store/store.ts';
import { messageOf } from '../deadline.ts';
import { readHeartbeats } from './heartbeats.ts';
import type { QueueDepths, QueueInspector } from './queue-inspector.ts';

export interface BudgetUsage {
  budget: string;
  used: number;
  /** Null while no worker has learnt it yet (Salesforce's comes with the org's first answer). */
  limit: number | null;
}

export interface TenantFigures {
  tenantId: string;
  scoresWritten: number;
  /** Seconds since the newest sync cursor moved; null before the first sync. */
  syncLagSeconds: number | null;
  budgets: BudgetUsage[];
}

export interface MetricsSnapshot {
  queueDepths: { queue: string; depths: QueueDepths }[];
  jobSeconds: { queue: string; histogram: HistogramSnapshot }[];
  eventToWrite: { provider: string; histogram: HistogramSnapshot }[];
  tenants: TenantFigures[];
  /** Installed tenants left out because there are more than the series cap. */
  tenantsOmitted: number;
  workersAlive: number;
}

export interface SnapshotSources {
  redis: RedisClient;
  store: Store;
  queues: QueueInspector;
  now: () => number;
  /** Per-tenant series stop here, so a scrape stays bounded however many tenants install. */
  maxTenants: number;
  keys: OpsKeys;
  logger?: Logger;
}

const providers = ['salesforce', 'hubspot'] as const;
/** The shape of the Salesforce daily budget (name, window, slots); its capacity comes from the worker. */
const salesforceDaily = salesforceDailyBudget({ used: 0, limit: 0 }, 1);
/** Tenants read side by side per round: a scrape must not flood Redis with thousands of commands at once. */
const TENANTS_PER_ROUND = 50;

/** Calls counted in a rolling bucket's current window (the same arithmetic as its Lua script). */
async function usedIn(
  redis: RedisClient,
  tenantId: TenantId,
  budget: CallBudget,
  now: number,
): Promise<number> {
  const key = rateLimitKey(tenantId, budget);
  if (budget.slotMs === undefined) return redis.zcount(key, `(${now - budget.intervalMs}`, '+inf');
  const oldestKept = Math.floor(now / budget.slotMs) - Math.ceil(budget.intervalMs / budget.slotMs);
  const slots = await redis.hgetall(key);
  return Object.entries(slots).reduce(
    (total, [slot, count]) => (Number(slot) >= oldestKept ? total + (Number(count) || 0) : total),
    0,
  );
}

async function tenantFigures(
  sources: SnapshotSources,
  tenantId: string,
  now: number,
): Promise<TenantFigures> {
  const { redis, store } = sources;
  const id = tenantId as TenantId;
  const [counters, cursors] = await Promise.all([
    redis.hgetall(tenantKeys(tenantId).metrics),
    store.cursors.all(tenantId),
  ]);
  const newest = Math.max(...cursors.map((cursor) => Date.parse(cursor.updatedAt)).filter(Number.isFinite));
  const budgets: BudgetUsage[] = [];
  if (tenantId.startsWith('hs:')) {
    for (const budget of Object.values(hubspotBudgets)) {
      budgets.push({
        budget: budget.name,
        used: await usedIn(redis, id, budget, now),
        limit: budget.capacity,
      });
    }
  } else {
    const known = counters[budgetLimitField(salesforceDaily.name)];
    budgets.push({
      budget: salesforceDaily.name,
      used: await usedIn(redis, id, salesforceDaily, now),
      limit: known === undefined || !Number.isFinite(Number(known)) ? null : Number(known),
    });
  }
  return {
    tenantId,
    scoresWritten: Number(counters[scoresWrittenField] ?? 0) || 0,
    syncLagSeconds: Number.isFinite(newest) ? Math.max(0, (now - newest) / 1_000) : null,
    budgets,
  };
}

/** Everything /metrics shows, read from Redis where every worker process recorded it. */
export async function readMetricsSnapshot(sources: SnapshotSources): Promise<MetricsSnapshot> {
  const { redis, queues } = sources;
  const now = sources.now();
  const [queueDepths, jobSeconds, eventToWrite, installed, heartbeats] = await Promise.all([
    Promise.all(queues.names.map(async (queue) => ({ queue, depths: await queues.depths(queue) }))),
    Promise.all(
      queues.names.map(async (queue) => ({
        queue,
        histogram: readHistogram(jobSecondsBuckets, await redis.hgetall(sources.keys.jobSeconds(queue))),
      })),
    ),
    Promise.all(
      providers.map(async (provider) => ({
        provider,
        histogram: readHistogram(
          eventToWriteBuckets,
          await redis.hgetall(sources.keys.eventToWrite(provider)),
        ),
      })),
    ),
    sources.store.tenants.list(),
    readHeartbeats(redis, sources.keys),
  ]);
  const shown = installed.slice(0, sources.maxTenants);
  const tenants: TenantFigures[] = [];
  const unreadable: string[] = [];
  for (let start = 0; start < shown.length; start += TENANTS_PER_ROUND) {
    const round = shown.slice(start, start + TENANTS_PER_ROUND);
    const figures = await Promise.all(
      round.map((tenantId) =>
        // A registry entry that cannot be read (a malformed id) must not take every other tenant's series down.
        tenantFigures(sources, tenantId, now).catch((error: unknown) => {
          unreadable.push(tenantId);
          if (unreadable.length === 1)
            sources.logger?.warn({ reason: messageOf(error) }, 'tenant metrics not readable');
          return null;
        }),
      ),
    );
    tenants.push(...figures.filter((figure): figure is TenantFigures => figure !== null));
  }
  return {
    queueDepths,
    jobSeconds,
    eventToWrite,
    tenants,
    tenantsOmitted: installed.length - shown.length + unreadable.length,
    workersAlive: heartbeats.alive.length,
  };
}
