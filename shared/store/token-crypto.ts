import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { StoreError } from './store-error.ts';

/**
 * AES-256-GCM for OAuth tokens at rest. Each ciphertext names the key that sealed it (`keyId`, the
 * first 16 hex digits of the key's SHA-256, so ids never need configuring), which lets keys rotate:
 * the ring decrypts with any key it holds and always encrypts with the current one. The additional
 * authenticated data binds a ciphertext to its tenant and field, so a token copied onto another
 * tenant or into another field fails to decrypt instead of being used.
 */
export interface SealedSecret {
  keyId: string;
  /** base64, 12 bytes. */
  iv: string;
  /** base64, the 16-byte GCM authentication tag. */
  tag: string;
  /** base64 ciphertext. */
  data: string;
}

export interface TokenKeyRing {
  readonly currentKeyId: string;
  seal(plaintext: string, context: string): SealedSecret;
  open(sealed: SealedSecret, context: string): string;
  /** Whether the ring can open this secret without rotation (it was sealed under the current key). */
  isCurrent(sealed: SealedSecret): boolean;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function parseHexKey(hex: string, name: string): Buffer {
  if (!HEX_KEY.test(hex)) {
    throw new StoreError('INVALID_INPUT', `${name} must be 64 hex characters (a 256-bit key)`);
  }
  return Buffer.from(hex, 'hex');
}

/** A ring from the current key and any previous keys (64 hex characters each). */
export function createTokenKeyRing(currentHex: string, previousHex: readonly string[] = []): TokenKeyRing {
  const current = parseHexKey(currentHex, 'the current token encryption key');
  const currentKeyId = keyIdOf(current);
  const keys = new Map<string, Buffer>([[currentKeyId, current]]);
  for (const [index, hex] of previousHex.entries()) {
    const key = parseHexKey(hex, `previous token encryption key #${index + 1}`);
    if (!keys.has(keyIdOf(key))) keys.set(keyIdOf(key), key);
  }
  return {
    currentKeyId,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        keyId: currentKeyId,
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
    },
    open(sealed, context) {
      const key = keys.get(sealed.keyId);
      if (key === undefined) {
        throw new StoreError(
          'MISSING_KEY',
          `token was encrypted under key id ${sealed.keyId}, which is neither TOKEN_ENCRYPTION_KEY nor one of TOKEN_ENCRYPTION_KEYS_PREVIOUS: add that key back to decrypt it`,
          { keyId: sealed.keyId },
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([
          decipher.update(Buffer.from(sealed.data, 'base64')),
          decipher.final(),
        ]).toString('utf8');
      } catch (error) {
        throw new StoreError(
          'DECRYPTION_FAILED',
          `token under key id ${sealed.keyId} failed authentication (tampered, truncated, or stored for another tenant or field)`,
          { keyId: sealed.keyId },
          { cause: error },
        );
      }
    },
    isCurrent(sealed) {
      return sealed.keyId === currentKeyId;
    },
  };
}

/** The ring the product runs with, from its configuration; refuses to work without a current key. */
export function tokenKeyRingFromConfig(config: {
  TOKEN_ENCRYPTION_KEY?: string | undefined;
  TOKEN_ENCRYPTION_KEYS_PREVIOUS?: readonly string[] | undefined;
}): TokenKeyRing {
  if (config.TOKEN_ENCRYPTION_KEY === undefined) {
    throw new StoreError(
      'MISSING_KEY',
      'TOKEN_ENCRYPTION_KEY is not set: tokens cannot be stored without it (generate one with `openssl rand -hex 32`)',
    );
  }
  return createTokenKeyRing(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? []);
}
