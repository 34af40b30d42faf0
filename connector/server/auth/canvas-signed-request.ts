import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** How old a Canvas signed request may be before it is refused as a possible replay. */
export const CANVAS_MAX_AGE_MS = 5 * 60_000;
/** Clock skew tolerated for a signed request that claims to come from the future. */
const CANVAS_MAX_FUTURE_SKEW_MS = 60_000;
/** Salesforce's signed requests are a few kilobytes; this bounds the work done on garbage. */
const MAX_SIGNED_REQUEST_LENGTH = 200_000;

/** Standard Base64 with padding, the alphabet Salesforce signs with; base64url is refused. */
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const salesforceId = z
  .string()
  .regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce id');

/**
 * The parts of the CanvasRequest LeadScore reads. Salesforce sends much more (application, links,
 * dimensions, parameters); unknown fields are kept out of the result, not refused.
 */
const canvasEnvelopeSchema = z.object({
  algorithm: z.literal('HMACSHA256'),
  issuedAt: z.number().int(),
  userId: salesforceId,
  client: z.object({
    oauthToken: z.string().min(1),
    instanceUrl: z.string().min(1),
    targetOrigin: z.string().optional(),
  }),
  context: z.object({
    user: z.object({ userId: salesforceId }),
    organization: z.object({ organizationId: salesforceId }),
    environment: z
      .object({ record: z.object({ Id: salesforceId.optional() }).partial().optional() })
      .partial()
      .optional(),
  }),
});

export interface CanvasIdentity {
  organizationId: string;
  userId: string;
  /** The record the panel was opened on, when Salesforce passed one. */
  recordId?: string;
  instanceUrl: string;
}

export type CanvasCheck = { ok: true; identity: CanvasIdentity } | { ok: false; reason: string };

/**
 * `issuedAt` is documented as "for internal use only" today (older docs: when the oauthToken was
 * issued; the Canvas SDK types it as a Unix time). It is read as epoch seconds, or milliseconds
 * when the value is that large, and anything older than the window is refused.
 */
function issuedAtMs(issuedAt: number): number {
  return Math.abs(issuedAt) >= 100_000_000_000 ? issuedAt : issuedAt * 1000;
}

/**
 * Verifies a Canvas signed request `<base64 signature>.<base64 JSON envelope>`: HMAC-SHA256 of the
 * envelope's Base64 text (as received, never re-encoded JSON) under the consumer secret, compared in
 * constant time. Reasons name what is wrong and never include the token or the signature.
 */
export function verifyCanvasSignedRequest(input: {
  signedRequest: string;
  consumerSecret: string;
  nowMs: number;
  maxAgeMs?: number;
}): CanvasCheck {
  const { signedRequest } = input;
  if (signedRequest.length === 0) return { ok: false, reason: 'signed request is empty' };
  if (signedRequest.length > MAX_SIGNED_REQUEST_LENGTH)
    return { ok: false, reason: 'signed request is too long' };
  const dot = signedRequest.indexOf('.');
  if (dot <= 0 || dot === signedRequest.length - 1)
    return { ok: false, reason: 'signed request must be <base64 signature>.<base64 envelope>' };
  const signature = signedRequest.slice(0, dot);
  const envelopeBase64 = signedRequest.slice(dot + 1);
  if (!STANDARD_BASE64.test(signature))
    return {
      ok: false,
      reason: 'signed request signature is not standard Base64 (base64url is not what Salesforce sends)',
    };
  if (!STANDARD_BASE64.test(envelopeBase64))
    return { ok: false, reason: 'signed request envelope is not standard Base64' };

  const expected = createHmac('sha256', input.consumerSecret).update(envelopeBase64).digest();
  const received = Buffer.from(signature, 'base64');
  if (received.length !== expected.length || !timingSafeEqual(received, expected))
    return { ok: false, reason: 'signed request signature does not match the Canvas consumer secret' };

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(envelopeBase64, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'signed request envelope is not JSON' };
  }
  const envelope = canvasEnvelopeSchema.safeParse(decoded);
  if (!envelope.success) {
    const fields = envelope.error.issues.map((issue) => issue.path.join('.') || '(envelope)');
    return {
      ok: false,
      reason: `signed request envelope lacks or has invalid: ${[...new Set(fields)].join(', ')}`,
    };
  }
  const value = envelope.data;
  if (value.userId !== value.context.user.userId)
    return { ok: false, reason: 'signed request userId and context.user.userId differ' };
  const ageMs = input.nowMs - issuedAtMs(value.issuedAt);
  if (ageMs > (input.maxAgeMs ?? CANVAS_MAX_AGE_MS))
    return {
      ok: false,
      reason: 'signed request is stale (issuedAt more than 5 minutes ago): reload the panel',
    };
  if (ageMs < -CANVAS_MAX_FUTURE_SKEW_MS)
    return { ok: false, reason: 'signed request issuedAt is in the future' };
  const recordId = value.context.environment?.record?.Id;
  return {
    ok: true,
    identity: {
      organizationId: value.context.organization.organizationId,
      userId: value.userId,
      instanceUrl: value.client.instanceUrl,
      ...(recordId === undefined ? {} : { recordId }),
    },
  };
}

const ID_CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Salesforce's 18-character form of a 15-character id (the case-safe suffix); 18-character ids pass through. */
export function toEighteenCharacterId(id: string): string {
  if (id.length !== 15) return id;
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let bits = 0;
    for (let position = 0; position < 5; position += 1) {
      const character = id.charAt(block * 5 + position);
      if (character >= 'A' && character <= 'Z') bits |= 1 << position;
    }
    suffix += ID_CHECKSUM_ALPHABET.charAt(bits);
  }
  return id + suffix;
}
