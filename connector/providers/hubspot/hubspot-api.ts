import { Client } from '@hubspot/api-client';
import type { ConnectorContext } from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import {
  hubspotDefaults,
  maxRateLimitWaits,
  maxTemporaryRetries,
  temporaryRetryBaseMs,
  tenSecondlyWindowMs,
} from './constants.ts';
import type { HubspotTokenManager } from './hubspot-oauth.ts';
import { parseHubspotError } from './parse-hubspot-error.ts';
import {
  type CallPacer,
  type Clock,
  callBucketFor,
  searchBucketFor,
  systemClock,
} from './search-rate-limiter.ts';

export interface HubspotApiOptions {
  clock?: Clock;
  /** The portal's IANA time zone when known; the DAILY limit resets at its midnight. */
  timeZone?: string;
  searchBucket?: CallPacer;
  /** Paces every other call (HubSpot: about 110 per 10 s per portal); per portal in-process by default. */
  callBucket?: CallPacer;
}

export interface CallOptions {
  /** Search endpoints share a separate, tighter per-portal budget. */
  search?: boolean;
  /** Only idempotent calls are retried after a 5xx or a network error. */
  retryTemporary?: boolean;
}

export interface RateLimitSnapshot {
  max: number;
  remaining: number;
  dailyMax?: number;
  dailyRemaining?: number;
}

/** Epoch ms until which a portal's calls fail fast after a DAILY 429, shared across instances. */
const pausedUntilByPortal = new Map<string, number>();

interface ResponseLike {
  headers?: Record<string, string>;
}

function numberHeader(headers: Record<string, string>, name: string): number | undefined {
  const value = headers[name];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Every HubSpot call goes through `call`: a fresh token, the portal's search budget, waits on
 * TEN_SECONDLY/SECONDLY 429s for as long as HubSpot says, a pause of the whole portal on DAILY, and
 * vendor errors mapped to ConnectorError.
 */
export class HubspotApi {
  /** Requests sent, by operation, for API-usage accounting and tests. */
  readonly callsByOperation = new Map<string, number>();
  calls = 0;
  rateLimit: RateLimitSnapshot | null = null;
  private client: Client | null = null;
  private clientToken = '';
  private readonly clock: Clock;
  private readonly searchBucket: CallPacer;
  private readonly callBucket: CallPacer;

  constructor(
    private readonly context: ConnectorContext,
    private readonly tokens: HubspotTokenManager,
    private readonly options: HubspotApiOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.searchBucket = options.searchBucket ?? searchBucketFor(context.tenantId, this.clock);
    this.callBucket = options.callBucket ?? callBucketFor(context.tenantId, this.clock);
  }

  private clientFor(accessToken: string): Client {
    if (this.client && this.clientToken === accessToken) return this.client;
    this.clientToken = accessToken;
    this.client = new Client({
      accessToken,
      basePath: this.context.baseUrls?.api ?? hubspotDefaults.apiBase,
    });
    return this.client;
  }

  /**
   * Per-call options that count each request and read the rate-limit headers of each response.
   * The SDK (13.5) ignores middleware given in its configuration and only runs middleware passed
   * with each call. Each API module declares its own, structurally identical option types, so the
   * value is typed `never` to fit all of them.
   */
  private requestOptions(operation: string): never {
    const middleware = {
      pre: async (request: unknown) => {
        this.calls += 1;
        this.callsByOperation.set(operation, (this.callsByOperation.get(operation) ?? 0) + 1);
        return request;
      },
      post: async (response: unknown) => {
        this.observe(response as ResponseLike);
        return response;
      },
    };
    return { middleware: [middleware], middlewareMergeStrategy: 'append' } as never;
  }

  private observe(response: ResponseLike): void {
    const headers = response.headers ?? {};
    const max = numberHeader(headers, 'x-hubspot-ratelimit-max');
    const remaining = numberHeader(headers, 'x-hubspot-ratelimit-remaining');
    if (max === undefined || remaining === undefined) return;
    this.rateLimit = {
      max,
      remaining,
      dailyMax: numberHeader(headers, 'x-hubspot-ratelimit-daily'),
      dailyRemaining: numberHeader(headers, 'x-hubspot-ratelimit-daily-remaining'),
    };
  }

  private throwIfPaused(operation: string): void {
    const until = pausedUntilByPortal.get(this.context.tenantId) ?? 0;
    const now = this.clock.now();
    if (now < until) {
      throw new ConnectorError('RATE_LIMITED', 'HubSpot daily limit reached: portal paused until the reset', {
        retryAfterMs: until - now,
        context: { provider: 'hubspot', tenantId: this.context.tenantId, operation, vendorCode: 'DAILY' },
      });
    }
  }

  async call<T>(
    operation: string,
    request: (client: Client, requestOptions: never) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    let rateLimitWaits = 0;
    let temporaryRetries = 0;
    for (;;) {
      this.throwIfPaused(operation);
      const client = this.clientFor(await this.tokens.accessToken());
      await (options.search ? this.searchBucket : this.callBucket).acquire();
      try {
        return await request(client, this.requestOptions(operation));
      } catch (error) {
        const parsed = parseHubspotError(error, {
          context: { tenantId: this.context.tenantId, operation },
          now: this.clock.now(),
          timeZone: this.options.timeZone,
        });
        const wait = parsed.retryAfterMs ?? tenSecondlyWindowMs;
        if (parsed.code === 'RATE_LIMITED') {
          if (parsed.context.vendorCode === 'DAILY') {
            pausedUntilByPortal.set(this.context.tenantId, this.clock.now() + wait);
            this.context.logger.warn(
              { tenantId: this.context.tenantId, waitMs: wait },
              'HubSpot daily limit: paused',
            );
            throw parsed;
          }
          if (rateLimitWaits >= maxRateLimitWaits) throw parsed;
          rateLimitWaits += 1;
          this.context.logger.info({ operation, waitMs: wait }, 'HubSpot rate limit: waiting as asked');
          await this.clock.sleep(wait);
          continue;
        }
        if (parsed.code === 'TEMPORARY' && options.retryTemporary !== false) {
          if (temporaryRetries >= maxTemporaryRetries) throw parsed;
          temporaryRetries += 1;
          await this.clock.sleep(parsed.retryAfterMs ?? temporaryRetryBaseMs * 2 ** (temporaryRetries - 1));
          continue;
        }
        throw parsed;
      }
    }
  }
}

/** Clears DAILY pauses; for tests that reuse a portal id. */
export function resetHubspotPauses(): void {
  pausedUntilByPortal.clear();
}
