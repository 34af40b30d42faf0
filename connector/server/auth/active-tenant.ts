import type { TenantProfile } from '../../../shared/store/tenants.repository.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { forbidden, HttpError } from './http-error.ts';

/**
 * The caller's tenant, which must be installed and active. 404 when LeadScore is not installed there,
 * 403 when it is paused or its CRM access was revoked (the message says what an admin must do).
 */
export async function requireActiveTenant(
  deps: Pick<ServerDependencies, 'store'>,
  tenantId: string,
  where: string,
): Promise<TenantProfile> {
  const tenant = await deps.store.tenants.get(tenantId);
  if (tenant === undefined) {
    throw new HttpError(
      404,
      'TENANT_NOT_INSTALLED',
      `LeadScore is not installed for ${where}: an admin installs it from the marketplace first`,
    );
  }
  if (tenant.status !== 'active') {
    const why = tenant.statusReason ? `: ${tenant.statusReason.slice(0, 200)}` : '';
    throw forbidden(`LeadScore is ${tenant.status.replace('_', ' ')} for ${where}${why}`);
  }
  return tenant;
}
