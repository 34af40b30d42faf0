import { isoDateTime } from '../schemas/common.ts';
import { defaultSettings, type Settings, settingsSchema } from '../schemas/settings.ts';
import { type Tenant, tenantSchema } from '../schemas/tenant.ts';
import { describeProblems, validateRecord } from '../schemas/validate.ts';
import { tenantKeys, tenantRegistryKey } from './keys.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';
import type { SealedSecret, TokenKeyRing } from './token-crypto.ts';

export type TenantStatus = Tenant['status'];
export type Provider = Tenant['provider'];

/** A tenant as the product reads it. Tokens are never part of it: ask `tokens()` for them. */
export interface TenantProfile {
  id: string;
  provider: Provider;
  instanceUrl: string | null;
  /**
   * Salesforce: the CRM user the connection acts as (a dedicated integration user). Incremental syncs
   * skip changes made by this user, i.e. LeadScore's own score writes. Null for HubSpot.
   */
  integrationUserId: string | null;
  /**
   * Salesforce: the namespace of the LeadScore managed package when the org has it installed
   * (`leadscore`: its fields are `leadscore__LeadScore_Score__c`...), null for an OAuth-only
   * connection and for HubSpot.
   */
  namespace: string | null;
  settings: Settings;
  installedAt: string;
  status: TenantStatus;
  /** Why the tenant is not active (what the admin must do to reconnect), null when active. */
  statusReason: string | null;
  statusChangedAt: string;
}

export interface PlainTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt?: string;
}

export interface NewTenant {
  id: string;
  provider: Provider;
  instanceUrl?: string;
  integrationUserId?: string;
  namespace?: string | null;
  tokens: PlainTokens;
  settings?: Settings;
  installedAt?: string;
}

interface StoredTokens {
  accessToken: SealedSecret;
  refreshToken: SealedSecret;
  expiresAt?: string;
}

/**
 * Tenants: one hash each (profile, settings, status, sealed tokens), plus the registry of tenant
 * ids, which lives outside any tenant's slot and is therefore always written on its own.
 */
