import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature LeadScore's managed package puts on its callouts through the Named Credential (the
 * change webhook and the LWC's session exchange): base64(HMAC-SHA256(secret, timestamp + "." + body))
 * under the tenant's own secret, with the timestamp in epoch milliseconds.
 */
export const LEADSCORE_ORG_HEADER = 'x-leadscore-org';
export const LEADSCORE_TIMESTAMP_HEADER = 'x-leadscore-timestamp';
export const LEADSCORE_SIGNATURE_HEADER = 'x-leadscore-signature';
export const LEADSCORE_SIGNATURE_MAX_AGE_MS = 5 * 60_000;

export function leadscoreSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('base64');
}

export type LeadscoreSignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifyLeadscoreSignature(input: {
  secret: string;
  rawBody: Buffer | string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
}): LeadscoreSignatureCheck {
  if (!input.signature) return { ok: false, reason: `missing ${LEADSCORE_SIGNATURE_HEADER} header` };
  if (!input.timestamp) return { ok: false, reason: `missing ${LEADSCORE_TIMESTAMP_HEADER} header` };
  if (!/^\d{1,16}$/.test(input.timestamp))
    return { ok: false, reason: `${LEADSCORE_TIMESTAMP_HEADER} must be epoch milliseconds` };
  if (Math.abs(input.nowMs - Number(input.timestamp)) > LEADSCORE_SIGNATURE_MAX_AGE_MS)
    return { ok: false, reason: 'request timestamp is more than 5 minutes from now' };
  const expected = Buffer.from(leadscoreSignature(input.secret, input.timestamp, input.rawBody), 'base64');
  const received = Buffer.from(input.signature, 'base64');
  if (received.length !== expected.length || !timingSafeEqual(received, expected))
    return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
