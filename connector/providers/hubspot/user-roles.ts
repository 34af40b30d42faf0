import { ConnectorError } from '../../../shared/errors.ts';
import { hubspotDefaults } from './constants.ts';
import { parseHubspotError, parseHubspotResponse } from './parse-hubspot-error.ts';

/** A role lookup answers a panel request: it must not hold the panel for HubSpot's full retry time. */
const USER_LOOKUP_TIMEOUT_MS = 5_000;

export interface HubspotUserLookup {
  accessToken: string;
  /** https://api.hubapi.com, or the sandbox CRM's base URL. */
  apiBase?: string;
  userId: string;
}

/**
 * Whether a HubSpot user is a super admin of the portal: `GET /settings/v3/users/{userId}` (scope
 * `settings.users.read`). Undefined when the portal has no such user. HubSpot's documentation shows
 * `superAdmin` both as a boolean and as the string "false", so only `true` or "true" count.
 */
export async function isHubspotSuperAdmin(lookup: HubspotUserLookup): Promise<boolean | undefined> {
  if (!/^\d{1,20}$/.test(lookup.userId)) {
    throw new ConnectorError('INVALID_INPUT', 'HubSpot user id must be digits', {
      context: { provider: 'hubspot', operation: 'read user role' },
    });
  }
  const base = lookup.apiBase ?? hubspotDefaults.apiBase;
  const operation = 'read user role';
  let response: Response;
  try {
    response = await fetch(`${base}/settings/v3/users/${lookup.userId}`, {
      headers: { authorization: `Bearer ${lookup.accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(USER_LOOKUP_TIMEOUT_MS),
    });
  } catch (error) {
    throw parseHubspotError(error, { context: { operation } });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Kept as text: HubSpot's edge answers some failures with HTML.
  }
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw parseHubspotResponse(
      { status: response.status, body, headers: Object.fromEntries(response.headers) },
      { context: { operation } },
    );
  }
  const superAdmin = (body as { superAdmin?: unknown } | null)?.superAdmin;
  return superAdmin === true || superAdmin === 'true';
}
