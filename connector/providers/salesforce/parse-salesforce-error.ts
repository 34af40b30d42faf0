import {
  ConnectorError,
  type ConnectorErrorCode,
  type ConnectorErrorContext,
  isConnectorError,
} from '../../../shared/errors.ts';
import { transientNetworkErrorCodes } from '../../http/network-errors.ts';

/** Salesforce error codes (REST `errorCode`, per-record `statusCode`, OAuth `error`) by domain code. */
const codesByVendorCode: Record<string, ConnectorErrorCode> = {
  INVALID_SESSION_ID: 'AUTH_REVOKED',
  INVALID_AUTH_HEADER: 'AUTH_REVOKED',
  API_DISABLED_FOR_ORG: 'AUTH_REVOKED',
  API_CURRENTLY_DISABLED: 'AUTH_REVOKED',
  invalid_grant: 'AUTH_REVOKED',
  invalid_client: 'AUTH_REVOKED',
  invalid_client_id: 'AUTH_REVOKED',
  inactive_user: 'AUTH_REVOKED',
  inactive_org: 'AUTH_REVOKED',
  unauthorized_client: 'AUTH_REVOKED',
  REQUEST_LIMIT_EXCEEDED: 'RATE_LIMITED',
  UNABLE_TO_LOCK_ROW: 'TEMPORARY',
  SERVER_UNAVAILABLE: 'TEMPORARY',
  QUERY_TIMEOUT: 'TEMPORARY',
  REQUEST_RUNNING_TOO_LONG: 'TEMPORARY',
  UNKNOWN_EXCEPTION: 'TEMPORARY',
  temporarily_unavailable: 'TEMPORARY',
  NOT_FOUND: 'NOT_FOUND',
  ENTITY_IS_DELETED: 'NOT_FOUND',
  INVALID_CROSS_REFERENCE_KEY: 'NOT_FOUND',
  INVALID_QUERY_LOCATOR: 'CURSOR_INVALID',
  INVALID_REPLICATION_DATE: 'CURSOR_INVALID',
  INVALID_FIELD: 'INVALID_INPUT',
  MALFORMED_QUERY: 'INVALID_INPUT',
  MALFORMED_ID: 'INVALID_INPUT',
  INVALID_TYPE: 'INVALID_INPUT',
  INVALID_ID_FIELD: 'INVALID_INPUT',
  JSON_PARSER_ERROR: 'INVALID_INPUT',
  STRING_TOO_LONG: 'INVALID_INPUT',
  REQUIRED_FIELD_MISSING: 'INVALID_INPUT',
  FIELD_CUSTOM_VALIDATION_EXCEPTION: 'INVALID_INPUT',
  FIELD_INTEGRITY_EXCEPTION: 'INVALID_INPUT',
  INVALID_FIELD_FOR_INSERT_UPDATE: 'INVALID_INPUT',
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: 'INVALID_INPUT',
  INSUFFICIENT_ACCESS_OR_READONLY: 'INVALID_INPUT',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'INVALID_INPUT',
  DUPLICATE_VALUE: 'INVALID_INPUT',
  invalid_request: 'INVALID_INPUT',
  redirect_uri_mismatch: 'INVALID_INPUT',
};

/** Concurrent long-running request limits clear within seconds, not at the end of the day. */
const concurrentLimitWaitMs = 30_000;

export function msUntilNextUtcDay(now: number): number {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - now;
}

