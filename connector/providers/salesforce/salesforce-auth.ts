import { createHash, timingSafeEqual } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import type { Transport } from 'jsforce/lib/transport.js';
import type { OAuthTokens } from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { validateRecord } from '../../../shared/schemas/validate.ts';
import { SingleFlight } from '../../http/single-flight.ts';
import { type TokenResponse, tokenResponseSchema } from './api-schemas.ts';
import { GuardedTransport, type GuardedTransportOptions } from './guarded-transport.ts';
import { assertSalesforceUrl } from './instance-url-guard.ts';
import { parseSalesforceError } from './parse-salesforce-error.ts';

export const defaultLoginUrl = 'https://login.salesforce.com';

export interface SalesforceAuthConfig extends GuardedTransportOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** https://login.salesforce.com, https://test.salesforce.com for sandboxes, or the sandbox CRM. */
  loginUrl?: string;
  apiVersion: string;
}

export interface InstalledOrg {
  tokens: OAuthTokens;
  orgId: string;
  userId: string;
}

/** Org and user ids from the token response's identity URL `.../id/<orgId>/<userId>`. */
function identityOf(token: TokenResponse): { orgId: string; userId: string } {
  const [, orgId, userId] = /\/id\/([^/]+)\/([^/]+)$/.exec(token.id) ?? [];
  // The response schema already required this shape; this only narrows the types.
  if (!orgId || !userId)
    throw new ConnectorError('UNKNOWN', `Unexpected Salesforce identity URL ${token.id}`);
  return { orgId, userId };
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so lengths match and the comparison time says nothing about the value.
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

/** OAuth web-server flow plus the jsforce connection with one in-flight refresh per tenant. */
export class SalesforceAuth {
  readonly transport: GuardedTransport;
  private readonly config: SalesforceAuthConfig;
  private readonly loginUrl: string;
  private readonly refreshFlight = new SingleFlight<OAuthTokens>();
  /** The domain error of the last failed refresh: jsforce rewraps it and loses its code. */
  lastRefreshError: ConnectorError | null = null;
  refreshCount = 0;
  /** The integration user the tokens act as, once known (stored tokens or a refresh). */
  userId: string | null = null;

  constructor(config: SalesforceAuthConfig) {
    this.config = config;
    this.transport = new GuardedTransport(config);
    this.loginUrl = assertSalesforceUrl(config.loginUrl ?? defaultLoginUrl, config);
  }

  private oauth2(): OAuth2 {
    const oauth2 = new OAuth2({
      loginUrl: this.loginUrl,
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      redirectUri: this.config.redirectUri,
    });
    oauth2._transport = this.transport as unknown as Transport;
    return oauth2;
  }

  /** The URL to send the admin to; `state` must be the caller's signed single-use value. */
  authorizeUrl(state: string, scopes: readonly string[]): string {
    if (state.length < 16) {
      throw new ConnectorError('INVALID_INPUT', 'OAuth state must be an unguessable value of 16+ characters');
    }
    return this.oauth2().getAuthorizationUrl({ state, scope: scopes.join(' ') });
  }

  /** Exchanges the callback's code; a `state` other than the one issued is refused before any call. */
  async exchangeCode(input: { code: string; state: string; expectedState: string }): Promise<InstalledOrg> {
    if (!input.state || !sameSecret(input.state, input.expectedState)) {
      throw new ConnectorError(
        'INVALID_INPUT',
        'OAuth state does not match the one issued: refusing the code',
        {
          context: { provider: 'salesforce', operation: 'exchange authorization code' },
        },
      );
    }
    let raw: unknown;
    try {
      raw = await this.oauth2().requestToken(input.code);
    } catch (error) {
      throw parseSalesforceError(error, { context: { operation: 'exchange authorization code' } });
    }
    const token = this.readTokenResponse(raw);
    const { orgId, userId } = identityOf(token);
    if (!token.refresh_token) {
      throw new ConnectorError(
        'INVALID_INPUT',
        'Salesforce returned no refresh token: add the refresh_token scope',
      );
    }
    return {
      orgId,
      userId,
      tokens: {
        accessToken: token.access_token,
        refreshToken: token.refresh_token,
        instanceUrl: assertSalesforceUrl(token.instance_url, this.config),
        userId,
      },
    };
  }

  private readTokenResponse(raw: unknown): TokenResponse {
    const result = validateRecord(tokenResponseSchema, raw);
    if (!result.ok) {
      const detail = result.problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ');
      throw new ConnectorError('UNKNOWN', `Unexpected Salesforce token response (${detail})`);
    }
    // Checked here, before the access token is ever sent to the instance.
    assertSalesforceUrl(result.value.instance_url, this.config);
    return result.value;
  }

  /** Refreshes once for any number of concurrent callers; new tokens go to `onRefreshed` first. */
  refresh(
    current: OAuthTokens,
    onRefreshed: (tokens: OAuthTokens) => Promise<void> | void,
  ): Promise<OAuthTokens> {
    return this.refreshFlight.run(async () => {
      this.refreshCount++;
      try {
        const token = this.readTokenResponse(await this.oauth2().refreshToken(current.refreshToken));
        const tokens: OAuthTokens = {
          accessToken: token.access_token,
          // With refresh-token rotation Salesforce returns a new one; otherwise the old one stays valid.
          refreshToken: token.refresh_token ?? current.refreshToken,
          instanceUrl: assertSalesforceUrl(token.instance_url, this.config),
          userId: identityOf(token).userId,
        };
        this.userId = tokens.userId ?? this.userId;
        await onRefreshed(tokens);
        this.lastRefreshError = null;
        return tokens;
      } catch (error) {
        this.lastRefreshError = parseSalesforceError(error, {
          context: { operation: 'refresh access token' },
        });
        throw this.lastRefreshError;
      }
    });
  }

  /**
   * Revokes a token at the login host (`POST /services/oauth2/revoke`): revoking the refresh token
   * ends the whole grant, its access tokens included. Used on uninstall.
   */
  async revoke(token: string): Promise<void> {
    try {
      await this.oauth2().revokeToken(token);
    } catch (error) {
      throw parseSalesforceError(error, { context: { operation: 'revoke token' } });
    }
  }

  /** A jsforce connection for a tenant whose tokens were stored at install. */
  connect(tokens: OAuthTokens, onRefreshed: (tokens: OAuthTokens) => Promise<void> | void): Connection {
    if (!tokens.instanceUrl) {
      throw new ConnectorError('INVALID_INPUT', 'Salesforce tenant has no instance URL: reinstall the app');
    }
    const instanceUrl = assertSalesforceUrl(tokens.instanceUrl, this.config);
    this.userId = tokens.userId ?? this.userId;
    let current: OAuthTokens = { ...tokens, instanceUrl };
    const connection = new Connection({
      oauth2: this.oauth2(),
      version: this.config.apiVersion,
      instanceUrl,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      refreshFn: (conn, callback) => {
        this.refresh(current, onRefreshed).then(
          (fresh) => {
            current = fresh;
            conn.instanceUrl = fresh.instanceUrl ?? conn.instanceUrl;
            conn.refreshToken = fresh.refreshToken;
            callback(null, fresh.accessToken);
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    connection._transport = this.transport as unknown as Transport;
    return connection;
  }
}
