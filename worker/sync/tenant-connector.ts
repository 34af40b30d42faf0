import { getConnector } from '../../connector/providers/registry.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Manifest } from '../../shared/manifest.ts';
import type { Provider, TenantId } from '../../shared/schemas/common.ts';
import type { Store } from '../../shared/store/store.ts';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * The connector of a stored tenant: its provider from the profile, its tokens decrypted from the
 * store, refreshed tokens saved back (encrypted). A tenant the store does not know cannot sync.
 */
export function tenantConnectors(options: {
  store: Store;
  clients: Partial<Record<Provider, OAuthClient>>;
  manifest: Manifest;
  logger: Logger;
}): (tenantId: TenantId) => Promise<CrmConnector> {
  return async (tenantId) => {
    const { store } = options;
    const [profile, tokens] = await Promise.all([
      store.tenants.get(tenantId),
      store.tenants.tokens(tenantId),
    ]);
    if (profile === undefined || tokens === undefined) throw new Error(`tenant ${tenantId} is not installed`);
    const client = options.clients[profile.provider];
    if (client === undefined) throw new Error(`the worker has no OAuth client for ${profile.provider}`);
    return getConnector(profile.provider, {
      tenantId,
      tokens: {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        ...(tokens.expiresAt === undefined ? {} : { expiresAt: Date.parse(tokens.expiresAt) }),
        ...(profile.instanceUrl === null ? {} : { instanceUrl: profile.instanceUrl }),
        // Echo suppression: the sync skips what this user changed (our own writes).
        ...(profile.integrationUserId === null ? {} : { userId: profile.integrationUserId }),
      },
      onTokensRefreshed: (fresh) =>
        store.tenants.saveTokens(tenantId, {
          accessToken: fresh.accessToken,
          refreshToken: fresh.refreshToken,
          ...(fresh.expiresAt === undefined ? {} : { expiresAt: new Date(fresh.expiresAt).toISOString() }),
        }),
      ...client,
      logger: options.logger.child({ tenantId }),
      manifest: options.manifest,
    });
  };
}
