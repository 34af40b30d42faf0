/** The few codes the worker decides on: retry, wait, or stop. */
export const connectorErrorCodes = [
  'AUTH_REVOKED',
  'RATE_LIMITED',
  'TEMPORARY',
  'NOT_FOUND',
  'CURSOR_INVALID',
  'INVALID_INPUT',
  'UNKNOWN',
] as const;
export type ConnectorErrorCode = (typeof connectorErrorCodes)[number];

export interface ConnectorErrorContext {
  provider?: 'salesforce' | 'hubspot';
  tenantId?: string;
  object?: string;
  recordId?: string;
  /** What was being attempted, e.g. "update 200 Lead records". */
  operation?: string;
  /** The vendor's own error code or policy name, e.g. REQUEST_LIMIT_EXCEEDED or DAILY. */
  vendorCode?: string;
  httpStatus?: number;
}

/** The single domain error providers throw; vendor payloads are mapped to it by parse-<provider>-error. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ConnectorErrorCode;
  /** How long the provider asked us to wait before trying again, when it said. */
  readonly retryAfterMs: number | undefined;
  readonly context: ConnectorErrorContext;

  constructor(
    code: ConnectorErrorCode,
    message: string,
    options: { retryAfterMs?: number; context?: ConnectorErrorContext; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.context = options.context ?? {};
  }

  /** Whether trying the same call again later can succeed. */
  get retryable(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'TEMPORARY';
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