interface VendorError {
  vendorCode: string;
  message: string;
  httpStatus?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads the vendor's code and message from any of the shapes Salesforce and jsforce produce. */
function readVendorError(input: unknown, httpStatus?: number): VendorError | null {
  if (typeof input === 'string') {
    try {
      return readVendorError(JSON.parse(input), httpStatus);
    } catch {
      return null;
    }
  }
  if (Array.isArray(input)) return input.length > 0 ? readVendorError(input[0], httpStatus) : null;
  if (!isRecord(input)) return null;
  if (typeof input.errorCode === 'string') {
    const message = typeof input.message === 'string' ? input.message : input.errorCode;
    // jsforce's HttpApiError keeps the payload in `data`, sometimes as an array of several errors.
    if (Array.isArray(input.data)) return readVendorError(input.data, httpStatus) ?? null;
    return { vendorCode: input.errorCode, message, httpStatus };
  }
  if (typeof input.statusCode === 'string') {
    return { vendorCode: input.statusCode, message: String(input.message ?? input.statusCode), httpStatus };
  }
  if (typeof input.error === 'string') {
    return {
      vendorCode: input.error,
      message: typeof input.error_description === 'string' ? input.error_description : input.error,
      httpStatus,
    };
  }
  return null;
}

function classify(vendor: VendorError): ConnectorErrorCode {
  const known = codesByVendorCode[vendor.vendorCode];
  if (known) return known;
  const httpMatch = /^ERROR_HTTP_(\d{3})$/.exec(vendor.vendorCode);
  const status = vendor.httpStatus ?? (httpMatch ? Number(httpMatch[1]) : undefined);
  if (status === undefined) return 'UNKNOWN';
  if (status === 401) return 'AUTH_REVOKED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500 || status === 408) return 'TEMPORARY';
  if (status >= 400) return 'INVALID_INPUT';
  return 'UNKNOWN';
}

function waitFor(code: ConnectorErrorCode, vendor: VendorError, now: number): number | undefined {
  if (code !== 'RATE_LIMITED') return undefined;
  if (/concurrent/i.test(vendor.message)) return concurrentLimitWaitMs;
  return msUntilNextUtcDay(now);
}

function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; isRecord(current) && depth < 4; depth++) {
    if (typeof current.code === 'string' && transientNetworkErrorCodes.has(current.code)) return current.code;
    current = current.cause;
  }
  return undefined;
}

export interface SalesforceErrorOptions {
  context?: ConnectorErrorContext;
  /** HTTP status when the caller knows it (jsforce drops it from its errors). */
  httpStatus?: number;
  now?: number;
}

/** Maps a code from a per-record result (Collections `errors[].statusCode`) to a domain code. */
export function classifySalesforceCode(vendorCode: string, message = ''): ConnectorErrorCode {
  return classify({ vendorCode, message });
}

/**
 * Maps anything a Salesforce call can throw or answer (REST error arrays, OAuth errors, jsforce
 * errors, SOAP faults, 5xx pages, network failures) to the one domain error the worker decides on.
 */
export function parseSalesforceError(error: unknown, options: SalesforceErrorOptions = {}): ConnectorError {
  if (isConnectorError(error)) return error;
  const now = options.now ?? Date.now();
  const baseContext: ConnectorErrorContext = { provider: 'salesforce', ...options.context };
  const network = networkCode(error);
  if (network || (isRecord(error) && (error.name === 'TimeoutError' || error.name === 'AbortError'))) {
    return new ConnectorError('TEMPORARY', `Salesforce could not be reached (${network ?? 'timeout'})`, {
      context: { ...baseContext, vendorCode: network ?? 'TIMEOUT' },
      cause: error,
    });
  }
  let vendor = readVendorError(error, options.httpStatus);
  // jsforce OAuth errors carry the OAuth `error` as the Error's name and the description as message.
  if (!vendor && error instanceof Error && error.name !== 'Error' && error.name !== 'TypeError') {
    vendor = { vendorCode: error.name, message: error.message, httpStatus: options.httpStatus };
  }
  if (!vendor && error instanceof TypeError && /fetch failed/i.test(error.message)) {
    return new ConnectorError('TEMPORARY', 'Salesforce could not be reached (fetch failed)', {
      context: baseContext,
      cause: error,
    });
  }
  if (!vendor) {
    const message = error instanceof Error ? error.message : String(error);
    const code =
      options.httpStatus === undefined
        ? 'UNKNOWN'
        : classify({ vendorCode: '', message, httpStatus: options.httpStatus });
    return new ConnectorError(code, `Salesforce call failed: ${message.slice(0, 300)}`, {
      context: { ...baseContext, httpStatus: options.httpStatus },
      cause: error,
    });
  }
  const code = classify(vendor);
  return new ConnectorError(code, `Salesforce ${vendor.vendorCode}: ${vendor.message.slice(0, 300)}`, {
    retryAfterMs: waitFor(code, vendor, now),
    context: { ...baseContext, vendorCode: vendor.vendorCode, httpStatus: vendor.httpStatus },
    cause: error,
  });
}
