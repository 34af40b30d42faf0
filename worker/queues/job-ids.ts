import { createHash } from 'node:crypto';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { JobPayload } from './job-payloads.ts';
import type { QueueName } from './queue-names.ts';

/** JSON with sorted keys and sorted id lists: the same work always reads the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sf:00D...` becomes `sf-00D...`: BullMQ refuses ":" in custom job ids. */
export function tenantSlug(tenantId: string): string {
  return tenantId.replace(':', '-');
}

/**
 * The job id of a payload: queue, tenant, and a hash of the rest, so enqueueing the same work twice
 * adds it once while the first job still exists. Side effects stay idempotent on their own keys.
 */
export function jobIdFor<Q extends QueueName>(queue: Q, payload: JobPayload<Q>): string {
  const digest = createHash('sha256').update(canonical(payload)).digest('hex').slice(0, 20);
  return `${queue}.${tenantSlug(payload.tenantId)}.${digest}`;
}

/**
 * The tenant-wide scoring pass a finished job asks for: the same payload (so the same job id) on
 * every retry of that job, a new one for the next sync or training.
 */
export function scorePassAfter(tenantId: TenantId, jobId: string): JobPayload<'score'> {
  return { tenantId, leadIds: [], after: jobId };
}
