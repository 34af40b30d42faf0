import type { Provider } from '../../shared/schemas/common.ts';

/**
 * Records per CRM call: Salesforce sObject Collections take at most 200, HubSpot batch
 * update and batch create at most 100.
 */
export const recordsPerCall: Record<Provider, number> = { salesforce: 200, hubspot: 100 };
