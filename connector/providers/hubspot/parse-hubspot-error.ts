import {
  ConnectorError,
  type ConnectorErrorCode,
  type ConnectorErrorContext,
  isConnectorError,
} from '../../../shared/errors.ts';
import { transientNetworkErrorCodes } from '../../http/network-errors.ts';
import { secondlyWindowMs, tenSecondlyWindowMs } from './constants.ts';

/** What HubSpot answered, whatever carried it: the SDK's ApiException, a fixture, a raw response. */
export interface HubspotErrorResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface ParseOptions {
  context?: ConnectorErrorContext;
  /** Epoch ms; the DAILY reset is computed from it. */
  now?: number;
  /** The portal's time zone (IANA); HubSpot resets the daily limit at its midnight. */
  timeZone?: string;
}

const categoryCodes: Record<string, ConnectorErrorCode> = {
  EXPIRED_AUTHENTICATION: 'AUTH_REVOKED',
  INVALID_AUTHENTICATION: 'AUTH_REVOKED',
  MISSING_SCOPES: 'AUTH_REVOKED',
  BAD_REFRESH_TOKEN: 'AUTH_REVOKED',
  invalid_grant: 'AUTH_REVOKED',
  BAD_CLIENT_ID: 'AUTH_REVOKED',
  invalid_client: 'AUTH_REVOKED',
  OBJECT_NOT_FOUND: 'NOT_FOUND',
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  VALIDATION_ERROR: 'INVALID_INPUT',
  PROPERTY_DOESNT_EXIST: 'INVALID_INPUT',
  INVALID_EMAIL: 'INVALID_INPUT',
  BAD_AUTH_CODE: 'INVALID_INPUT',
  EXPIRED_AUTH_CODE: 'INVALID_INPUT',
  BAD_REDIRECT_URI: 'INVALID_INPUT',
  CONFLICT: 'INVALID_INPUT',
  OBJECT_ALREADY_EXISTS: 'INVALID_INPUT',
  RATE_LIMITS: 'RATE_LIMITED',
  RATE_LIMIT: 'RATE_LIMITED',
  LOCKED: 'TEMPORARY',
  INTERNAL_ERROR: 'TEMPORARY',
  TIMEOUT: 'TEMPORARY',
};

/** A 423 LOCKED clears after about two seconds, by HubSpot's own account. */
const lockedWaitMs = 2_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringField(value: Record<string, unknown>, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return isRecord(parsed) ? parsed : { message: body };
    } catch {
      return { message: body };
    }
  }
  return isRecord(body) ? body : {};
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function retryAfterHeaderMs(headers: Record<string, string>): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter === undefined || !/^\d+(\.\d+)?$/.test(retryAfter.trim())) return undefined;
  return Math.ceil(Number(retryAfter) * 1000);
}

/**
 * The wait a 429 asked for: Retry-After (seconds) first, then the rolling window's length. The
 * window header comes with every response, so it means a wait only on a 429.
 */
export function headerWaitMs(headers: Record<string, string>): number | undefined {
  const retryAfter = retryAfterHeaderMs(headers);
  if (retryAfter !== undefined) return retryAfter;
  const interval = header(headers, 'x-hubspot-ratelimit-interval-milliseconds');
  if (interval !== undefined && /^\d+$/.test(interval.trim())) return Number(interval);
  return undefined;
}

/** Milliseconds until the next midnight in `timeZone` (UTC unless the portal's zone is known). */
export function msUntilDailyReset(now: number, timeZone = 'UTC'): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(now));
  const part = (type: string) => Number(parts.find((item) => item.type === type)?.value ?? 0);
  const elapsed = ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + (now % 1000);
  return 86_400_000 - elapsed;
}

/** Reads the status, body and headers from the SDK's ApiException or an equivalent shape. */
export function readHubspotResponse(error: unknown): HubspotErrorResponse | null {
  if (!isRecord(error)) return null;
  const status = typeof error.code === 'number' ? error.code : error.status;
  if (typeof status !== 'number' || status < 100) return null;
  const headers = isRecord(error.headers) ? (error.headers as Record<string, string>) : {};
  return { status, body: error.body, headers };
}

