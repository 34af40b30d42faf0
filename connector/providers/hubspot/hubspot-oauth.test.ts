import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHubspotFixture } from '../../../fixtures/hubspot/load-fixture.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { buildHubspotAuthorizeUrl, exchangeHubspotCode, fetchHubspotTokenInfo } from './hubspot-oauth.ts';
import { apiBase, testContext, unthrottledConnector } from './test-support.ts';

const state = 'signed-state-0123456789abcdef';
const batchRead = loadHubspotFixture('batch-read-emails-200.json');

/** nock hands a form body over already parsed into an object. */
function formOf(body: unknown): URLSearchParams {
  if (typeof body === 'string') return new URLSearchParams(body);
  return new URLSearchParams({ ...(body as Record<string, string>) });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('HubSpot OAuth', () => {
  it('builds the authorize URL with scopes, optional scopes and the state', () => {
    const url = new URL(
      buildHubspotAuthorizeUrl({
        clientId: 'client-id',
        redirectUri: 'https://app.leadscore.test/cb',
        scopes: ['oauth', 'crm.objects.contacts.read'],
        optionalScopes: ['sales-email-read'],
        state,
      }),
    );
    expect(url.origin + url.pathname).toBe('https://app.hubspot.com/oauth/authorize');
    expect(url.searchParams.get('scope')).toBe('oauth crm.objects.contacts.read');
    expect(url.searchParams.get('optional_scope')).toBe('sales-email-read');
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('redirect_uri')).toBe('https://app.leadscore.test/cb');
  });

  it('rejects a mismatched state before any token request is sent', async () => {
    const token = nock(apiBase)
      .post('/oauth/v1/token')
      .reply(200, loadHubspotFixture('oauth-token-response.json'));
    const input = { clientId: 'c', clientSecret: 's', redirectUri: 'https://x.test/cb', code: 'code-1' };
    for (const receivedState of ['signed-state-0123456789abcdeX', undefined, '']) {
      const error = await exchangeHubspotCode({ ...input, expectedState: state, receivedState }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('INVALID_INPUT');
    }
    expect(token.isDone()).toBe(false);
  });

  it('exchanges the code at /oauth/v1/token and dates the expiry from expires_in', async () => {
    let form = new URLSearchParams();
    nock(apiBase)
      .post('/oauth/v1/token', (body) => {
        form = formOf(body);
        return true;
      })
      .reply(200, loadHubspotFixture('oauth-token-response.json'));
    const before = Date.now();
    const tokens = await exchangeHubspotCode({
      clientId: 'client-id',
      clientSecret: 'client-secret',
      redirectUri: 'https://x.test/cb',
      code: 'code-1',
      expectedState: state,
      receivedState: state,
    });
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code')).toBe('code-1');
    expect(form.get('client_secret')).toBe('client-secret');
    expect(tokens.refreshToken).toBe('na1-6f0c-4d1e-9b2a-refresh-initial');
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 1_800_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 1_800_000);
  });

  it('reads the portal id of a token', async () => {
    nock(apiBase)
      .get(/\/oauth\/v1\/access-tokens\/.+/)
      .reply(200, loadHubspotFixture('oauth-access-token-info.json'));
    const info = await fetchHubspotTokenInfo('token');
    expect(info.hubId).toBe(2431623);
  });

  it('refreshes once for ten parallel calls after expiry and hands the new tokens over', async () => {
    const context = testContext({
      tokens: { accessToken: 'stale', refreshToken: 'refresh-1', expiresAt: Date.now() - 1_000 },
    });
    const connector = unthrottledConnector(context);
    const refresh = nock(apiBase)
      .post('/oauth/v1/token', (body) => formOf(body).get('refresh_token') === 'refresh-1')
      .once()
      .reply(200, loadHubspotFixture('oauth-token-refresh-response.json'));
    const authorizations: string[] = [];
    nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/read')
      .query(true)
      .matchHeader('authorization', (value) => {
        authorizations.push(String(value));
        return true;
      })
      .times(10)
      .reply(200, batchRead);
    await Promise.all(Array.from({ length: 10 }, (_, i) => connector.fetchLeads([String(i + 1)])));
    expect(refresh.isDone()).toBe(true);
    expect(connector.tokens.refreshCount).toBe(1);
    expect(context.refreshed).toHaveLength(1);
    expect(new Set(authorizations)).toEqual(
      new Set(['Bearer CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF5']),
    );
  });

  it('refreshes ahead of expiry: four minutes left is due, twenty minutes is not', async () => {
    const soon = testContext({
      tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 4 * 60_000 },
    });
    const later = testContext({
      tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 20 * 60_000 },
    });
    nock(apiBase)
      .post('/oauth/v1/token')
      .once()
      .reply(200, loadHubspotFixture('oauth-token-refresh-response.json'));
    nock(apiBase).post('/crm/v3/objects/contacts/batch/read').query(true).times(2).reply(200, batchRead);
    await unthrottledConnector(soon).fetchLeads(['1']);
    await unthrottledConnector(later).fetchLeads(['1']);
    expect(soon.refreshed).toHaveLength(1);
    expect(later.refreshed).toHaveLength(0);
  });

  it('reports a refused refresh (invalid_grant) as AUTH_REVOKED without calling the CRM', async () => {
    const fixture = loadHubspotFixture<{ status: number; body: object }>('errors/400-bad-refresh-token.json');
    nock(apiBase).post('/oauth/v1/token').reply(fixture.status, fixture.body);
    const crm = nock(apiBase).post('/crm/v3/objects/contacts/batch/read').query(true).reply(200, batchRead);
    const context = testContext({ tokens: { accessToken: 'a', refreshToken: 'revoked', expiresAt: 0 } });
    const error = await unthrottledConnector(context)
      .fetchLeads(['1'])
      .catch((e) => e);
    expect((error as ConnectorError).code).toBe('AUTH_REVOKED');
    expect((error as ConnectorError).context.vendorCode).toBe('BAD_REFRESH_TOKEN');
    expect(crm.isDone()).toBe(false);
    expect(context.refreshed).toHaveLength(0);
  });
});
