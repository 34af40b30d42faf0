import express, { type Router } from 'express';
import { type OpsKeys, opsKeys } from '../../../shared/store/keys.ts';
import { messageOf, withDeadline } from '../deadline.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { readMetricsSnapshot } from './metrics-snapshot.ts';
import { registryFromSnapshot } from './prometheus.ts';
import type { QueueInspector } from './queue-inspector.ts';
import { checkReadiness } from './readiness.ts';

export interface OpsOptions {
  /** The queues to check and count (`bullmqQueueInspector(jobQueue, queueNames)` in production). */
  queues: QueueInspector;
  /** Deadline of each readiness check (default 500 ms): a probe must answer quickly even when Redis hangs. */
  checkTimeoutMs?: number;
  /** Deadline of a whole /metrics read (default 5 s). */
  scrapeTimeoutMs?: number;
  /** Per-tenant series stop after this many tenants (default 2,000), so cardinality stays bounded. */
  maxTenantSeries?: number;
  /** Where workers record heartbeats and figures; tests pass `opsKeysIn('ops-<suffix>')`. */
  keys?: OpsKeys;
}

type Dependencies = Pick<ServerDependencies, 'redis' | 'store' | 'logger' | 'now'>;

/**
 * `GET /readyz` (can this instance serve: Redis, queues, a live worker) and `GET /metrics` (Prometheus
 * text, read at scrape time from what every worker process recorded in Redis).
 */
export function opsRouter(deps: Dependencies, options: OpsOptions): Router {
  const router = express.Router();
  const checkTimeoutMs = options.checkTimeoutMs ?? 500;
  const scrapeTimeoutMs = options.scrapeTimeoutMs ?? 5_000;
  const maxTenants = options.maxTenantSeries ?? 2_000;
  const keys = options.keys ?? opsKeys;
  let wasReady = true;

  router.get('/readyz', async (_request, response) => {
    const readiness = await checkReadiness({
      redis: deps.redis,
      queues: options.queues,
      timeoutMs: checkTimeoutMs,
      now: deps.now,
      keys,
    });
    response.set('Cache-Control', 'no-store');
    if (readiness.ready) {
      if (!wasReady) deps.logger.info('ready again');
      wasReady = true;
      response.json({ status: 'ready', checks: readiness.checks });
      return;
    }
    const failed = Object.entries(readiness.checks).flatMap(([name, check]) =>
      check.ok ? [] : [{ name, reason: check.reason, fix: check.fix }],
    );
    // One line when readiness is lost, not one per probe.
    if (wasReady) deps.logger.warn({ failed: failed.map((check) => check.name) }, 'not ready');
    wasReady = false;
    response.status(503).json({
      status: 'unavailable',
      failed: failed.map((check) => check.name),
      reason: failed.map((check) => `${check.name}: ${check.reason}; fix: ${check.fix}`).join(' | '),
      checks: readiness.checks,
    });
  });

  router.get('/metrics', async (_request, response) => {
    response.set('Cache-Control', 'no-store');
    try {
      const snapshot = await withDeadline(
        readMetricsSnapshot({
          redis: deps.redis,
          store: deps.store,
          queues: options.queues,
          now: deps.now,
          maxTenants,
          keys,
          logger: deps.logger,
        }),
        scrapeTimeoutMs,
        'reading metrics from Redis',
      );
      const registry = registryFromSnapshot(snapshot);
      response.type(registry.contentType).send(await registry.metrics());
    } catch (error) {
      deps.logger.warn({ reason: messageOf(error) }, 'metrics not readable');
      response
        .status(503)
        .type('text/plain')
        .send(`metrics unavailable: ${messageOf(error)}; the figures live in Redis: check that it is up\n`);
    }
  });

  return router;
}
