import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { ServerDependencies } from '../server-dependencies.ts';
import { requireActiveTenant } from './active-tenant.ts';
import type { Caller } from './caller.ts';
import { toEighteenCharacterId, verifyCanvasSignedRequest } from './canvas-signed-request.ts';
import { badRequest, HttpError, unauthorized } from './http-error.ts';
import { authenticateHubspotFetch } from './hubspot-fetch-auth.ts';
import {
  LEADSCORE_ORG_HEADER,
  LEADSCORE_SIGNATURE_HEADER,
  LEADSCORE_TIMESTAMP_HEADER,
  verifyLeadscoreSignature,
} from './leadscore-signature.ts';
import { PANEL_BODY_LIMIT, parseJsonBody, rawBodyOf } from './panel-auth.ts';
import type { RoleResolver } from './role-resolver.ts';
import { noStore } from './security-headers.ts';
import type { SessionTokens } from './session-tokens.ts';

/** A Canvas signed request is a few kilobytes; an Apex exchange is `{userId}`. */
const CANVAS_BODY_LIMIT = '256kb';
const APEX_BODY_LIMIT = '16kb';
const ORG_ID = /^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;

export interface SessionRoutesOptions {
  sessionTokens: SessionTokens;
  roles: RoleResolver;
  /** Config SALESFORCE_CANVAS_CONSUMER_SECRET; without it the Canvas exchange answers 503. */
  canvasConsumerSecret: string | undefined;
  /** The tenant's callout secret (set at install, given to the package's External Credential). */
  secretFor: (tenantId: string) => Promise<string | undefined>;
}

