/**
 * An answer a handler or middleware chose on purpose. The message is shown to the caller as is, so it
 * must say what was wrong and how to fix it, and never carry a token, a secret or personal data.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { field: string; problem: string }[],
  ) {
    super(message);
  }
}

export const unauthorized = (reason: string): HttpError => new HttpError(401, 'UNAUTHENTICATED', reason);
export const forbidden = (reason: string): HttpError => new HttpError(403, 'FORBIDDEN', reason);
export const notFound = (reason: string): HttpError => new HttpError(404, 'NOT_FOUND', reason);
export const badRequest = (reason: string): HttpError => new HttpError(400, 'INVALID_REQUEST', reason);
