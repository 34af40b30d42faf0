import type { Logger } from '../../../shared/logger.ts';
import { assertRecordId, tenantTag } from '../../../shared/store/keys.ts';
import type { RedisClient } from '../../../shared/store/store.ts';
import { isHubspotSuperAdmin } from '../../providers/hubspot/user-roles.ts';
import { hasLeadscoreAdminPermission } from '../../providers/salesforce/user-permissions.ts';
import type { CallerRole } from './caller.ts';

/** A role change in the CRM reaches LeadScore within this long. */
export const ROLE_CACHE_SECONDS = 5 * 60;

/** What the server needs to ask a tenant's CRM about one of its users. */
export type CrmAccess =
  | { provider: 'hubspot'; accessToken: string; apiBase: string }
  | {
      provider: 'salesforce';
      accessToken: string;
      instanceUrl: string;
      apiVersion: string;
      allowedInstanceHosts?: readonly string[];
    };

/** The tenant's CRM access, undefined when it has no tokens stored (tests pass a stub). */
export type ConnectorTokens = (tenantId: string) => Promise<CrmAccess | undefined>;

/** Asks the CRM whether the user is an admin of LeadScore (HubSpot super admin, Salesforce LeadScore_Admin). */
export async function roleFromCrm(access: CrmAccess, userId: string): Promise<CallerRole> {
  if (access.provider === 'hubspot') {
    const superAdmin = await isHubspotSuperAdmin({
      accessToken: access.accessToken,
      apiBase: access.apiBase,
      userId,
    });
    return superAdmin === true ? 'admin' : 'rep';
  }
  const admin = await hasLeadscoreAdminPermission({
    instanceUrl: access.instanceUrl,
    accessToken: access.accessToken,
    apiVersion: access.apiVersion,
    userId,
    allowedInstanceHosts: access.allowedInstanceHosts,
  });
  return admin ? 'admin' : 'rep';
}

/**
 * Holds a user's role for this key's lifetime. The key is under the tenant's tag, so uninstalling
 * (which purges `ls:{tenant}:*`) forgets it too.
 */
function roleKey(tenantId: string, userId: string): string {
  assertRecordId(tenantId, 'user id', userId);
  return `${tenantTag(tenantId)}panel-role:${userId}`;
}

export interface RoleResolver {
  roleOf(tenantId: string, userId: string): Promise<CallerRole>;
}

/**
 * Roles come from the CRM, cached in Redis for five minutes per (tenant, user). When the CRM cannot
 * answer (tokens missing or expired, the CRM down) the user is a rep for this request and nothing is
 * cached: reading is never blocked by the CRM, and admin rights are never assumed.
 */
export function createRoleResolver(deps: {
  redis: RedisClient;
  connectorTokens: ConnectorTokens;
  logger: Logger;
  lookup?: (access: CrmAccess, userId: string) => Promise<CallerRole>;
}): RoleResolver {
  const lookup = deps.lookup ?? roleFromCrm;
  return {
    async roleOf(tenantId, userId) {
      const key = roleKey(tenantId, userId);
      const cached = await deps.redis.get(key);
      if (cached === 'admin' || cached === 'rep') return cached;
      const access = await deps.connectorTokens(tenantId);
      if (access === undefined) {
        deps.logger.warn({ tenantId }, 'no CRM tokens to read the caller role: treating the caller as a rep');
        return 'rep';
      }
      let role: CallerRole;
      try {
        role = await lookup(access, userId);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        deps.logger.warn(
          { tenantId, code: typeof code === 'string' ? code : 'UNKNOWN' },
          'the CRM did not tell the caller role: treating the caller as a rep',
        );
        return 'rep';
      }
      await deps.redis.set(key, role, 'EX', ROLE_CACHE_SECONDS);
      return role;
    },
  };
}
