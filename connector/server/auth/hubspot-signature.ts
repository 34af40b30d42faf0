import { createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot's v3 request signature: how long a signed request stays acceptable. */
export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 5 * 60_000;

export const HUBSPOT_SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';

/**
 * HubSpot decodes these percent-escapes in the URI before it signs it (its documentation lists
 * them); the verifier must see the URI the same way.
 */
const DECODED_ESCAPES: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function normaliseSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (encoded) => {
    return DECODED_ESCAPES[encoded.toUpperCase()] ?? encoded;
  });
}

export interface HubspotSignedRequest {
  method: string;
  /** The full URI HubSpot called: the public base URL, the path and the query. */
  uri: string;
  /** The raw body exactly as received (empty for GET). */
  rawBody: Buffer | string;
  /** The `X-HubSpot-Request-Timestamp` header: epoch milliseconds. */
  timestamp: string;
}

/** base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)). */
export function hubspotSignatureV3(secret: string, request: HubspotSignedRequest): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(request.method.toUpperCase());
  hmac.update(normaliseSignedUri(request.uri));
  hmac.update(request.rawBody);
  hmac.update(request.timestamp);
  return hmac.digest('base64');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a v3 signature: both headers present, the timestamp within five minutes of now, and the
 * signature equal to ours, compared in constant time. The reason never contains the signature.
 */
export function verifyHubspotSignatureV3(input: {
  secret: string;
  method: string;
  uri: string;
  rawBody: Buffer | string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs: number;
}): SignatureCheck {
  if (!input.signature) return { ok: false, reason: `missing ${HUBSPOT_SIGNATURE_HEADER} header` };
  if (!input.timestamp) return { ok: false, reason: `missing ${HUBSPOT_TIMESTAMP_HEADER} header` };
  if (!/^\d{1,16}$/.test(input.timestamp))
    return { ok: false, reason: `${HUBSPOT_TIMESTAMP_HEADER} must be epoch milliseconds` };
  const age = input.nowMs - Number(input.timestamp);
  if (Math.abs(age) > HUBSPOT_SIGNATURE_MAX_AGE_MS)
    return { ok: false, reason: 'request timestamp is more than 5 minutes from now' };
  const expected = Buffer.from(
    hubspotSignatureV3(input.secret, {
      method: input.method,
      uri: input.uri,
      rawBody: input.rawBody,
      timestamp: input.timestamp,
    }),
    'base64',
  );
  const received = Buffer.from(input.signature, 'base64');
  if (received.length !== expected.length || !timingSafeEqual(received, expected))
    return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
