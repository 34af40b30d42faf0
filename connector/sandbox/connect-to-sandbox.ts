import type { Logger } from 'pino';
import type { ConnectorContext, OAuthTokens } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadManifest, type Manifest } from '../../shared/manifest.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { searchRequestsPerSecond, tenSecondlyWindowMs } from '../providers/hubspot/constants.ts';
import { HubspotConnector } from '../providers/hubspot/hubspot-connector.ts';
import { exchangeHubspotCode } from '../providers/hubspot/hubspot-oauth.ts';
import {
  generalRequestsPerTenSeconds,
  RollingTokenBucket,
} from '../providers/hubspot/search-rate-limiter.ts';
import { SalesforceAuth } from '../providers/salesforce/salesforce-auth.ts';
import {
  SalesforceConnector,
  type SalesforceConnectorOptions,
} from '../providers/salesforce/salesforce-connector.ts';
import type { RunningSandbox } from './start-sandbox.ts';

/**
 * Installs the real providers against a running sandbox CRM the way an admin would (OAuth code
 * exchange with a matching state), so tests, benchmarks and local runs drive the real clients with
 * only the base URLs changed.
 */

const clientId = 'sandbox-client';
const clientSecret = 'sandbox-secret';
const state = 'sandbox-state-0123456789';

export interface SandboxInstallOptions {
  tenantId: TenantId;
  manifest?: Manifest;
  logger?: Logger;
  /** Tokens handed back after each refresh, newest last. */
  onTokensRefreshed?: (tokens: OAuthTokens) => void;
}

function baseContext(
  options: SandboxInstallOptions,
  tokens: OAuthTokens,
  provider: string,
): Omit<ConnectorContext, 'baseUrls' | 'allowedInstanceHosts'> {
  return {
    tenantId: options.tenantId,
    tokens,
    onTokensRefreshed: (fresh) => options.onTokensRefreshed?.(fresh),
    clientId,
    clientSecret,
    redirectUri: `http://127.0.0.1/oauth/${provider}/callback`,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    manifest: options.manifest ?? loadManifest(),
  };
}

export async function connectSalesforceToSandbox(
  sandbox: RunningSandbox,
  options: SandboxInstallOptions,
  tuning: SalesforceConnectorOptions = {},
): Promise<{ connector: SalesforceConnector; orgId: string; userId: string }> {
  const manifest = options.manifest ?? loadManifest();
  const auth = new SalesforceAuth({
    clientId,
    clientSecret,
    redirectUri: 'http://127.0.0.1/oauth/salesforce/callback',
    apiVersion: manifest.salesforce.apiVersion,
    loginUrl: sandbox.baseUrl,
    allowedInstanceHosts: [sandbox.host],
  });
  const org = await auth.exchangeCode({ code: 'sandbox-authorization-code', state, expectedState: state });
  const connector = new SalesforceConnector(
    {
      ...baseContext({ ...options, manifest }, org.tokens, 'salesforce'),
      baseUrls: { login: sandbox.baseUrl },
      allowedInstanceHosts: [sandbox.host],
    },
    tuning,
  );
  return { connector, orgId: org.orgId, userId: org.userId };
}

/** Installs the sandbox's HubSpot app through the real OAuth code exchange and returns its tokens. */
export function sandboxHubspotTokens(sandbox: RunningSandbox): ReturnType<typeof exchangeHubspotCode> {
  return exchangeHubspotCode({
    clientId,
    clientSecret,
    redirectUri: 'http://127.0.0.1/oauth/hubspot/callback',
    apiBase: sandbox.baseUrl,
    code: 'sandbox-code',
    expectedState: state,
    receivedState: state,
  });
}

export async function connectHubspotToSandbox(
  sandbox: RunningSandbox,
  options: SandboxInstallOptions,
): Promise<HubspotConnector> {
  const tokens = await sandboxHubspotTokens(sandbox);
  // Budgets of its own, still at HubSpot's pace (4 searches per second, 105 other calls per 10 s),
  // so runs do not share one and never trip the sandbox's 110-per-10-s limit.
  return new HubspotConnector(
    { ...baseContext(options, tokens, 'hubspot'), baseUrls: { api: sandbox.baseUrl } },
    {
      searchBucket: new RollingTokenBucket(searchRequestsPerSecond, 1_000),
      callBucket: new RollingTokenBucket(generalRequestsPerTenSeconds, tenSecondlyWindowMs),
    },
  );
}
