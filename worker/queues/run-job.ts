import type { Logger } from '../../shared/logger.ts';
import { decideOnFailure } from './failure-policy.ts';
import { parseJobPayload } from './job-payloads.ts';
import type { JobContext, JobHandler } from './job-queue.ts';
import type { QueueName } from './queue-names.ts';
import type { TenantControl } from './tenant-control.ts';

/** What happened to one run of a job; the BullMQ and inline runners turn it into their own moves. */
export type JobOutcome =
  | { kind: 'completed' }
  | { kind: 'skipped'; reason: 'tenant-paused' }
  | { kind: 'retry'; error: unknown }
  | { kind: 'wait'; delayMs: number; error: unknown }
  | { kind: 'stopped'; error: unknown; pausedTenant: boolean };

export interface RunJobDeps {
  tenants: TenantControl;
  logger: Logger;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one job the same way under BullMQ and inline: parse the payload, return early when the
 * tenant is paused, call the handler, and on failure apply the failure policy (pausing and flagging
 * the tenant on AUTH_REVOKED).
 */
export async function runJob<Q extends QueueName>(
  queue: Q,
  data: unknown,
  handler: JobHandler<Q>,
  deps: RunJobDeps,
  job: Omit<JobContext, 'queue' | 'logger'>,
): Promise<JobOutcome> {
  const logger = deps.logger.child({ queue, jobId: job.jobId });
  let payload: ReturnType<typeof parseJobPayload<Q>>;
  try {
    payload = parseJobPayload(queue, data);
  } catch (error) {
    logger.error({ err: error }, 'job payload rejected');
    return { kind: 'stopped', error, pausedTenant: false };
  }
  const tenantLogger = logger.child({ tenantId: payload.tenantId });
  // Retention is what ends a paused tenant's data: it runs while the tenant is paused.
  const runsWhilePaused = queue === 'maintenance';
  if (!runsWhilePaused && (await deps.tenants.isPaused(payload.tenantId))) {
    tenantLogger.info('tenant paused: job skipped');
    return { kind: 'skipped', reason: 'tenant-paused' };
  }
  try {
    await handler(payload, { ...job, queue, logger: tenantLogger });
    return { kind: 'completed' };
  } catch (error) {
    const decision = decideOnFailure(error);
    if (decision.kind === 'wait') {
      tenantLogger.info({ waitMs: decision.delayMs }, 'rate limited: job waits without spending an attempt');
      return { kind: 'wait', delayMs: decision.delayMs, error };
    }
    if (decision.kind === 'retry') {
      tenantLogger.warn({ err: error, attemptsMade: job.attemptsMade }, 'job failed: will retry');
      return { kind: 'retry', error };
    }
    if (decision.pauseTenant) {
      const reason = message(error);
      await deps.tenants.flagForReconnection(payload.tenantId, reason);
      await deps.tenants.pause(payload.tenantId, reason);
      tenantLogger.warn('access revoked: tenant paused and flagged for reconnection');
    } else {
      tenantLogger.error({ err: error }, 'job stopped: retrying cannot help');
    }
    return { kind: 'stopped', error, pausedTenant: decision.pauseTenant };
  }
}