export class TenantsRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyRing: TokenKeyRing | undefined,
  ) {}

  private ring(): TokenKeyRing {
    if (this.keyRing === undefined) {
      throw new StoreError(
        'MISSING_KEY',
        'the store was created without a token key ring (TOKEN_ENCRYPTION_KEY)',
      );
    }
    return this.keyRing;
  }

  private seal(tenantId: string, tokens: PlainTokens): string {
    if (tokens.expiresAt !== undefined && !isoDateTime.safeParse(tokens.expiresAt).success) {
      throw new StoreError('INVALID_INPUT', `token expiry of ${tenantId} must be an ISO-8601 date-time`, {
        tenantId,
      });
    }
    const ring = this.ring();
    const stored: StoredTokens = {
      accessToken: ring.seal(tokens.accessToken, `${tenantId}:accessToken`),
      refreshToken: ring.seal(tokens.refreshToken, `${tenantId}:refreshToken`),
      ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
    };
    return JSON.stringify(stored);
  }

  async create(input: NewTenant): Promise<TenantProfile> {
    const now = new Date().toISOString();
    const candidate = {
      id: input.id,
      provider: input.provider,
      instanceUrl: input.instanceUrl,
      tokens: { accessToken: 'sealed', refreshToken: 'sealed' },
      settings: input.settings ?? defaultSettings(),
      installedAt: input.installedAt ?? now,
    };
    const checked = validateRecord(tenantSchema, candidate);
    if (!checked.ok) {
      throw new StoreError('INVALID_INPUT', `tenant ${input.id}: ${describeProblems(checked.problems)}`, {
        tenantId: input.id,
      });
    }
    const tenant = checked.value;
    const keys = tenantKeys(tenant.id);
    const claimed = await this.redis.hsetnx(
      keys.tenant,
      'profile',
      JSON.stringify({
        provider: tenant.provider,
        instanceUrl: tenant.instanceUrl ?? null,
        integrationUserId: input.integrationUserId ?? null,
        namespace: input.namespace ?? null,
        installedAt: tenant.installedAt,
      }),
    );
    if (claimed === 0) {
      throw new StoreError('ALREADY_EXISTS', `tenant ${tenant.id} already exists`, { tenantId: tenant.id });
    }
    await this.redis.hset(keys.tenant, {
      settings: JSON.stringify(tenant.settings),
      status: 'active',
      statusReason: '',
      statusChangedAt: now,
      tokens: this.seal(tenant.id, input.tokens),
    });
    await this.redis.zadd(tenantRegistryKey, 0, tenant.id);
    return this.require(tenant.id);
  }

  async get(tenantId: string): Promise<TenantProfile | undefined> {
    const fields = await this.redis.hgetall(tenantKeys(tenantId).tenant);
    if (fields.profile === undefined) return undefined;
    const profile = JSON.parse(fields.profile) as {
      provider: Provider;
      instanceUrl: string | null;
      integrationUserId?: string | null;
      namespace?: string | null;
      installedAt: string;
    };
    return {
      id: tenantId,
      provider: profile.provider,
      instanceUrl: profile.instanceUrl,
      integrationUserId: profile.integrationUserId ?? null,
      namespace: profile.namespace ?? null,
      installedAt: profile.installedAt,
      settings: settingsSchema.parse(JSON.parse(fields.settings ?? 'null')),
      status: (fields.status ?? 'active') as TenantStatus,
      statusReason: fields.statusReason ? fields.statusReason : null,
      statusChangedAt: fields.statusChangedAt ?? profile.installedAt,
    };
  }

  private async require(tenantId: string): Promise<TenantProfile> {
    const tenant = await this.get(tenantId);
    if (tenant === undefined)
      throw new StoreError('NOT_FOUND', `tenant ${tenantId} does not exist`, { tenantId });
    return tenant;
  }

  /** Every installed tenant id, in id order. */
  async list(): Promise<string[]> {
    return this.redis.zrange(tenantRegistryKey, 0, '-1');
  }

  async updateSettings(tenantId: string, settings: Settings): Promise<TenantProfile> {
    const checked = validateRecord(settingsSchema, settings);
    if (!checked.ok) {
      throw new StoreError(
        'INVALID_INPUT',
        `settings of ${tenantId}: ${describeProblems(checked.problems)}`,
        { tenantId },
      );
    }
    await this.require(tenantId);
    await this.redis.hset(tenantKeys(tenantId).tenant, 'settings', JSON.stringify(checked.value));
    return this.require(tenantId);
  }

  /** Pauses, flags or reactivates a tenant; a non-active status needs the reason shown to the admin. */
  async setStatus(
    tenantId: string,
    status: TenantStatus,
    reason: string | null = null,
  ): Promise<TenantProfile> {
    if (status !== 'active' && (reason === null || reason.trim() === '')) {
      throw new StoreError('INVALID_INPUT', `status ${status} of ${tenantId} needs a reason for the admin`, {
        tenantId,
      });
    }
    await this.require(tenantId);
    await this.redis.hset(tenantKeys(tenantId).tenant, {
      status,
      statusReason: status === 'active' ? '' : (reason ?? ''),
      statusChangedAt: new Date().toISOString(),
    });
    return this.require(tenantId);
  }

  /** Replaces the tenant's tokens (after a refresh or a reinstall), sealed under the current key. */
  async saveTokens(tenantId: string, tokens: PlainTokens): Promise<void> {
    await this.require(tenantId);
    await this.redis.hset(tenantKeys(tenantId).tenant, 'tokens', this.seal(tenantId, tokens));
  }

  /**
   * A reinstall of an existing tenant (reconnect): new tokens, the connection's instance, user and
   * namespace, and the status back to active. Settings, data and the webhook secret stay.
   */
  async reconnect(
    tenantId: string,
    input: Pick<NewTenant, 'tokens' | 'instanceUrl' | 'integrationUserId' | 'namespace'>,
  ): Promise<TenantProfile> {
    const key = tenantKeys(tenantId).tenant;
    const raw = await this.redis.hget(key, 'profile');
    if (raw === null) throw new StoreError('NOT_FOUND', `tenant ${tenantId} does not exist`, { tenantId });
    const profile = JSON.parse(raw) as Record<string, unknown>;
    await this.redis.hset(key, {
      profile: JSON.stringify({
        ...profile,
        instanceUrl: input.instanceUrl ?? profile.instanceUrl ?? null,
        integrationUserId: input.integrationUserId ?? profile.integrationUserId ?? null,
        namespace: input.namespace ?? null,
      }),
      tokens: this.seal(tenantId, input.tokens),
      status: 'active',
      statusReason: '',
      statusChangedAt: new Date().toISOString(),
    });
    await this.redis.zadd(tenantRegistryKey, 0, tenantId);
    return this.require(tenantId);
  }

  /**
   * Stores the secret the CRM signs change webhooks with (sealed like the tokens). Only when the
   * tenant has none, unless `replace`: a reconnect keeps the secret the package already holds.
   * Returns whether it was stored.
   */
  async saveWebhookSecret(
    tenantId: string,
    secret: string,
    options: { replace?: boolean } = {},
  ): Promise<boolean> {
    if (secret.length < 32) {
      throw new StoreError('INVALID_INPUT', `webhook secret of ${tenantId} must be at least 32 characters`, {
        tenantId,
      });
    }
    await this.require(tenantId);
    const key = tenantKeys(tenantId).tenant;
    const sealed = JSON.stringify(this.ring().seal(secret, `${tenantId}:webhookSecret`));
    if (options.replace === true) {
      await this.redis.hset(key, 'webhookSecret', sealed);
      return true;
    }
    return (await this.redis.hsetnx(key, 'webhookSecret', sealed)) === 1;
  }

  /** The tenant's webhook signing secret in clear, or undefined when it has none. */
  async webhookSecret(tenantId: string): Promise<string | undefined> {
    const value = await this.redis.hget(tenantKeys(tenantId).tenant, 'webhookSecret');
    if (value === null) return undefined;
    return this.ring().open(JSON.parse(value) as SealedSecret, `${tenantId}:webhookSecret`);
  }

  /** The tenant's tokens in clear, or undefined when it has none stored. */
  async tokens(tenantId: string): Promise<PlainTokens | undefined> {
    const value = await this.redis.hget(tenantKeys(tenantId).tenant, 'tokens');
    if (value === null) return undefined;
    const stored = JSON.parse(value) as StoredTokens;
    const ring = this.ring();
    return {
      accessToken: ring.open(stored.accessToken, `${tenantId}:accessToken`),
      refreshToken: ring.open(stored.refreshToken, `${tenantId}:refreshToken`),
      ...(stored.expiresAt === undefined ? {} : { expiresAt: stored.expiresAt }),
    };
  }

  /** Re-encrypts the tenant's tokens under the current key when they are under an older one. */
  async rotateTokens(tenantId: string): Promise<boolean> {
    const value = await this.redis.hget(tenantKeys(tenantId).tenant, 'tokens');
    if (value === null) return false;
    const stored = JSON.parse(value) as StoredTokens;
    const ring = this.ring();
    const secretRotated = await this.rotateWebhookSecret(tenantId);
    if (ring.isCurrent(stored.accessToken) && ring.isCurrent(stored.refreshToken)) return secretRotated;
    const tokens = await this.tokens(tenantId);
    if (tokens === undefined) return secretRotated;
    await this.redis.hset(tenantKeys(tenantId).tenant, 'tokens', this.seal(tenantId, tokens));
    return true;
  }

  /** The webhook secret rotates with the tokens: it is sealed under the same key ring. */
  private async rotateWebhookSecret(tenantId: string): Promise<boolean> {
    const value = await this.redis.hget(tenantKeys(tenantId).tenant, 'webhookSecret');
    if (value === null || this.ring().isCurrent(JSON.parse(value) as SealedSecret)) return false;
    const secret = await this.webhookSecret(tenantId);
    if (secret === undefined) return false;
    await this.saveWebhookSecret(tenantId, secret, { replace: true });
    return true;
  }

  /**
   * Rotates every registered tenant. A tenant whose tokens cannot be opened (its key is gone, or
   * the ciphertext fails authentication) is listed with the reason and the others still rotate.
   */
  async rotateAll(): Promise<{ rotated: number; failed: { tenantId: string; reason: string }[] }> {
    const report = { rotated: 0, failed: [] as { tenantId: string; reason: string }[] };
    for (const tenantId of await this.list()) {
      try {
        if (await this.rotateTokens(tenantId)) report.rotated += 1;
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        report.failed.push({ tenantId, reason: error.message });
      }
    }
    return report;
  }

  /** Removes the tenant from the registry (its keys are purged by the store, see purgeTenant). */
  async unregister(tenantId: string): Promise<void> {
    tenantKeys(tenantId);
    const pipeline = this.redis.pipeline();
    pipeline.zrem(tenantRegistryKey, tenantId);
    await execOrThrow(pipeline, `unregister ${tenantId}`);
  }
}
