import { randomBytes } from 'node:crypto';
import type { OAuthTokens } from '../../../shared/crm-connector.ts';
import type { Provider, TenantId } from '../../../shared/schemas/common.ts';
import { StoreError } from '../../../shared/store/store-error.ts';
import type { PlainTokens } from '../../../shared/store/tenants.repository.ts';
import { tenantControlKey } from '../../../worker/queues/tenant-control.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import type { ExchangedInstall } from './install-providers.ts';
import type { TenantQueues } from './tenant-queues.ts';

export interface InstallResult {
  tenantId: TenantId;
  provider: Provider;
  /** True when the tenant existed (a reinstall after revoked access, or a second install). */
  reconnected: boolean;
  namespace: string | null;
  fieldsCreated: number;
  syncJobId: string;
  schedulers: string[];
}

function plainTokens(tokens: OAuthTokens): PlainTokens {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    ...(tokens.expiresAt === undefined ? {} : { expiresAt: new Date(tokens.expiresAt).toISOString() }),
  };
}

/**
 * The install after a good code exchange. The webhook secret is settled first (the tenant's own on
 * a reconnect, a new one otherwise), then the CRM side is provisioned with it: if that fails,
 * nothing is stored (no tenant without its fields, no secret the package does not hold). Then the
 * tenant is created, or reconnected when it exists (new tokens, status active, data and settings
 * kept), tokens and the webhook secret sealed, and the first full sync asked for with the tenant's
 * schedulers.
 */
export async function completeInstall(
  deps: Pick<ServerDependencies, 'store' | 'redis' | 'queues' | 'logger'>,
  tenantQueues: TenantQueues,
  exchanged: ExchangedInstall,
): Promise<InstallResult> {
  const { tenantId, provider } = exchanged;
  // Known before provisioning, which hands it to the managed package; a reconnect keeps the one
  // the package already signs with.
  const webhookSecret =
    (await deps.store.tenants.webhookSecret(tenantId)) ?? randomBytes(32).toString('base64url');
  const provisioned = await exchanged.provision({ webhookSecret });
  const tokens = exchanged.tokens;
  const connection = {
    tokens: plainTokens(tokens),
    ...(tokens.instanceUrl === undefined ? {} : { instanceUrl: tokens.instanceUrl }),
    ...(exchanged.userId === null ? {} : { integrationUserId: exchanged.userId }),
    namespace: provisioned.namespace,
  };
  let reconnected = (await deps.store.tenants.get(tenantId)) !== undefined;
  if (reconnected) await deps.store.tenants.reconnect(tenantId, connection);
  else {
    try {
      await deps.store.tenants.create({ id: tenantId, provider, ...connection });
    } catch (error) {
      // Two callbacks of the same org at once: the second one reconnects.
      if (!(error instanceof StoreError) || error.code !== 'ALREADY_EXISTS') throw error;
      await deps.store.tenants.reconnect(tenantId, connection);
      reconnected = true;
    }
  }
  // A pause the queues recorded on their own (RedisTenantControl) ends with the reconnect too.
  await deps.redis.del(tenantControlKey(tenantId));
  // Only stored when the tenant has none (a reconnect keeps its own, the one provisioning wrote).
  await deps.store.tenants.saveWebhookSecret(tenantId, webhookSecret);
  const syncJobId = await deps.queues.enqueue('sync', { tenantId, mode: 'full', reason: 'install' });
  const schedulers = await tenantQueues.schedule(tenantId);
  deps.logger.info(
    {
      tenantId,
      provider,
      reconnected,
      namespace: provisioned.namespace,
      fieldsCreated: provisioned.created.length,
    },
    reconnected ? 'tenant reconnected' : 'tenant installed',
  );
  return {
    tenantId,
    provider,
    reconnected,
    namespace: provisioned.namespace,
    fieldsCreated: provisioned.created.length,
    syncJobId,
    schedulers,
  };
}