function networkCode(error: unknown): string | undefined {
  if (!isRecord(error)) return undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && transientNetworkErrorCodes.has(code)) return code;
  if (error.type === 'system' || error.type === 'request-timeout') return code ?? String(error.type);
  if (error.name === 'AbortError') return 'ABORTED';
  return isRecord(error.cause) ? networkCode(error.cause) : undefined;
}

function rateLimited(response: HubspotErrorResponse, policy: string | undefined, options: ParseOptions) {
  const message = `HubSpot rate limit ${policy ?? 'reached'}`;
  if (policy === 'DAILY') {
    const retryAfterMs = msUntilDailyReset(options.now ?? Date.now(), options.timeZone);
    return { message: `${message}: the daily quota resets at midnight`, retryAfterMs };
  }
  const fallback = policy === 'SECONDLY' ? secondlyWindowMs : tenSecondlyWindowMs;
  return { message, retryAfterMs: headerWaitMs(response.headers) ?? fallback };
}

function classify(status: number, vendorCode: string | undefined, message: string): ConnectorErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  // Paging a search past its 10,000 results: the caller must restart its window.
  if (status === 400 && /10,?000/.test(message)) return 'CURSOR_INVALID';
  const known = vendorCode ? categoryCodes[vendorCode] : undefined;
  if (known) return known;
  if (status === 401 || status === 403) return 'AUTH_REVOKED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408 || status === 423 || status >= 500) return 'TEMPORARY';
  if (status === 400 || status === 409 || status === 413 || status === 414 || status === 422) {
    return 'INVALID_INPUT';
  }
  return 'UNKNOWN';
}

/** Maps a HubSpot error payload (or a network failure) to the one domain error the worker decides on. */
export function parseHubspotResponse(
  response: HubspotErrorResponse,
  options: ParseOptions = {},
): ConnectorError {
  const body = parseBody(response.body);
  const policy = stringField(body, 'policyName');
  // OAuth errors carry `status: BAD_REFRESH_TOKEN` and `error: invalid_grant`; CRM errors a `category`.
  const oauthStatus = stringField(body, 'status');
  const vendorCode =
    policy ??
    (oauthStatus && oauthStatus !== 'error' ? oauthStatus : undefined) ??
    stringField(body, 'error') ??
    stringField(body, 'category') ??
    stringField(body, 'errorType');
  const message =
    stringField(body, 'message') ?? stringField(body, 'error_description') ?? `HTTP ${response.status}`;
  const code = classify(response.status, vendorCode, message);
  const context: ConnectorErrorContext = {
    provider: 'hubspot',
    ...options.context,
    vendorCode,
    httpStatus: response.status,
  };
  if (code === 'RATE_LIMITED') {
    const limit = rateLimited(response, policy, options);
    return new ConnectorError(code, `${limit.message}: ${message}`, {
      retryAfterMs: limit.retryAfterMs,
      context,
    });
  }
  const retryAfterMs =
    response.status === 423
      ? lockedWaitMs
      : code === 'TEMPORARY'
        ? retryAfterHeaderMs(response.headers)
        : undefined;
  return new ConnectorError(code, `HubSpot ${response.status} ${vendorCode ?? ''}: ${message}`.trim(), {
    retryAfterMs,
    context,
  });
}

export function parseHubspotError(error: unknown, options: ParseOptions = {}): ConnectorError {
  if (isConnectorError(error)) return error;
  const response = readHubspotResponse(error);
  if (response) return parseHubspotResponse(response, options);
  const network = networkCode(error);
  const context: ConnectorErrorContext = { provider: 'hubspot', ...options.context, vendorCode: network };
  if (network) {
    return new ConnectorError('TEMPORARY', `HubSpot unreachable (${network})`, { context, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError('UNKNOWN', `HubSpot call failed: ${message}`, { context, cause: error });
}
