import { describe, expect, it } from 'vitest';
import { toEighteenCharacterId } from './canvas-signed-request.ts';
import { createSessionTokens, SESSION_TOKEN_LIFETIME_MS } from './session-tokens.ts';

const key = Buffer.from('k'.repeat(32));
const identity = {
  tenantId: 'sf:00D000000000001AAA',
  userId: '005000000000001AAA',
  role: 'rep',
  issuedVia: 'canvas',
} as const;

function tokensAt(start: number) {
  const clock = { now: start };
  return { clock, tokens: createSessionTokens({ signingKey: key, now: () => clock.now }) };
}

describe('panel session tokens', () => {
  it('verify what they issue until 15 minutes have passed, then refuse it as expired (fake clock)', () => {
    const { clock, tokens } = tokensAt(1_800_000_000_000);
    const issued = tokens.issue(identity);
    expect(issued.expiresAt).toBe(new Date(1_800_000_000_000 + SESSION_TOKEN_LIFETIME_MS).toISOString());
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    clock.now += SESSION_TOKEN_LIFETIME_MS - 1;
    expect(tokens.verify(issued.token)).toEqual({
      ok: true,
      expiresAtMs: 1_800_000_000_000 + SESSION_TOKEN_LIFETIME_MS,
      session: identity,
    });
    clock.now += 1;
    const expired = tokens.verify(issued.token);
    expect(expired.ok).toBe(false);
    expect(!expired.ok && expired.reason).toContain('expired');
  });

  it('refuse a token whose tenant, role or expiry was edited, or whose signature was changed', () => {
    const { tokens } = tokensAt(1_800_000_000_000);
    const [payload = '', signature = ''] = tokens.issue(identity).token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    for (const edit of [
      { t: 'sf:00D000000000002AAA' },
      { r: 'admin' },
      { e: Number(claims.e) + 3_600_000 },
    ]) {
      const edited = Buffer.from(JSON.stringify({ ...claims, ...edit })).toString('base64url');
      const check = tokens.verify(`${edited}.${signature}`);
      expect(check.ok, JSON.stringify(edit)).toBe(false);
      expect(!check.ok && check.reason).toContain('signature does not match');
    }
    const flipped = `${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(tokens.verify(flipped).ok).toBe(false);
  });

  it('refuse a token signed with another server key, and malformed tokens, with a reason', () => {
    const { tokens } = tokensAt(1_800_000_000_000);
    const other = createSessionTokens({
      signingKey: Buffer.from('o'.repeat(32)),
      now: () => 1_800_000_000_000,
    });
    expect(tokens.verify(other.issue(identity).token).ok).toBe(false);
    for (const malformed of ['', 'abc', 'a.b.c', 'ä.ö', 'x'.repeat(5_000), '.abc']) {
      const check = tokens.verify(malformed);
      expect(check.ok, malformed.slice(0, 10)).toBe(false);
      expect(!check.ok && check.reason.length).toBeGreaterThan(10);
    }
  });

  it('refuse a signing key shorter than 32 bytes', () => {
    expect(() => createSessionTokens({ signingKey: Buffer.from('short'), now: Date.now })).toThrow(
      /at least 32 bytes/,
    );
  });
});

describe('Salesforce 18-character ids', () => {
  it('append the case-safe suffix to 15-character ids and leave 18-character ids alone', () => {
    expect(toEighteenCharacterId('005000000000001')).toBe('005000000000001AAA');
    expect(toEighteenCharacterId('ABCDEabcde00000')).toBe('ABCDEabcde00000' + '5AA');
    expect(toEighteenCharacterId('aBcdeaaaaaAaaaa')).toBe('aBcdeaaaaaAaaaa' + 'CAB');
    expect(toEighteenCharacterId('005000000000001AAA')).toBe('005000000000001AAA');
  });
});
