import { type ConnectorErrorCode, isConnectorError } from '../../shared/errors.ts';
import { InvalidJobPayloadError } from './job-payloads.ts';
import { retryPolicy } from './queue-names.ts';

/**
 * What a failed job does next. The one place that decides retry, wait or stop, from the
 * ConnectorError code alone; job files and services only throw.
 */
export type FailureDecision =
  /** Try again with exponential backoff; spends an attempt. */
  | { kind: 'retry' }
  /** Come back after the provider's wait; spends no attempt and holds back no other tenant. */
  | { kind: 'wait'; delayMs: number }
  /** Do not try again. `pauseTenant`: stop the tenant's jobs and ask an admin to reconnect. */
  | { kind: 'stop'; pauseTenant: boolean };

const byCode: Record<ConnectorErrorCode, (retryAfterMs: number | undefined) => FailureDecision> = {
  // The tenant revoked our access: nothing of theirs can run until an admin reconnects. Data stays.
  AUTH_REVOKED: () => ({ kind: 'stop', pauseTenant: true }),
  RATE_LIMITED: (retryAfterMs) => ({
    kind: 'wait',
    delayMs: Math.max(1, retryAfterMs ?? retryPolicy.defaultRateLimitWaitMs),
  }),
  TEMPORARY: () => ({ kind: 'retry' }),
  // Trying the same call again cannot succeed: the record is gone, the input is bad, or the
  // cursor must be rebuilt (the sync service does that before the error reaches the queue).
  NOT_FOUND: () => ({ kind: 'stop', pauseTenant: false }),
  INVALID_INPUT: () => ({ kind: 'stop', pauseTenant: false }),
  CURSOR_INVALID: () => ({ kind: 'stop', pauseTenant: false }),
  // Unclassified provider errors and bugs get the bounded retries, then fail visibly.
  UNKNOWN: () => ({ kind: 'retry' }),
};

export function decideOnFailure(error: unknown): FailureDecision {
  if (error instanceof InvalidJobPayloadError) return { kind: 'stop', pauseTenant: false };
  if (isConnectorError(error)) return byCode[error.code](error.retryAfterMs);
  return { kind: 'retry' };
}
