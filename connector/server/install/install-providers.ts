import type { OAuthTokens } from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { type Provider, type TenantId, tenantIdSchema } from '../../../shared/schemas/common.ts';
import { HubspotConnector } from '../../providers/hubspot/hubspot-connector.ts';
import {
  buildHubspotAuthorizeUrl,
  exchangeHubspotCode,
  fetchHubspotTokenInfo,
  revokeHubspotRefreshToken,
} from '../../providers/hubspot/hubspot-oauth.ts';
import { writePackageSettings } from '../../providers/salesforce/package-settings.ts';
import { SalesforceAuth } from '../../providers/salesforce/salesforce-auth.ts';
import { SalesforceConnector } from '../../providers/salesforce/salesforce-connector.ts';
import { provisionSalesforce } from '../../providers/salesforce/salesforce-provisioning.ts';
import type { ServerDependencies } from '../server-dependencies.ts';

/** What the code exchange of an install produced, before anything is stored. */
export interface ExchangedInstall {
  tenantId: TenantId;
  provider: Provider;
  tokens: OAuthTokens;
  /** Salesforce: the installing admin (the token's user), also the integration user. */
  userId: string | null;
  /**
   * Provisions the CRM side (fields, permission sets, admin assignment and, on a managed-package
   * org, the package's settings holding the webhook secret); returns the namespace.
   */
  provision(input: { webhookSecret: string }): Promise<{ namespace: string | null; created: string[] }>;
}

/** One CRM's half of install, reconnect and uninstall. */
export interface InstallProvider {
  readonly provider: Provider;
  authorizeUrl(state: string): string;
  exchange(code: string, state: string): Promise<ExchangedInstall>;
  /** Revokes the grant at the CRM (uninstall). */
  revoke(tokens: { accessToken: string; refreshToken: string }): Promise<void>;
}

type Deps = Pick<ServerDependencies, 'config' | 'manifest' | 'logger' | 'publicUrl' | 'sandbox'>;

export function redirectUriFor(deps: Pick<ServerDependencies, 'publicUrl'>, provider: Provider): string {
  return `${deps.publicUrl}/oauth/${provider}/callback`;
}

function tenantIdOf(value: string): TenantId {
  const parsed = tenantIdSchema.safeParse(value);
  if (!parsed.success)
    throw new ConnectorError('UNKNOWN', `the CRM answered an unusable account id for ${value.slice(0, 3)}`);
  return parsed.data;
}

function salesforceInstall(deps: Deps, clientId: string, clientSecret: string): InstallProvider {
  const redirectUri = redirectUriFor(deps, 'salesforce');
  const allowedInstanceHosts = deps.sandbox === undefined ? undefined : [deps.sandbox.host];
  const auth = () =>
    new SalesforceAuth({
      clientId,
      clientSecret,
      redirectUri,
      apiVersion: deps.manifest.salesforce.apiVersion,
      ...(deps.sandbox === undefined ? {} : { loginUrl: deps.sandbox.baseUrl }),
      allowedInstanceHosts,
    });
  return {
    provider: 'salesforce',
    authorizeUrl: (state) => auth().authorizeUrl(state, deps.manifest.salesforce.oauthScopes),
    async exchange(code, state) {
      // The state was checked (signature, age, single use) before this call; jsforce wants it again.
      const org = await auth().exchangeCode({ code, state, expectedState: state });
      const tenantId = tenantIdOf(`sf:${org.orgId}`);
      let tokens = org.tokens;
      const connector = new SalesforceConnector({
        tenantId,
        tokens,
        // A refresh during provisioning: the newest tokens are the ones stored.
        onTokensRefreshed: (fresh) => {
          tokens = fresh;
        },
        clientId,
        clientSecret,
        redirectUri,
        logger: deps.logger.child({ tenantId }),
        manifest: deps.manifest,
        ...(deps.sandbox === undefined ? {} : { baseUrls: { login: deps.sandbox.baseUrl } }),
        ...(allowedInstanceHosts === undefined ? {} : { allowedInstanceHosts }),
      });
      return {
        tenantId,
        provider: 'salesforce',
        get tokens() {
          return tokens;
        },
        userId: org.userId,
        provision: async ({ webhookSecret }) => {
          const done = await provisionSalesforce(connector, {
            manifest: deps.manifest,
            installingUserId: org.userId,
          });
          // Only the package has the trigger that signs with it; an OAuth-only org gets nothing.
          if (done.namespace !== null) {
            await writePackageSettings(connector, {
              namespace: done.namespace,
              orgId: org.orgId,
              integrationUserId: org.userId,
              webhookSecret,
            });
          }
          return { namespace: done.namespace, created: done.created };
        },
      };
    },
    revoke: (tokens) => auth().revoke(tokens.refreshToken),
  };
}

function hubspotInstall(deps: Deps, clientId: string, clientSecret: string): InstallProvider {
  const redirectUri = redirectUriFor(deps, 'hubspot');
  const apiBase = deps.sandbox?.baseUrl;
  return {
    provider: 'hubspot',
    authorizeUrl: (state) =>
      buildHubspotAuthorizeUrl({
        clientId,
        redirectUri,
        scopes: deps.manifest.hubspot.oauthScopes,
        optionalScopes: deps.manifest.hubspot.optionalScopes,
        state,
        ...(apiBase === undefined ? {} : { authorizeBase: apiBase }),
      }),
    async exchange(code, state) {
      const tokens = await exchangeHubspotCode({
        clientId,
        clientSecret,
        redirectUri,
        ...(apiBase === undefined ? {} : { apiBase }),
        code,
        expectedState: state,
        receivedState: state,
      });
      const info = await fetchHubspotTokenInfo(tokens.accessToken, apiBase);
      const tenantId = tenantIdOf(`hs:${info.hubId}`);
      const connector = new HubspotConnector({
        tenantId,
        tokens,
        onTokensRefreshed: () => {},
        clientId,
        clientSecret,
        redirectUri,
        logger: deps.logger.child({ tenantId }),
        manifest: deps.manifest,
        ...(apiBase === undefined ? {} : { baseUrls: { api: apiBase } }),
      });
      return {
        tenantId,
        provider: 'hubspot',
        tokens,
        userId: null,
        provision: async () => ({ namespace: null, created: (await connector.ensureFields()).created }),
      };
    },
    revoke: (tokens) => revokeHubspotRefreshToken(tokens.refreshToken, apiBase),
  };
}

/** The OAuth clients the configuration has; the sandbox CRM accepts any client. */
export function installProviders(deps: Deps): Partial<Record<Provider, InstallProvider>> {
  const { config } = deps;
  const out: Partial<Record<Provider, InstallProvider>> = {};
  if (config.SALESFORCE_CLIENT_ID !== undefined && config.SALESFORCE_CLIENT_SECRET !== undefined) {
    out.salesforce = salesforceInstall(deps, config.SALESFORCE_CLIENT_ID, config.SALESFORCE_CLIENT_SECRET);
  }
  if (config.HUBSPOT_CLIENT_ID !== undefined && config.HUBSPOT_CLIENT_SECRET !== undefined) {
    out.hubspot = hubspotInstall(deps, config.HUBSPOT_CLIENT_ID, config.HUBSPOT_CLIENT_SECRET);
  }
  return out;
}
