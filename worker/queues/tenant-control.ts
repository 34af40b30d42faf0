import type { Cluster, Redis } from 'ioredis';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantTag } from '../../shared/store/keys.ts';
import type { TenantsRepository } from '../../shared/store/tenants.repository.ts';

/**
 * What the queues need from the tenant record: stop a tenant's jobs and ask for reconnection. The
 * store's tenants repository (status active | paused | auth_revoked) can implement it directly.
 */
export interface TenantControl {
  pause(tenantId: TenantId, reason: string): Promise<void>;
  flagForReconnection(tenantId: TenantId, reason: string): Promise<void>;
  isPaused(tenantId: TenantId): Promise<boolean>;
  resume(tenantId: TenantId): Promise<void>;
}

export type TenantControlState = { status: 'active' } | { status: 'paused' | 'auth_revoked'; reason: string };

/** Kept in the tenant's own hash slot: `<prefix>:{<tenantId>}:control`. */
export function tenantControlKey(tenantId: TenantId): string {
  return `${tenantTag(tenantId)}control`;
}

export class RedisTenantControl implements TenantControl {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly now: () => number = Date.now,
  ) {}

  async pause(tenantId: TenantId, reason: string): Promise<void> {
    // HSETNX: a tenant already flagged auth_revoked keeps that status.
    const key = tenantControlKey(tenantId);
    await this.redis
      .multi()
      .hsetnx(key, 'status', 'paused')
      .hsetnx(key, 'reason', reason)
      .hsetnx(key, 'since', new Date(this.now()).toISOString())
      .exec();
  }

  async flagForReconnection(tenantId: TenantId, reason: string): Promise<void> {
    await this.redis.hset(tenantControlKey(tenantId), {
      status: 'auth_revoked',
      reason,
      since: new Date(this.now()).toISOString(),
    });
  }

  async isPaused(tenantId: TenantId): Promise<boolean> {
    return (await this.redis.hexists(tenantControlKey(tenantId), 'status')) === 1;
  }

  async state(tenantId: TenantId): Promise<TenantControlState> {
    const fields = await this.redis.hgetall(tenantControlKey(tenantId));
    if (fields.status === 'paused' || fields.status === 'auth_revoked') {
      return { status: fields.status, reason: fields.reason ?? '' };
    }
    return { status: 'active' };
  }

  async resume(tenantId: TenantId): Promise<void> {
    await this.redis.del(tenantControlKey(tenantId));
  }
}

/** The same contract in memory, for inline runs and unit tests. */
export class InMemoryTenantControl implements TenantControl {
  readonly states = new Map<TenantId, TenantControlState>();

  async pause(tenantId: TenantId, reason: string): Promise<void> {
    if (!this.states.has(tenantId)) this.states.set(tenantId, { status: 'paused', reason });
  }

  async flagForReconnection(tenantId: TenantId, reason: string): Promise<void> {
    this.states.set(tenantId, { status: 'auth_revoked', reason });
  }

  async isPaused(tenantId: TenantId): Promise<boolean> {
    return this.states.has(tenantId);
  }

  state(tenantId: TenantId): TenantControlState {
    return this.states.get(tenantId) ?? { status: 'active' };
  }

  async resume(tenantId: TenantId): Promise<void> {
    this.states.delete(tenantId);
  }
}

/**
 * The contract on the store's tenants repository (status active | paused | auth_revoked): what the
 * admin sees. A tenant the store does not know (purged on uninstall) runs no jobs either.
 */
export class StoreTenantControl implements TenantControl {
  constructor(private readonly tenants: TenantsRepository) {}

  async pause(tenantId: TenantId, reason: string): Promise<void> {
    const tenant = await this.tenants.get(tenantId);
    // A tenant already flagged auth_revoked keeps that status and its reason.
    if (tenant?.status === 'active') await this.tenants.setStatus(tenantId, 'paused', reason);
  }

  async flagForReconnection(tenantId: TenantId, reason: string): Promise<void> {
    await this.tenants.setStatus(tenantId, 'auth_revoked', reason);
  }

  async isPaused(tenantId: TenantId): Promise<boolean> {
    const tenant = await this.tenants.get(tenantId);
    return tenant === undefined || tenant.status !== 'active';
  }

  async resume(tenantId: TenantId): Promise<void> {
    await this.tenants.setStatus(tenantId, 'active');
  }
}
