import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ServerDependencies } from '../server-dependencies.ts';
import { requireActiveTenant } from './active-tenant.ts';
import { type Caller, setCaller } from './caller.ts';
import { badRequest, HttpError, unauthorized } from './http-error.ts';
import { authenticateHubspotFetch } from './hubspot-fetch-auth.ts';
import { HUBSPOT_SIGNATURE_HEADER } from './hubspot-signature.ts';
import type { RoleResolver } from './role-resolver.ts';
import type { SessionTokens } from './session-tokens.ts';

/** hubspot.fetch sends at most 1 MB; nothing a panel sends is larger. */
export const PANEL_BODY_LIMIT = '1mb';

export interface PanelAuthOptions {
  sessionTokens: SessionTokens;
  roles: RoleResolver;
}

/** The raw body exactly as received (signatures cover it); empty when the request had none. */
export function rawBodyOf(request: Request): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** Replaces the raw body by its JSON value for the handlers; undefined when there was no body. */
export function parseJsonBody(request: Request, rawBody: Buffer): void {
  if (rawBody.length === 0) {
    request.body = undefined;
    return;
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (!JSON_TYPE.test(type))
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'request body must be JSON: send Content-Type: application/json',
    );
  try {
    request.body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new HttpError(400, 'MALFORMED_JSON', 'request body is not valid JSON');
  }
}

/** The query parameters a HubSpot card adds for the auth layer; handlers see the query without them. */
export const HUBSPOT_IDENTITY_QUERY_PARAMS = ['portalId', 'userId'] as const;

/**
 * Hides the identity parameters from `request.query` once they are verified, so a handler's strict
 * query schema sees only its own parameters. `originalUrl` keeps them (the signature covered it).
 */
function withoutIdentityParams(request: Request): void {
  const query: Record<string, unknown> = { ...request.query };
  for (const name of HUBSPOT_IDENTITY_QUERY_PARAMS) delete query[name];
  Object.defineProperty(request, 'query', {
    value: query,
    configurable: true,
    enumerable: true,
    writable: true,
  });
}

async function authenticateSession(
  deps: Pick<ServerDependencies, 'store'>,
  sessionTokens: SessionTokens,
  authorization: string,
): Promise<Caller> {
  const match = /^Bearer ([^\s]+)$/.exec(authorization);
  if (match === null || match[1] === undefined)
    throw unauthorized('Authorization must be "Bearer <session token>"');
  const check = sessionTokens.verify(match[1]);
  if (!check.ok) throw unauthorized(check.reason);
  const { session } = check;
  // An uninstall or a pause takes effect at once, not when the token runs out.
  await requireActiveTenant(deps, session.tenantId, 'this session');
  return { tenantId: session.tenantId, userId: session.userId, role: session.role, via: 'session' };
}

/**
 * Who is calling `/api/v1/*`: exactly one of a HubSpot signed `hubspot.fetch` or a panel session
 * token (`Authorization: Bearer`), never a cookie. Reads the body itself (raw, for the signature, at
 * most 1 MB), sets the Caller, then leaves the parsed JSON on `request.body` for the handlers.
 * Mount: `app.use('/api/v1', panelAuth(deps, options), apiRouter)`.
 */
export function panelAuth(deps: ServerDependencies, options: PanelAuthOptions): Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: PANEL_BODY_LIMIT }));
  router.use(async (request: Request, response: Response, next: NextFunction) => {
    const rawBody = rawBodyOf(request);
    const authorization = request.headers.authorization;
    const signed = request.headers[HUBSPOT_SIGNATURE_HEADER] !== undefined;
    if (authorization !== undefined && signed)
      throw badRequest('send either a HubSpot signed request or a session token, not both');
    let caller: Caller;
    if (signed) {
      caller = await authenticateHubspotFetch(deps, options.roles, request, rawBody);
      withoutIdentityParams(request);
    } else if (authorization !== undefined)
      caller = await authenticateSession(deps, options.sessionTokens, authorization);
    else
      throw unauthorized(
        'no credentials: call through hubspot.fetch, or send Authorization: Bearer <session token>',
      );
    setCaller(response, caller);
    parseJsonBody(request, rawBody);
    next();
  });
  return router;
}
