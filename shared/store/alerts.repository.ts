import { z } from 'zod';
import { isoDateTime } from '../schemas/common.ts';
import { tenantKeys } from './keys.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

/** The newest alerts a tenant keeps; older ones drop off. */
export const ALERTS_KEPT = 100;

export const alertSchema = z.strictObject({
  /** What happened, in snake case: `model_load_failed`, `champion_load_failed`, ... */
  kind: z.string().regex(/^[a-z][a-z_]{0,63}$/, 'must be a snake_case kind such as model_load_failed'),
  message: z.string().min(1).max(2_000),
  at: isoDateTime,
  segment: z.string().min(1).max(200).optional(),
  modelVersion: z.string().min(1).max(64).optional(),
});
export type Alert = z.infer<typeof alertSchema>;

/** Things RevOps should see on the model health page, newest first. */
export class AlertsRepository {
  constructor(private readonly redis: RedisClient) {}

  async add(tenantId: string, alert: Alert): Promise<void> {
    const parsed = alertSchema.safeParse(alert);
    if (!parsed.success) {
      throw new StoreError('INVALID_INPUT', `alert of ${tenantId} is invalid: ${parsed.error.message}`, {
        tenantId,
      });
    }
    const key = tenantKeys(tenantId).alerts;
    const transaction = this.redis.multi();
    transaction.lpush(key, JSON.stringify(parsed.data));
    transaction.ltrim(key, 0, ALERTS_KEPT - 1);
    await execOrThrow(transaction, `add a ${parsed.data.kind} alert to ${tenantId}`);
  }

  /** Newest first, at most ALERTS_KEPT. */
  async list(tenantId: string): Promise<Alert[]> {
    const values = await this.redis.lrange(tenantKeys(tenantId).alerts, 0, -1);
    return values.map((value) => alertSchema.parse(JSON.parse(value)));
  }
}
