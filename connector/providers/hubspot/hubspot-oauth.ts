import { timingSafeEqual } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import type { ConnectorContext, OAuthTokens } from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { SingleFlight } from '../../http/single-flight.ts';
import { hubspotDefaults, refreshAheadMs } from './constants.ts';
import { parseHubspotError } from './parse-hubspot-error.ts';
import { type Clock, systemClock } from './search-rate-limiter.ts';

export interface AuthorizeUrlInput {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  optionalScopes?: string[];
  /** Signed single-use value the callback must echo back. */
  state: string;
  /** Overrides https://app.hubspot.com for the sandbox CRM. */
  authorizeBase?: string;
}

export function buildHubspotAuthorizeUrl(input: AuthorizeUrlInput): string {
  if (input.state.length < 16) {
    throw new ConnectorError(
      'INVALID_INPUT',
      'OAuth state must be at least 16 characters of signed randomness',
      {
        context: { provider: 'hubspot', operation: 'build authorize URL' },
      },
    );
  }
  const url = new URL('/oauth/authorize', input.authorizeBase ?? hubspotDefaults.authorizeBase);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', input.scopes.join(' '));
  if (input.optionalScopes && input.optionalScopes.length > 0) {
    url.searchParams.set('optional_scope', input.optionalScopes.join(' '));
  }
  url.searchParams.set('state', input.state);
  return url.toString();
}

/** Constant-time comparison of the state we issued with the one the callback carried. */
export function stateMatches(expected: string, received: string | undefined | null): boolean {
  if (typeof received !== 'string' || received.length === 0) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface TokenEndpointInput {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Overrides https://api.hubapi.com for the sandbox CRM. */
  apiBase?: string;
  clock?: Clock;
}

interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

function toTokens(response: TokenResponse, now: number): OAuthTokens {
  return {
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    expiresAt: now + response.expiresIn * 1000,
  };
}

function oauthClient(apiBase: string | undefined): Client {
  return new Client({ basePath: apiBase ?? hubspotDefaults.apiBase });
}

/**
 * Completes the install: refuses a missing or mismatched `state` before anything is sent, then
 * exchanges the code at /oauth/v1/token.
 */
export async function exchangeHubspotCode(
  input: TokenEndpointInput & {
    code: string;
    expectedState: string;
    receivedState: string | undefined | null;
  },
): Promise<OAuthTokens> {
  if (!stateMatches(input.expectedState, input.receivedState)) {
    throw new ConnectorError('INVALID_INPUT', 'OAuth state is missing or does not match the one issued', {
      context: { provider: 'hubspot', operation: 'exchange authorization code' },
    });
  }
  const clock = input.clock ?? systemClock;
  try {
    const response = await oauthClient(input.apiBase).oauth.tokensApi.create(
      'authorization_code',
      input.code,
      input.redirectUri,
      input.clientId,
      input.clientSecret,
    );
    return toTokens(response, clock.now());
  } catch (error) {
    throw parseHubspotError(error, { context: { operation: 'exchange authorization code' } });
  }
}

/** The portal (hub id) and scopes a token belongs to; the tenant id is `hs:<hubId>`. */
export async function fetchHubspotTokenInfo(
  accessToken: string,
  apiBase?: string,
): Promise<{ hubId: number; scopes: string[] }> {
  try {
    const info = await oauthClient(apiBase).oauth.accessTokensApi.get(accessToken);
    return { hubId: info.hubId, scopes: info.scopes };
  } catch (error) {
    throw parseHubspotError(error, { context: { operation: 'read access token info' } });
  }
}

/**
 * Holds a tenant's tokens and refreshes them ahead of expiry. Parallel callers that find the token
 * due share one refresh; the new tokens go to `onTokensRefreshed` before anyone uses them.
 */
export class HubspotTokenManager {
  private tokens: OAuthTokens;
  private readonly refreshes = new SingleFlight<OAuthTokens>();
  refreshCount = 0;

  constructor(
    private readonly context: ConnectorContext,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = { ...context.tokens };
  }

  private isDue(): boolean {
    // Without a known expiry the token's age is unknown: refresh before first use.
    if (this.tokens.expiresAt === undefined) return true;
    return this.clock.now() >= this.tokens.expiresAt - refreshAheadMs;
  }

  async accessToken(): Promise<string> {
    if (this.isDue()) await this.refreshes.run(() => this.refresh());
    return this.tokens.accessToken;
  }

  private async refresh(): Promise<OAuthTokens> {
    const { clientId, clientSecret, redirectUri, baseUrls } = this.context;
    this.refreshCount += 1;
    let response: TokenResponse;
    try {
      response = await oauthClient(baseUrls?.api).oauth.tokensApi.create(
        'refresh_token',
        undefined,
        redirectUri,
        clientId,
        clientSecret,
        this.tokens.refreshToken,
      );
    } catch (error) {
      throw parseHubspotError(error, {
        context: { tenantId: this.context.tenantId, operation: 'refresh access token' },
      });
    }
    const next = toTokens(response, this.clock.now());
    await this.context.onTokensRefreshed(next);
    this.tokens = next;
    this.context.logger.info({ tenantId: this.context.tenantId }, 'HubSpot access token refreshed');
    return next;
  }
}

/**
 * Deletes a refresh token (`DELETE /oauth/v1/refresh-tokens/:token`): the app loses access to the
 * portal and the token can no longer be refreshed. Used on uninstall.
 */
export async function revokeHubspotRefreshToken(refreshToken: string, apiBase?: string): Promise<void> {
  const url = new URL(
    `/oauth/v1/refresh-tokens/${encodeURIComponent(refreshToken)}`,
    apiBase ?? hubspotDefaults.apiBase,
  );
  let response: Response;
  try {
    response = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw parseHubspotError(error, { context: { operation: 'revoke refresh token' } });
  }
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as { status?: string; message?: string };
  throw new ConnectorError(
    response.status === 401 || response.status === 403 || response.status === 404
      ? 'AUTH_REVOKED'
      : 'UNKNOWN',
    `HubSpot refused to revoke the refresh token (${response.status}${body.status ? ` ${body.status}` : ''})`,
    { context: { provider: 'hubspot', operation: 'revoke refresh token', httpStatus: response.status } },
  );
}
