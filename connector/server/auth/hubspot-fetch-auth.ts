import type { Request } from 'express';
import type { ServerDependencies } from '../server-dependencies.ts';
import { requireActiveTenant } from './active-tenant.ts';
import type { Caller } from './caller.ts';
import { badRequest, HttpError, unauthorized } from './http-error.ts';
import {
  HUBSPOT_SIGNATURE_HEADER,
  HUBSPOT_TIMESTAMP_HEADER,
  verifyHubspotSignatureV3,
} from './hubspot-signature.ts';
import type { RoleResolver } from './role-resolver.ts';

function singleHeader(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** One value of a query parameter; a repeated one is refused rather than guessed at. */
function singleQueryValue(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1)
    throw badRequest(`query parameter ${name} is given ${values.length} times: give it once`);
  return values[0];
}

/**
 * A card's `hubspot.fetch`: signature v3 over the method, the full public URI, the raw body and the
 * timestamp under the app's client secret. Only then are the `portalId` and `userId` the card put in
 * the URL trusted (HubSpot's fetch carries no custom headers).
 */
export async function authenticateHubspotFetch(
  deps: Pick<ServerDependencies, 'config' | 'publicUrl' | 'now' | 'store'>,
  roles: RoleResolver,
  request: Request,
  rawBody: Buffer,
): Promise<Caller> {
  const secret = deps.config.HUBSPOT_CLIENT_SECRET;
  if (secret === undefined)
    throw new HttpError(
      503,
      'NOT_CONFIGURED',
      'HubSpot panels are not configured on this server (HUBSPOT_CLIENT_SECRET)',
    );
  const check = verifyHubspotSignatureV3({
    secret,
    method: request.method,
    uri: `${deps.publicUrl}${request.originalUrl}`,
    rawBody,
    signature: singleHeader(request, HUBSPOT_SIGNATURE_HEADER),
    timestamp: singleHeader(request, HUBSPOT_TIMESTAMP_HEADER),
    nowMs: deps.now(),
  });
  if (!check.ok) throw unauthorized(`HubSpot signature refused: ${check.reason}`);
  const params = new URL(request.originalUrl, 'http://signed.invalid').searchParams;
  const portalId = singleQueryValue(params, 'portalId');
  const userId = singleQueryValue(params, 'userId');
  if (portalId === undefined || !/^\d{1,12}$/.test(portalId))
    throw badRequest(
      'query parameter portalId must be the HubSpot portal id (digits): the card puts it in the URL',
    );
  if (userId === undefined || !/^\d{1,20}$/.test(userId))
    throw badRequest(
      'query parameter userId must be the HubSpot user id (digits): the card puts it in the URL',
    );
  const tenantId = `hs:${portalId}` as Caller['tenantId'];
  await requireActiveTenant(deps, tenantId, `HubSpot portal ${portalId}`);
  const role = await roles.roleOf(tenantId, userId);
  return { tenantId, userId, role, via: 'hubspot-fetch' };
}
