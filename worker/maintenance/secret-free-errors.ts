import type { JobHandler, JobHandlers } from '../queues/job-queue.ts';
import type { QueueName } from '../queues/queue-names.ts';

const REDACTED = '[redacted]';
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+\S+/gi;
/**
 * Runs that look like credentials: 32+ characters of the alphabets OAuth tokens use (Salesforce's
 * `00D...!AQ...`, HubSpot's base64 and `pat-` tokens, JWT segments) with a digit in them. Record
 * ids (15-18), job ids' parts and URLs (split by `/` and `.`) stay readable.
 */
const TOKEN_LIKE = /[A-Za-z0-9!_~+=-]{32,}/g;

/** Removes emails, authorization headers and token-like runs from a text. */
export function scrubSecrets(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(AUTH_HEADER, `$1 ${REDACTED}`)
    .replace(TOKEN_LIKE, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? REDACTED : run));
}

/**
 * The same error (class, code and retry hints kept, so the failure policy decides as before) with
 * its message, stack and causes scrubbed. BullMQ stores a failed job's message as `failedReason`
 * and its stack in Redis, and the runner logs it: neither may carry a token or a person.
 */
export function scrubError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 4) return typeof error === 'string' ? scrubSecrets(error) : error;
  error.message = scrubSecrets(error.message);
  if (error.stack !== undefined) error.stack = scrubSecrets(error.stack);
  if (error.cause !== undefined) error.cause = scrubError(error.cause, depth + 1);
  return error;
}

/** A job handler whose failures leave no secret in Redis or the logs. */
export function withSecretFreeErrors<Q extends QueueName>(handler: JobHandler<Q>): JobHandler<Q> {
  return async (payload, context) => {
    try {
      await handler(payload, context);
    } catch (error) {
      throw scrubError(error);
    }
  };
}

/** Every handler of the worker's queue table, wrapped by withSecretFreeErrors. */
export function secretFreeHandlers(handlers: JobHandlers): JobHandlers {
  const out: Record<string, unknown> = {};
  for (const [queue, handler] of Object.entries(handlers)) {
    if (handler !== undefined) out[queue] = withSecretFreeErrors(handler as JobHandler<QueueName>);
  }
  return out as JobHandlers;
}