const canvasBodySchema = z.union([
  z.object({ signed_request: z.string().min(1) }),
  z.object({ signedRequest: z.string().min(1) }),
]);
const apexBodySchema = z.object({
  userId: z
    .string()
    .regex(/^005[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/, 'must be the Salesforce user id (005...)'),
});

/** A panel session as the exchanges answer it (and the Canvas panel page puts in its bootstrap). */
export interface IssuedPanelSession {
  token: string;
  expiresAt: string;
  tenantId: Caller['tenantId'];
  userId: string;
  role: Caller['role'];
  /** The record the Canvas panel was opened on, when Salesforce passed one. */
  recordId?: string;
}

function issueSession(
  sessionTokens: SessionTokens,
  caller: Omit<Caller, 'via'> & { via: Exclude<Caller['via'], 'session'> },
  recordId?: string,
): IssuedPanelSession {
  const issued = sessionTokens.issue({
    tenantId: caller.tenantId,
    userId: caller.userId,
    role: caller.role,
    issuedVia: caller.via,
  });
  return {
    token: issued.token,
    expiresAt: issued.expiresAt,
    tenantId: caller.tenantId,
    userId: caller.userId,
    role: caller.role,
    ...(recordId === undefined ? {} : { recordId }),
  };
}

function answerWithSession(
  response: Response,
  sessionTokens: SessionTokens,
  caller: Omit<Caller, 'via'> & { via: Exclude<Caller['via'], 'session'> },
): void {
  response.status(201).json(issueSession(sessionTokens, caller));
}

export type CanvasExchangeOptions = Pick<
  SessionRoutesOptions,
  'sessionTokens' | 'roles' | 'canvasConsumerSecret'
>;

/**
 * A Canvas signed request verified and exchanged for a panel session: the one check behind
 * `POST /auth/salesforce/canvas` and the Canvas panel page, given the POSTed body. Throws an HttpError (503 when Canvas is
 * not configured, 401 for a refused signed request, 404/403 for a tenant not installed or not active).
 */
export async function exchangeCanvasSignedRequest(
  deps: Pick<ServerDependencies, 'store' | 'now'>,
  options: CanvasExchangeOptions,
  body: unknown,
): Promise<IssuedPanelSession> {
  if (options.canvasConsumerSecret === undefined)
    throw new HttpError(
      503,
      'NOT_CONFIGURED',
      'Salesforce Canvas is not configured on this server (SALESFORCE_CANVAS_CONSUMER_SECRET)',
    );
  const check = verifyCanvasSignedRequest({
    signedRequest: canvasSignedRequestOf(body),
    consumerSecret: options.canvasConsumerSecret,
    nowMs: deps.now(),
  });
  if (!check.ok) throw unauthorized(`Canvas signed request refused: ${check.reason}`);
  const { identity } = check;
  const orgId = toEighteenCharacterId(identity.organizationId);
  const userId = toEighteenCharacterId(identity.userId);
  const tenantId = `sf:${orgId}` as Caller['tenantId'];
  await requireActiveTenant(deps, tenantId, `Salesforce org ${orgId}`);
  const role = await options.roles.roleOf(tenantId, userId);
  return issueSession(options.sessionTokens, { tenantId, userId, role, via: 'canvas' }, identity.recordId);
}

/** The signed request of a Canvas POST: form field `signed_request` or JSON `{signedRequest}`. */
function canvasSignedRequestOf(body: unknown): string {
  const parsed = canvasBodySchema.safeParse(body);
  if (!parsed.success)
    throw badRequest(
      'send the Canvas signed request as form field signed_request or JSON {"signedRequest": "..."}',
    );
  return 'signed_request' in parsed.data ? parsed.data.signed_request : parsed.data.signedRequest;
}

/** Form or JSON parsers sized for a Canvas signed request. */
export const canvasBodyParsers = [
  express.urlencoded({ extended: false, limit: CANVAS_BODY_LIMIT, parameterLimit: 20 }),
  express.json({ limit: CANVAS_BODY_LIMIT }),
];

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Exchanges a CRM's proof of who is calling for a 15-minute panel session token:
 * - `POST /auth/salesforce/canvas`: a Canvas signed request (form field `signed_request`, or JSON `{signedRequest}`);
 * - `POST /auth/salesforce/apex`: the LWC's Apex callout through the Named Credential, signed with the
 *   tenant's callout secret (`X-LeadScore-Org`, `-Timestamp`, `-Signature`), body `{userId}`;
 * - `POST /auth/hubspot/session`: a signed `hubspot.fetch` (portalId and userId in the query), for a
 *   settings page that makes many calls.
 * The token is answered once, never logged, never set as a cookie.
 */
export function panelSessionRouter(deps: ServerDependencies, options: SessionRoutesOptions): Router {
  const router = express.Router();
  router.use('/auth', noStore());

  router.post('/auth/salesforce/canvas', ...canvasBodyParsers, async (request, response) => {
    const session = await exchangeCanvasSignedRequest(deps, options, request.body);
    response.status(201).json(session);
  });

  router.post(
    '/auth/salesforce/apex',
    express.raw({ type: () => true, limit: APEX_BODY_LIMIT }),
    async (request, response) => {
      const rawBody = rawBodyOf(request);
      const org = header(request, LEADSCORE_ORG_HEADER);
      if (org === undefined || !ORG_ID.test(org))
        throw unauthorized(`${LEADSCORE_ORG_HEADER} must be the 18-character Salesforce org id`);
      const orgId = toEighteenCharacterId(org);
      const tenantId = `sf:${orgId}` as Caller['tenantId'];
      // The signature is checked before the tenant's state is told: no one learns which orgs are installed.
      const secret = await options.secretFor(tenantId);
      if (secret === undefined)
        throw unauthorized(
          'no callout secret is known for this org: an admin reconnects LeadScore to set one',
        );
      const check = verifyLeadscoreSignature({
        secret,
        rawBody,
        timestamp: header(request, LEADSCORE_TIMESTAMP_HEADER),
        signature: header(request, LEADSCORE_SIGNATURE_HEADER),
        nowMs: deps.now(),
      });
      if (!check.ok) throw unauthorized(`callout signature refused: ${check.reason}`);
      await requireActiveTenant(deps, tenantId, `Salesforce org ${orgId}`);
      parseJsonBody(request, rawBody);
      const body = apexBodySchema.parse(request.body);
      const userId = toEighteenCharacterId(body.userId);
      const role = await options.roles.roleOf(tenantId, userId);
      answerWithSession(response, options.sessionTokens, { tenantId, userId, role, via: 'apex' });
    },
  );

  router.post(
    '/auth/hubspot/session',
    express.raw({ type: () => true, limit: PANEL_BODY_LIMIT }),
    async (request, response) => {
      const caller = await authenticateHubspotFetch(deps, options.roles, request, rawBodyOf(request));
      answerWithSession(response, options.sessionTokens, { ...caller, via: 'hubspot-fetch' });
    },
  );

  return router;
}
