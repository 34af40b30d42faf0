import { z } from 'zod';
import { isoDateTime } from '../schemas/common.ts';
import { tenantKeys } from './keys.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

/** The newest settings changes a tenant keeps; older ones drop off. */
export const SETTINGS_AUDIT_KEPT = 500;

/** One changed field: its path in the settings (`segments.smb.hotThreshold`), old and new value. */
export const settingsChangeSchema = z.strictObject({
  path: z.string().min(1).max(300),
  from: z.json().optional(),
  to: z.json().optional(),
});
export type SettingsChange = z.infer<typeof settingsChangeSchema>;

export const settingsAuditEntrySchema = z.strictObject({
  /** The settings version the change produced. */
  version: z.number().int().positive(),
  previousVersion: z.number().int().nonnegative(),
  /** The CRM user id of the admin who saved it. */
  userId: z.string().min(1).max(200),
  at: isoDateTime,
  changes: z.array(settingsChangeSchema),
});
export type SettingsAuditEntry = z.infer<typeof settingsAuditEntrySchema>;

/** Who changed a tenant's settings, when, and what changed: newest first. */
export class SettingsAuditRepository {
  constructor(private readonly redis: RedisClient) {}

  async record(tenantId: string, entry: SettingsAuditEntry): Promise<void> {
    const parsed = settingsAuditEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new StoreError(
        'INVALID_INPUT',
        `settings audit entry of ${tenantId} is invalid: ${parsed.error.message}`,
        { tenantId },
      );
    }
    const key = tenantKeys(tenantId).settingsAudit;
    const transaction = this.redis.multi();
    transaction.lpush(key, JSON.stringify(parsed.data));
    transaction.ltrim(key, 0, SETTINGS_AUDIT_KEPT - 1);
    await execOrThrow(transaction, `record a settings change of ${tenantId}`);
  }

  /** Newest first, at most `limit`. */
  async list(tenantId: string, limit = SETTINGS_AUDIT_KEPT): Promise<SettingsAuditEntry[]> {
    const values = await this.redis.lrange(tenantKeys(tenantId).settingsAudit, 0, Math.max(0, limit - 1));
    return values.map((value) => settingsAuditEntrySchema.parse(JSON.parse(value)));
  }
}
