import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { createTokenKeyRing, keyIdOf, tokenKeyRingFromConfig } from '../../shared/store/token-crypto.ts';
import { KEY_A, KEY_B, KEY_C } from './store-test-support.ts';

describe('token key ring', () => {
  it('seals with AES-256-GCM under the current key and opens what it sealed', () => {
    const ring = createTokenKeyRing(KEY_A);
    const sealed = ring.seal('00D!AQ.secret-access-token', 'sf:00D000000000001AAA:accessToken');
    expect(sealed.keyId).toBe(keyIdOf(Buffer.from(KEY_A, 'hex')));
    expect(sealed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(sealed.data, 'base64')).toHaveLength('00D!AQ.secret-access-token'.length);
    expect(JSON.stringify(sealed)).not.toContain('secret');
    expect(ring.open(sealed, 'sf:00D000000000001AAA:accessToken')).toBe('00D!AQ.secret-access-token');
    expect(ring.seal('same', 'ctx').iv).not.toBe(ring.seal('same', 'ctx').iv);
  });

  it('fails on a tampered ciphertext, tag or context, and names a missing key id', () => {
    const ring = createTokenKeyRing(KEY_A);
    const sealed = ring.seal('token', 'ctx');
    const data = Buffer.from(sealed.data, 'base64');
    data[0] ^= 1;
    expect(() => ring.open({ ...sealed, data: data.toString('base64') }, 'ctx')).toThrow(
      /failed authentication/,
    );
    const tag = Buffer.from(sealed.tag, 'base64');
    tag[15] ^= 0x80;
    expect(() => ring.open({ ...sealed, tag: tag.toString('base64') }, 'ctx')).toThrow(
      /failed authentication/,
    );
    expect(() => ring.open(sealed, 'other-tenant')).toThrow(/failed authentication/);
    expect(() => createTokenKeyRing(KEY_C).open(sealed, 'ctx')).toThrow(
      new RegExp(`key id ${sealed.keyId}, which is neither TOKEN_ENCRYPTION_KEY`),
    );
  });

  it('opens secrets under previous keys while sealing only under the current one', () => {
    const old = createTokenKeyRing(KEY_A).seal('token', 'ctx');
    const rotated = createTokenKeyRing(KEY_B, [KEY_A]);
    expect(rotated.open(old, 'ctx')).toBe('token');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.seal('token', 'ctx').keyId).toBe(rotated.currentKeyId);
  });

  it('builds from the configuration, previous keys comma-separated', () => {
    const config = loadConfig({
      TOKEN_ENCRYPTION_KEY: KEY_B,
      TOKEN_ENCRYPTION_KEYS_PREVIOUS: `${KEY_A},${KEY_C}`,
    });
    expect(config.TOKEN_ENCRYPTION_KEYS_PREVIOUS).toEqual([KEY_A, KEY_C]);
    const ring = tokenKeyRingFromConfig(config);
    expect(ring.open(createTokenKeyRing(KEY_C).seal('t', 'c'), 'c')).toBe('t');
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEYS_PREVIOUS: 'abc' })).toThrow(
      /TOKEN_ENCRYPTION_KEYS_PREVIOUS must be comma-separated .*\(value hidden\)/,
    );
    expect(() => tokenKeyRingFromConfig({})).toThrow(/TOKEN_ENCRYPTION_KEY is not set/);
  });
});
