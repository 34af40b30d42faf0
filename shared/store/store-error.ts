/** Why a store call failed, so callers can tell bad input from a missing record or a broken secret. */
export const storeErrorCodes = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'DECRYPTION_FAILED',
  'MISSING_KEY',
] as const;
export type StoreErrorCode = (typeof storeErrorCodes)[number];

export interface StoreErrorContext {
  tenantId?: string;
  recordId?: string;
  /** The encryption key id a ciphertext names, when that is what went wrong. */
  keyId?: string;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly context: StoreErrorContext = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}
