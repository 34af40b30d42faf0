import type { ConnectorContext, ConnectorFactory, CrmConnector } from '../../shared/crm-connector.ts';
import type { Provider } from '../../shared/schemas/common.ts';
import { createHubspotConnector } from './hubspot/hubspot-connector.ts';
import { createSalesforceConnector } from './salesforce/salesforce-connector.ts';

const factories = new Map<Provider, ConnectorFactory>();

/** Providers register themselves at import; see connector/providers/index.ts. */
export function registerConnector(provider: Provider, factory: ConnectorFactory): void {
  factories.set(provider, factory);
}

/** Picks the implementation for a tenant's provider; an unknown provider is a programming error. */
export function getConnector(provider: string, context: ConnectorContext): CrmConnector {
  const factory = factories.get(provider as Provider);
  if (!factory) {
    throw new Error(
      `No CRM connector for provider "${provider}": expected one of ${[...factories.keys()].join(', ') || '(none registered)'}`,
    );
  }
  return factory(context);
}

registerConnector('salesforce', createSalesforceConnector);
registerConnector('hubspot', createHubspotConnector);
