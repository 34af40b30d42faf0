import { hubspotDefaults } from '../../providers/hubspot/constants.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import type { ConnectorTokens } from './role-resolver.ts';

/**
 * The tenant's CRM access from the store: its sealed tokens opened, with the sandbox CRM's base URL
 * when the server runs against it. The worker keeps the tokens fresh; an expired one makes the role
 * lookup fail, and the caller is then a rep until the next lookup.
 */
export function connectorTokensFromStore(
  deps: Pick<ServerDependencies, 'store' | 'manifest' | 'sandbox'>,
): ConnectorTokens {
  return async (tenantId) => {
    const tenant = await deps.store.tenants.get(tenantId);
    if (tenant === undefined) return undefined;
    const tokens = await deps.store.tenants.tokens(tenantId);
    if (tokens === undefined) return undefined;
    if (tenant.provider === 'hubspot') {
      return {
        provider: 'hubspot',
        accessToken: tokens.accessToken,
        apiBase: deps.sandbox?.baseUrl ?? hubspotDefaults.apiBase,
      };
    }
    const instanceUrl = tenant.instanceUrl ?? deps.sandbox?.baseUrl;
    if (instanceUrl === undefined || instanceUrl === null) return undefined;
    return {
      provider: 'salesforce',
      accessToken: tokens.accessToken,
      instanceUrl,
      apiVersion: deps.manifest.salesforce.apiVersion,
      ...(deps.sandbox === undefined ? {} : { allowedInstanceHosts: [deps.sandbox.host] }),
    };
  };
}
