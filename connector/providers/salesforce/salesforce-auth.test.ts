import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../shared/errors.ts';
import { assertSalesforceUrl } from './instance-url-guard.ts';
import { SalesforceAuth } from './salesforce-auth.ts';
import { apiBase, fixture, instanceUrl, loginUrl, manifest, testConnector } from './test-support.ts';

const authConfig = {
  clientId: 'client-id',
  clientSecret: 'client-secret',
  redirectUri: 'https://app.leadscore.test/oauth/salesforce/callback',
  apiVersion: manifest.salesforce.apiVersion,
};
const state = 'state-0123456789abcdef';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('Salesforce OAuth web-server flow', () => {
  it('builds the authorize URL with the given state, scopes and redirect URI', () => {
    const url = new URL(new SalesforceAuth(authConfig).authorizeUrl(state, ['api', 'refresh_token']));
    expect(url.origin + url.pathname).toBe(`${loginUrl}/services/oauth2/authorize`);
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')).toBe('api refresh_token');
    expect(url.searchParams.get('redirect_uri')).toBe(authConfig.redirectUri);
  });

  it('rejects a callback whose state differs from the one issued, without calling Salesforce', async () => {
    const token = nock(loginUrl).post('/services/oauth2/token').reply(200, fixture('token-response.json'));
    const exchange = new SalesforceAuth(authConfig).exchangeCode({
      code: 'c',
      state: `${state}x`,
      expectedState: state,
    });
    await expect(exchange).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /state does not match/ });
    expect(token.isDone()).toBe(false);
  });

  it('exchanges the code for tokens, the instance URL and the org id', async () => {
    let sentBody = '';
    nock(loginUrl)
      .post('/services/oauth2/token', (body: Record<string, string>) => {
        sentBody = new URLSearchParams(body).toString();
        return true;
      })
      .reply(200, fixture('token-response.json'));
    const org = await new SalesforceAuth(authConfig).exchangeCode({
      code: 'the-code',
      state,
      expectedState: state,
    });
    expect(sentBody).toContain('grant_type=authorization_code');
    expect(sentBody).toContain('code=the-code');
    expect(org.orgId).toBe('00D5g000004XyZ1EAK');
    expect(org.tokens.instanceUrl).toBe(instanceUrl);
    expect(org.tokens.refreshToken).toMatch(/^5Aep861/);
  });

  it('refreshes once for eight parallel calls after the access token expired', async () => {
    const { connector, context } = testConnector();
    const expired = nock(instanceUrl)
      .matchHeader('authorization', 'Bearer old-access')
      .get(`${apiBase}/limits`)
      .times(8)
      .reply(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const refresh = nock(loginUrl)
      .post('/services/oauth2/token', (body: Record<string, string>) => body.grant_type === 'refresh_token')
      .delay(50)
      .reply(200, fixture('refresh-token-response.json'));
    const fresh = nock(instanceUrl)
      .matchHeader('authorization', /Bearer 00D5g000004XyZ1!AQ0AQNew/)
      .get(`${apiBase}/limits`)
      .times(8)
      .reply(200, { DailyApiRequests: { Max: 5000, Remaining: 4982 } });
    const calls = Array.from({ length: 8 }, () =>
      connector.client.request({ method: 'GET', url: `${apiBase}/limits` }, 'read limits'),
    );
    const answers = await Promise.all(calls);
    expect(answers).toHaveLength(8);
    expect(connector.auth.refreshCount).toBe(1);
    expect(context.stored).toHaveLength(1);
    expect(context.stored[0]).toMatchObject({ refreshToken: 'refresh-1', instanceUrl });
    expect(expired.isDone() && refresh.isDone() && fresh.isDone()).toBe(true);
  });

  it('maps a revoked refresh token (invalid_grant) to AUTH_REVOKED', async () => {
    const { connector } = testConnector();
    nock(instanceUrl)
      .get(`${apiBase}/limits`)
      .reply(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    nock(loginUrl)
      .post('/services/oauth2/token')
      .reply(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    const call = connector.client.request({ method: 'GET', url: `${apiBase}/limits` }, 'read limits');
    await expect(call).rejects.toMatchObject({ code: 'AUTH_REVOKED' });
  });
});

describe('instance URL checks (SSRF)', () => {
  it.each([
    'https://evil.example',
    'https://169.254.169.254',
    'https://x.my.salesforce.com.evil.example',
    'https://acme.my.salesforce.com@evil.example',
    'https://acme.my.salesforce.com:8443',
    'http://acme.my.salesforce.com',
    'https://[::1]',
    'https://evilsalesforce.com',
    'https://127.0.0.1:4000',
  ])('refuses %s', (url) => {
    expect(() => assertSalesforceUrl(url)).toThrow(ConnectorError);
  });

  it.each([
    'https://acme.my.salesforce.com',
    'https://acme--uat.sandbox.my.salesforce.com',
    'https://na42.salesforce.com',
    'https://acme.lightning.force.com',
    'https://agency.my.salesforce.mil',
  ])('accepts %s', (url) => {
    expect(assertSalesforceUrl(url)).toBe(url);
  });

  it('accepts the sandbox CRM only when its host is explicitly allowed', () => {
    expect(() => assertSalesforceUrl('http://127.0.0.1:4000')).toThrow(/IP addresses|https/);
    expect(assertSalesforceUrl('http://127.0.0.1:4000', { allowedInstanceHosts: ['127.0.0.1:4000'] })).toBe(
      'http://127.0.0.1:4000',
    );
    expect(() =>
      assertSalesforceUrl('http://127.0.0.1:4001', { allowedInstanceHosts: ['127.0.0.1:4000'] }),
    ).toThrow();
  });

  it.each(['https://evil.example', 'https://x.my.salesforce.com.evil.example'])(
    'refuses a token response whose instance_url is %s before any token is sent there',
    async (evil) => {
      const trap = nock(evil).get(/.*/).reply(200, {});
      nock(loginUrl)
        .post('/services/oauth2/token')
        .reply(200, { ...fixture<Record<string, unknown>>('token-response.json'), instance_url: evil });
      const exchange = new SalesforceAuth(authConfig).exchangeCode({
        code: 'c',
        state,
        expectedState: state,
      });
      await expect(exchange).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(trap.isDone()).toBe(false);
    },
  );

  it('refuses a stored instance URL on 169.254.169.254 before connecting', () => {
    expect(() =>
      testConnector({
        tokens: { accessToken: 'a', refreshToken: 'r', instanceUrl: 'https://169.254.169.254' },
      }),
    ).toThrow(/IP addresses/);
  });

  it('refuses to follow a redirect to an internal address with the token', async () => {
    const { connector } = testConnector();
    nock(instanceUrl)
      .get(`${apiBase}/limits`)
      .reply(302, '', { location: 'http://169.254.169.254/latest/meta-data/' });
    const trap = nock('http://169.254.169.254').get(/.*/).reply(200, 'secret');
    const call = connector.client.request({ method: 'GET', url: `${apiBase}/limits` }, 'read limits');
    await expect(call).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(trap.isDone()).toBe(false);
  });

  it('refuses a refresh that moves the org to a foreign instance URL', async () => {
    const { connector, context } = testConnector();
    nock(instanceUrl)
      .get(`${apiBase}/limits`)
      .reply(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    nock(loginUrl)
      .post('/services/oauth2/token')
      .reply(200, {
        ...fixture<Record<string, unknown>>('refresh-token-response.json'),
        instance_url: 'https://evil.example',
      });
    const trap = nock('https://evil.example').get(/.*/).reply(200, {});
    const call = connector.client.request({ method: 'GET', url: `${apiBase}/limits` }, 'read limits');
    await expect(call).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(trap.isDone()).toBe(false);
    expect(context.stored).toHaveLength(0);
  });

  it('lets a real My Domain instance through', async () => {
    const { connector } = testConnector();
    const real = nock(instanceUrl).get(`${apiBase}/limits`).reply(200, {});
    await connector.client.request({ method: 'GET', url: `${apiBase}/limits` }, 'read limits');
    expect(real.isDone()).toBe(true);
  });
});
