import { describe, expect, it } from 'vitest';
import { getConnector } from '../registry.ts';
import { HubspotConnector } from './hubspot-connector.ts';
import { testContext } from './test-support.ts';

describe('connector registry', () => {
  it('picks the HubSpot connector for a hubspot tenant', () => {
    const connector = getConnector('hubspot', testContext());
    expect(connector).toBeInstanceOf(HubspotConnector);
    expect(connector.provider).toBe('hubspot');
  });
});
