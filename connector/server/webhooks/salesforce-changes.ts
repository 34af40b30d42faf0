import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ActivityKind } from '../../../shared/crm-connector.ts';

export const SALESFORCE_ORG_HEADER = 'x-leadscore-org';
export const SALESFORCE_TIMESTAMP_HEADER = 'x-leadscore-timestamp';
export const SALESFORCE_SIGNATURE_HEADER = 'x-leadscore-signature';

/** A signed change POST stays acceptable this long, like HubSpot's. */
export const SALESFORCE_SIGNATURE_MAX_AGE_MS = 5 * 60_000;
export const maxChangesPerBatch = 200;
export const salesforceBodyLimit = '64kb';

const recordId = z
  .string()
  .regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce id');

export const changeBatchSchema = z.strictObject({
  batchId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16-64 characters of A-Z, a-z, 0-9, "_" or "-"'),
  changes: z
    .array(
      z.strictObject({
        sobject: z.enum(['Lead', 'Contact', 'Task', 'Event', 'CampaignMember']),
        recordId,
        leadId: recordId,
        change: z.enum(['insert', 'update', 'delete', 'undelete']),
      }),
    )
    .min(1, 'must list at least one change')
    .max(maxChangesPerBatch, `must list at most ${maxChangesPerBatch} changes (send more in further POSTs)`),
});
export type ChangeBatch = z.infer<typeof changeBatchSchema>;

/** base64(HMAC-SHA256(secret, timestamp + "." + rawBody)): the contract's signature. */
export function salesforceChangeSignature(
  secret: string,
  timestamp: string,
  rawBody: Buffer | string,
): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('base64');
}

export type ChangeSignatureCheck = { ok: true } | { ok: false; reason: string };

/** Timestamp within five minutes, then the signature compared in constant time. */
export function verifyChangeSignature(input: {
  secret: string;
  timestamp: string;
  signature: string;
  rawBody: Buffer;
}): ChangeSignatureCheck {
  const expected = Buffer.from(
    salesforceChangeSignature(input.secret, input.timestamp, input.rawBody),
    'base64',
  );
  const received = Buffer.from(input.signature, 'base64');
  if (received.length !== expected.length || !timingSafeEqual(received, expected))
    return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}

/** The timestamp header's problem, or null when it is epoch milliseconds within the window. */
export function timestampProblem(timestamp: string, nowMs: number): string | null {
  if (!/^\d{1,16}$/.test(timestamp)) return `${SALESFORCE_TIMESTAMP_HEADER} must be epoch milliseconds`;
  if (Math.abs(nowMs - Number(timestamp)) > SALESFORCE_SIGNATURE_MAX_AGE_MS)
    return 'request timestamp is more than 5 minutes from now';
  return null;
}

export type ParsedBatch = { ok: true; batch: ChangeBatch } | { ok: false; problem: string };

export function parseChangeBatch(rawBody: Buffer): ParsedBatch {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, problem: 'the body must be JSON: {"batchId": "...", "changes": [...]}' };
  }
  const result = changeBatchSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    return { ok: false, problem: problems.join('; ') };
  }
  return { ok: true, batch: result.data };
}

/** What each changed object can bring: a Task is a logged email, call, task or page visit. */
const objectKinds: Record<ChangeBatch['changes'][number]['sobject'], ActivityKind[]> = {
  Lead: [],
  Contact: [],
  Task: ['email', 'call', 'task', 'web'],
  Event: ['meeting'],
  CampaignMember: ['campaign'],
};

/** The kinds of activity a batch can bring: a rescore reads only the objects that hold them. */
export function kindsOfBatch(batch: ChangeBatch): ActivityKind[] {
  return [...new Set(batch.changes.flatMap((change) => objectKinds[change.sobject]))];
}

/**
 * The leads whose own Lead or Contact record changed in a batch: only these need their fields read
 * again; a lead named only by Task, Event or CampaignMember changes is already in the store as it is.
 */
export function fieldChangesOfBatch(batch: ChangeBatch): string[] {
  return [
    ...new Set(
      batch.changes
        .filter((change) => change.sobject === 'Lead' || change.sobject === 'Contact')
        .map((change) => change.leadId),
    ),
  ];
}
