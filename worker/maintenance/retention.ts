import type { Logger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Store } from '../../shared/store/store.ts';

const dayMs = 24 * 3_600_000;

export interface RetentionDependencies {
  store: Pick<Store, 'tenants' | 'purgeTenant'>;
  /** Removes the tenant's schedulers and queued jobs (worker/queues/purge-tenant-jobs.ts). */
  purgeJobs: (tenantId: TenantId) => Promise<unknown>;
  /** TENANT_RETENTION_DAYS: how long a non-active tenant's data is kept. */
  retentionDays: number;
  logger: Logger;
  now?: () => number;
}

export type RetentionOutcome =
  | { kind: 'kept'; reason: 'active' | 'within-retention'; purgeAfter?: string }
  | { kind: 'purged'; keys: number }
  | { kind: 'absent' };

/**
 * The daily retention check of one tenant: a tenant that has not been active (revoked access, a
 * pause an admin never lifted) for longer than the retention period is purged everywhere, its jobs
 * included; an active tenant, or one paused more recently, keeps everything.
 */
export async function applyRetention(
  deps: RetentionDependencies,
  tenantId: TenantId,
): Promise<RetentionOutcome> {
  const now = deps.now ?? Date.now;
  const tenant = await deps.store.tenants.get(tenantId);
  if (tenant === undefined) {
    // Gone already (uninstalled): its schedulers may still be here, and they must not be.
    await deps.purgeJobs(tenantId);
    return { kind: 'absent' };
  }
  if (tenant.status === 'active') return { kind: 'kept', reason: 'active' };
  const purgeAt = Date.parse(tenant.statusChangedAt) + deps.retentionDays * dayMs;
  if (now() <= purgeAt) {
    return { kind: 'kept', reason: 'within-retention', purgeAfter: new Date(purgeAt).toISOString() };
  }
  await deps.purgeJobs(tenantId);
  const keys = await deps.store.purgeTenant(tenantId);
  deps.logger.warn(
    { tenantId, status: tenant.status, retentionDays: deps.retentionDays, keys },
    'tenant not active past its retention period: data purged',
  );
  return { kind: 'purged', keys };
}
