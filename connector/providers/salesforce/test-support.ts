import '../../../test/support/promise-with-resolvers.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectorContext, OAuthTokens } from '../../../shared/crm-connector.ts';
import { createLogger } from '../../../shared/logger.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import type { Score } from '../../../shared/schemas/score.ts';
import { SalesforceConnector, type SalesforceConnectorOptions } from './salesforce-connector.ts';

/** Test-only wiring shared by the provider's nock tests. */

export const instanceUrl = 'https://acme.my.salesforce.com';
export const loginUrl = 'https://login.salesforce.com';
export const manifest = loadManifest();
export const apiBase = `/services/data/v${manifest.salesforce.apiVersion}`;
export const tenantId = 'sf:00D5g000004XyZ1EAK';

const fixtures = resolve(import.meta.dirname, '../../../fixtures/salesforce');
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(resolve(fixtures, name), 'utf8')) as T;
}
export function fixtureText(name: string): string {
  return readFileSync(resolve(fixtures, name), 'utf8');
}

export function testContext(overrides: Partial<ConnectorContext> = {}): ConnectorContext & {
  stored: OAuthTokens[];
} {
  const stored: OAuthTokens[] = [];
  return {
    tenantId,
    tokens: { accessToken: 'old-access', refreshToken: 'refresh-1', instanceUrl },
    onTokensRefreshed: (tokens) => {
      stored.push(tokens);
    },
    clientId: 'client-id',
    clientSecret: 'client-secret',
    redirectUri: 'https://app.leadscore.test/oauth/salesforce/callback',
    logger: createLogger({ level: 'silent' }),
    manifest,
    ...overrides,
    stored,
  };
}

export function testConnector(
  overrides: Partial<ConnectorContext> = {},
  options: SalesforceConnectorOptions = {},
): { connector: SalesforceConnector; context: ReturnType<typeof testContext> } {
  const context = testContext(overrides);
  return { connector: new SalesforceConnector(context, { bulkThreshold: Infinity, ...options }), context };
}

export function score(leadId: string, value = 72): Score {
  return {
    leadId,
    modelVersion: 'm-2026-03-01-1',
    score: value,
    probability: 0.2,
    tier: 'warm',
    segment: 'smb',
    factors: [
      { featureId: 'pricing_page_views_30d', label: 'Viewed pricing 4 times in 30 days', points: 12.46 },
    ],
    scoredAt: '2026-03-01T12:00:00.000Z',
  };
}

export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
