import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Provider } from '../../../shared/schemas/common.ts';
import { oauthStateKey } from '../../../shared/store/keys.ts';
import type { RedisClient } from '../../../shared/store/store.ts';

/** How long an admin has between leaving for the CRM's consent screen and coming back. */
export const stateLifetimeMs = 10 * 60_000;
/** A state issued this far in the future (clock skew between server processes) is still accepted. */
const allowedSkewMs = 30_000;

interface StatePayload {
  /** Provider the install started for. */
  p: Provider;
  /** Single-use nonce, kept in Redis until the callback consumes it. */
  n: string;
  /** Issued at, epoch ms. */
  t: number;
  /** Optional path inside the app to land on after the install. */
  r?: string;
}

export type StateCheck =
  | { ok: true; provider: Provider; returnTo: string | null }
  | { ok: false; reason: string };

/** Only paths of this app: never another origin (an open redirect), never `//host`. */
export function isSafeReturnPath(path: string): boolean {
  return /^\/(?!\/)[A-Za-z0-9/_\-.?=&%]{0,200}$/.test(path) && !path.includes('\\');
}

/**
 * The OAuth `state` of an install: `<payload>.<signature>`, both base64url, the signature an
 * HMAC-SHA256 of the payload under the server's session signing key. It binds the provider, a
 * nonce, the issue time and an optional return path; the nonce is stored with a TTL and consumed
 * atomically (GETDEL), so a state works once, for 10 minutes, for the provider it was issued for.
 */
export class OAuthStates {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: Buffer,
    private readonly now: () => number,
  ) {}

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  async issue(provider: Provider, returnTo?: string): Promise<string> {
    if (returnTo !== undefined && !isSafeReturnPath(returnTo)) {
      throw new Error('return path must be a path of this app, such as /settings');
    }
    const payload: StatePayload = {
      p: provider,
      n: randomBytes(16).toString('base64url'),
      t: this.now(),
      ...(returnTo === undefined ? {} : { r: returnTo }),
    };
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    await this.redis.set(oauthStateKey(payload.n), provider, 'PX', stateLifetimeMs, 'NX');
    return `${encoded}.${this.sign(encoded).toString('base64url')}`;
  }

  /**
   * Checks and consumes a state. Everything that can be checked without Redis is checked first;
   * the nonce is consumed only for a state that is authentic, fresh and for this provider.
   */
  async consume(provider: Provider, state: unknown): Promise<StateCheck> {
    if (typeof state !== 'string' || state.length === 0) {
      return { ok: false, reason: 'the state parameter is missing: start the install again' };
    }
    const [encoded, signature, extra] = state.split('.');
    if (!encoded || !signature || extra !== undefined || state.length > 1024) {
      return { ok: false, reason: 'the state parameter is malformed: start the install again' };
    }
    const expected = this.sign(encoded);
    const received = Buffer.from(signature, 'base64url');
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      return {
        ok: false,
        reason: 'the state parameter was not issued by this server: start the install again',
      };
    }
    let payload: StatePayload;
    try {
      payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as StatePayload;
    } catch {
      return { ok: false, reason: 'the state parameter is malformed: start the install again' };
    }
    if (payload.p !== provider) {
      return { ok: false, reason: `the state parameter was issued for ${payload.p}, not ${provider}` };
    }
    const age = this.now() - payload.t;
    if (!Number.isFinite(age) || age > stateLifetimeMs || age < -allowedSkewMs) {
      return { ok: false, reason: 'the install took longer than 10 minutes: start it again' };
    }
    let key: string;
    try {
      key = oauthStateKey(payload.n);
    } catch {
      return { ok: false, reason: 'the state parameter is malformed: start the install again' };
    }
    const stored = await this.redis.getdel(key);
    if (stored !== provider) {
      return { ok: false, reason: 'this state was already used: start the install again' };
    }
    const returnTo = typeof payload.r === 'string' && isSafeReturnPath(payload.r) ? payload.r : null;
    return { ok: true, provider, returnTo };
  }
}
