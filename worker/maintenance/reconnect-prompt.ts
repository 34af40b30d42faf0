import type { TenantId } from '../../shared/schemas/common.ts';
import type { TenantsRepository } from '../../shared/store/tenants.repository.ts';
import type { TenantControl } from '../queues/tenant-control.ts';

const providerNames = { salesforce: 'Salesforce', hubspot: 'HubSpot' } as const;

/** The reason an admin reads on a tenant whose CRM revoked access: what happened and what to do. */
export function reconnectReason(input: {
  provider: keyof typeof providerNames;
  publicUrl: string;
  retentionDays: number;
  cause: string;
}): string {
  // The cause is the provider's error text (already free of tokens); kept short for the settings page.
  const cause = input.cause.replace(/\s+/g, ' ').slice(0, 160);
  return (
    `${providerNames[input.provider]} revoked LeadScore's access (${cause}). ` +
    `An admin must reconnect at ${input.publicUrl}/oauth/${input.provider}/install; ` +
    `until then nothing syncs, and the tenant's data is deleted after ${input.retentionDays} days.`
  );
}

/**
 * Around the tenants' control: a tenant flagged for reconnection (AUTH_REVOKED) gets a reason that
 * tells its admin where to reconnect, instead of the bare provider error. Data stays (retention
 * decides when it goes).
 */
export function reconnectPromptingTenantControl(
  control: TenantControl,
  options: { tenants: Pick<TenantsRepository, 'get'>; publicUrl: string; retentionDays: number },
): TenantControl {
  return {
    pause: (tenantId, reason) => control.pause(tenantId, reason),
    isPaused: (tenantId) => control.isPaused(tenantId),
    resume: (tenantId) => control.resume(tenantId),
    flagForReconnection: async (tenantId: TenantId, cause: string) => {
      const tenant = await options.tenants.get(tenantId);
      const reason =
        tenant === undefined
          ? cause
          : reconnectReason({
              provider: tenant.provider,
              publicUrl: options.publicUrl.replace(/\/$/, ''),
              retentionDays: options.retentionDays,
              cause,
            });
      await control.flagForReconnection(tenantId, reason);
    },
  };
}
