import { createHash } from 'node:crypto';

/** The largest holdout share a segment may set: at least half the leads are always scored. */
export const MAX_HOLDOUT_SHARE = 0.5;

/**
 * A lead's place in [0, 1), the same every time and on every machine: the first 48 bits of
 * sha256(tenant id, a separator no id contains, lead id), divided by 2^48. Uniform enough that
 * shares are honoured to a fraction of a percent on a few thousand leads.
 */
export function holdoutPosition(tenantId: string, leadId: string): number {
  const digest = createHash('sha256').update(`${tenantId}\u001f${leadId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * True when the lead is in the randomised holdout: routed without the model so RevOps can compare
 * conversion with and without scoring. Raising the share only adds leads (positions are fixed).
 */
export function inHoldout(tenantId: string, leadId: string, share: number): boolean {
  if (!Number.isFinite(share) || share < 0 || share > MAX_HOLDOUT_SHARE) {
    throw new RangeError(`holdout share ${share} must be between 0 and ${MAX_HOLDOUT_SHARE}`);
  }
  return holdoutPosition(tenantId, leadId) < share;
}
