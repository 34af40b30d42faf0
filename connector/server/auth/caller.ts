import type { Response } from 'express';
import type { TenantId } from '../../../shared/schemas/common.ts';

export type CallerRole = 'admin' | 'rep';

/**
 * Who is calling the panel API, established by `connector/server/auth/` from a HubSpot signed
 * request, a Salesforce Canvas signed request, an Apex callout or a session token. Handlers trust
 * nothing else: the tenant comes from here, never from the body or a query parameter.
 */
export interface Caller {
  tenantId: TenantId;
  /** The CRM user id (HubSpot user id, Salesforce user id). */
  userId: string;
  role: CallerRole;
  /** How the caller was authenticated. */
  via: 'hubspot-fetch' | 'canvas' | 'apex' | 'session';
}

const CALLER = 'leadscoreCaller';

export function setCaller(response: Response, caller: Caller): void {
  response.locals[CALLER] = caller;
}

/** The authenticated caller; the auth middleware runs first, so a route without one is a bug. */
export function callerOf(response: Response): Caller {
  const caller = response.locals[CALLER] as Caller | undefined;
  if (caller === undefined) throw new Error('no authenticated caller: mount the auth middleware first');
  return caller;
}
