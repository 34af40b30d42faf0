import { HubspotConnector } from '../../connector/providers/hubspot/hubspot-connector.ts';
import { getConnector } from '../../connector/providers/registry.ts';
import { SalesforceConnector } from '../../connector/providers/salesforce/salesforce-connector.ts';
import { manifestForNamespace } from '../../connector/providers/salesforce/salesforce-namespace.ts';
import type { ConnectorContext, CrmConnector } from '../../shared/crm-connector.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Manifest } from '../../shared/manifest.ts';
import { reportingDailyBudget } from '../../shared/metrics/budget-reporting.ts';
import type { WorkerMetrics } from '../../shared/metrics/worker-metrics.ts';
import { hubspotPacers } from '../../shared/rate-limit/provider-budgets.ts';
import type { RedisRollingBucket } from '../../shared/rate-limit/redis-rolling-bucket.ts';
import { salesforceDailyPacer } from '../../shared/rate-limit/salesforce-daily-pacer.ts';
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
/** LeadScore's share of a Salesforce org's daily API limit, unless the worker is told otherwise. */
export const DEFAULT_SALESFORCE_DAILY_SHARE = 0.2;

export function tenantConnectors(options: {
  store: Store;
  /**
   * The per-tenant budgets in Redis, shared by every worker process: HubSpot's 10-second and search
   * budgets, and a share of the Salesforce org's daily limit. Without it each process paces alone.
   */
  rateLimits?: { bucket: RedisRollingBucket; salesforceDailyShare?: number; metrics?: WorkerMetrics };
  clients: Partial<Record<Provider, OAuthClient>>;
  manifest: Manifest;
  logger: Logger;
  /**
   * The sandbox CRM when the worker runs against it (npm start, tests, benchmarks): its base URL is
   * the Salesforce login host and the HubSpot API base, its `host:port` an accepted instance host.
   * Absent in production.
   */
  sandbox?: { baseUrl: string; host: string };
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
    const context: ConnectorContext = {
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
      // A Salesforce org with the managed package names the fields with its namespace.
      manifest:
        profile.provider === 'salesforce'
          ? manifestForNamespace(options.manifest, profile.namespace)
          : options.manifest,
      ...(options.sandbox === undefined
        ? {}
        : {
            baseUrls:
              profile.provider === 'salesforce'
                ? { login: options.sandbox.baseUrl }
                : { api: options.sandbox.baseUrl },
            allowedInstanceHosts: [options.sandbox.host],
          }),
    };
    const limits = options.rateLimits;
    if (limits === undefined) return getConnector(profile.provider, context);
    if (profile.provider === 'hubspot')
      return new HubspotConnector(context, hubspotPacers(limits.bucket, tenantId));
    const share = limits.salesforceDailyShare ?? DEFAULT_SALESFORCE_DAILY_SHARE;
    const dailyPacer = salesforceDailyPacer(limits.bucket, tenantId, share);
    return new SalesforceConnector(context, {
      // /metrics shows the org's budget beside what was used of it.
      dailyPacer:
        limits.metrics === undefined
          ? dailyPacer
          : reportingDailyBudget(dailyPacer, limits.metrics, tenantId, share),
    });
  };
}
