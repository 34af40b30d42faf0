import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { tenantIdSchema } from '../../../shared/schemas/common.ts';
import type { Caller, CallerRole } from './caller.ts';

/** How long a panel session token is accepted after it was issued. */
export const SESSION_TOKEN_LIFETIME_MS = 15 * 60_000;

/** Domain separation: a signature made for another purpose with the same key never verifies here. */
const SIGNING_CONTEXT = 'leadscore-panel-session.v1.';
const MIN_KEY_BYTES = 32;
/** A real token is about 200 characters; anything far longer is not worth decoding. */
const MAX_TOKEN_LENGTH = 2_048;

const claimsSchema = z.object({
  /** tenant */
  t: tenantIdSchema,
  /** CRM user id */
  u: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** role */
  r: z.enum(['admin', 'rep']),
  /** how the caller first authenticated */
  v: z.enum(['hubspot-fetch', 'canvas', 'apex']),
  /** expiry, epoch ms */
  e: z.number().int().positive(),
});
type SessionClaims = z.infer<typeof claimsSchema>;

export interface IssuedSessionToken {
  token: string;
  /** ISO-8601 time after which the token is refused; the panel exchanges a fresh proof before it. */
  expiresAt: string;
}

export interface SessionIdentity {
  tenantId: Caller['tenantId'];
  userId: string;
  role: CallerRole;
  /** The proof that was exchanged for the token. */
  issuedVia: Exclude<Caller['via'], 'session'>;
}

export type SessionCheck =
  | { ok: true; session: SessionIdentity; expiresAtMs: number }
  | { ok: false; reason: string };

export interface SessionTokens {
  issue(identity: SessionIdentity): IssuedSessionToken;
  verify(token: string): SessionCheck;
}

/**
 * Stateless panel session tokens: `base64url(JSON claims).base64url(HMAC-SHA256)`. They are bound to
 * a tenant, a user and a role, live 15 minutes, and are kept in memory by the panel (never a cookie:
 * a Canvas iframe has none, and a cookie would make cross-site requests carry authority).
 */
export function createSessionTokens(options: {
  signingKey: Buffer;
  now: () => number;
  lifetimeMs?: number;
}): SessionTokens {
  if (options.signingKey.length < MIN_KEY_BYTES) {
    throw new Error(
      `session signing key must be at least ${MIN_KEY_BYTES} bytes (got ${options.signingKey.length}): generate one with \`openssl rand -hex 32\``,
    );
  }
  const lifetimeMs = options.lifetimeMs ?? SESSION_TOKEN_LIFETIME_MS;
  const key = Buffer.from(options.signingKey);
  const sign = (payload: string): Buffer =>
    createHmac('sha256', key).update(SIGNING_CONTEXT).update(payload).digest();

  return {
    issue(identity) {
      const expiresAtMs = options.now() + lifetimeMs;
      const claims: SessionClaims = {
        t: identity.tenantId,
        u: identity.userId,
        r: identity.role,
        v: identity.issuedVia,
        e: expiresAtMs,
      };
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return {
        token: `${payload}.${sign(payload).toString('base64url')}`,
        expiresAt: new Date(expiresAtMs).toISOString(),
      };
    },

    verify(token) {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH)
        return { ok: false, reason: 'session token is malformed' };
      const parts = token.split('.');
      if (
        parts.length !== 2 ||
        !/^[A-Za-z0-9_-]+$/.test(parts[0] ?? '') ||
        !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? '')
      )
        return {
          ok: false,
          reason: 'session token is malformed: expected <payload>.<signature> in base64url',
        };
      const [payload = '', signature = ''] = parts;
      const received = Buffer.from(signature, 'base64url');
      const expected = sign(payload);
      // Length first: timingSafeEqual throws on unequal lengths, and the length is not secret.
      if (received.length !== expected.length || !timingSafeEqual(received, expected))
        return {
          ok: false,
          reason: 'session token signature does not match: it was altered or signed by another server key',
        };
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'session token payload is not JSON' };
      }
      const claims = claimsSchema.safeParse(decoded);
      if (!claims.success) return { ok: false, reason: 'session token payload is not a LeadScore session' };
      if (options.now() >= claims.data.e)
        return { ok: false, reason: 'session token expired: exchange a fresh signed request for a new one' };
      return {
        ok: true,
        expiresAtMs: claims.data.e,
        session: {
          tenantId: claims.data.t,
          userId: claims.data.u,
          role: claims.data.r,
          issuedVia: claims.data.v,
        },
      };
    },
  };
}
