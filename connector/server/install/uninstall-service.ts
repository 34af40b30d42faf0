import type { Logger } from '../../../shared/logger.ts';
import type { Provider, TenantId } from '../../../shared/schemas/common.ts';
import type { Store } from '../../../shared/store/store.ts';
import type { PurgedJobs } from '../../../worker/queues/purge-tenant-jobs.ts';
import type { InstallProvider } from './install-providers.ts';
import type { TenantQueues } from './tenant-queues.ts';

export type Revocation =
  | { status: 'revoked' }
  | { status: 'failed'; reason: string }
  | { status: 'skipped'; reason: string };

export interface UninstallReport {
  tenantId: TenantId;
  /** Best effort: a CRM that cannot be reached does not keep the data here. */
  revocation: Revocation;
  jobs: PurgedJobs;
  keysRemoved: number;
}

export interface UninstallDependencies {
  store: Store;
  providers: Partial<Record<Provider, InstallProvider>>;
  tenantQueues: TenantQueues;
  logger: Logger;
}

async function revokeAtProvider(deps: UninstallDependencies, tenantId: TenantId): Promise<Revocation> {
  const profile = await deps.store.tenants.get(tenantId);
  if (profile === undefined) return { status: 'skipped', reason: 'the tenant is not installed' };
  const provider = deps.providers[profile.provider];
  if (provider === undefined) {
    return { status: 'skipped', reason: `no OAuth client for ${profile.provider} on this server` };
  }
  try {
    const tokens = await deps.store.tenants.tokens(tenantId);
    if (tokens === undefined) return { status: 'skipped', reason: 'the tenant has no stored tokens' };
    await provider.revoke(tokens);
    return { status: 'revoked' };
  } catch (error) {
    // The message names the provider's answer; it never carries the token itself.
    return {
      status: 'failed',
      reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown error',
    };
  }
}

/**
 * Uninstall ("disconnect and delete data"): revokes the grant at the CRM (best effort, reported),
 * removes the tenant's schedulers and queued jobs in every queue, deletes every key of the tenant
 * (leads, activities, scores and history, models, settings, alerts, tokens...) and unregisters it.
 */
export async function uninstallTenant(
  deps: UninstallDependencies,
  tenantId: TenantId,
): Promise<UninstallReport> {
  const revocation = await revokeAtProvider(deps, tenantId);
  // Schedulers first, so nothing new is queued for the tenant while its data goes.
  const jobs = await deps.tenantQueues.purge(tenantId);
  const keysRemoved = await deps.store.purgeTenant(tenantId);
  deps.logger.warn(
    { tenantId, revocation: revocation.status, jobs, keysRemoved },
    'tenant uninstalled: data and jobs purged',
  );
  return { tenantId, revocation, jobs, keysRemoved };
}
