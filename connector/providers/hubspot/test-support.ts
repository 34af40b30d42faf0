import '../../../test/support/promise-with-resolvers.ts';
import pino from 'pino';
import type { ConnectorContext, OAuthTokens } from '../../../shared/crm-connector.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import type { Score } from '../../../shared/schemas/score.ts';
import { HubspotConnector } from './hubspot-connector.ts';
import { RollingTokenBucket } from './search-rate-limiter.ts';

export const apiBase = 'https://api.hubapi.com';
export const tenantId = 'hs:2431623';

export function testContext(overrides: Partial<ConnectorContext> = {}): ConnectorContext & {
  refreshed: OAuthTokens[];
} {
  const refreshed: OAuthTokens[] = [];
  return {
    tenantId,
    tokens: { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: Date.now() + 30 * 60_000 },
    onTokensRefreshed: (tokens) => {
      refreshed.push(tokens);
    },
    clientId: 'client-id',
    clientSecret: 'client-secret',
    redirectUri: 'https://app.leadscore.test/oauth/hubspot/callback',
    logger: pino({ level: 'silent' }),
    manifest: loadManifest(),
    ...overrides,
    refreshed,
  };
}

/** A connector whose budgets never wait, for tests about paging rather than pacing. */
export function unthrottledConnector(context: ConnectorContext = testContext()): HubspotConnector {
  return new HubspotConnector(context, {
    searchBucket: new RollingTokenBucket(1_000_000, 1),
    callBucket: new RollingTokenBucket(1_000_000, 1),
  });
}

export interface FakeContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export function fakeContact(
  id: number,
  modifiedAt: string,
  properties: Record<string, string | null> = {},
): FakeContact {
  return {
    id: String(id),
    properties: {
      email: `person${id}@example.com`,
      firstname: `First${id}`,
      lastname: `Last${id}`,
      company: 'Example Corp',
      hs_email_domain: 'example.com',
      createdate: '2026-01-01T00:00:00.000Z',
      lastmodifieddate: modifiedAt,
      hs_object_id: String(id),
      ...properties,
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: modifiedAt,
    archived: false,
  };
}

interface SearchBody {
  filterGroups: { filters: { propertyName: string; operator: string; value?: string }[] }[];
  sorts: { propertyName: string; direction: string }[];
  limit: number;
  after?: string;
}

/**
 * Answers a contact search over `contacts` as HubSpot does: GTE filter on lastmodifieddate, sorted
 * ascending (stable by id), offset paging with `after` strings, 400 past 10,000 results.
 */
export function answerSearch(contacts: FakeContact[], body: SearchBody): [number, unknown] {
  const filter = body.filterGroups[0]?.filters[0];
  const since = Number(filter?.value ?? 0);
  const matching = contacts
    .filter((contact) => Date.parse(contact.properties.lastmodifieddate ?? '') >= since)
    .sort(
      (a, b) =>
        Date.parse(a.properties.lastmodifieddate ?? '') - Date.parse(b.properties.lastmodifieddate ?? '') ||
        Number(a.id) - Number(b.id),
    );
  const offset = Number(body.after ?? '0');
  if (offset + body.limit > 10_000) {
    return [
      400,
      {
        status: 'error',
        message: 'The search endpoints are limited to 10,000 total results for any given query.',
        correlationId: 'c0',
        category: 'VALIDATION_ERROR',
      },
    ];
  }
  const results = matching.slice(offset, offset + body.limit);
  const next = offset + body.limit < matching.length ? String(offset + body.limit) : undefined;
  return [
    200,
    {
      total: matching.length,
      results,
      ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
    },
  ];
}

export function testScore(leadId: string, score = 80): Score {
  return {
    leadId,
    modelVersion: 'm-2026-02-01',
    score,
    probability: 0.4,
    tier: 'hot',
    segment: 'default',
    factors: [{ featureId: 'pricing_views', label: 'Viewed pricing 3 times', points: 12.34 }],
    scoredAt: '2026-02-05T10:00:00.000Z',
  };
}
