import { z } from 'zod';
import { tenantIdSchema } from '../../shared/schemas/common.ts';
import type { QueueName } from './queue-names.ts';

/** Record ids as the CRMs and the store issue them; never an email, a name or a token. */
const recordIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a record id: 1-64 letters, digits, "_" or "-"');
const modelVersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a model version such as m-2026-02-01');
/** A queue job id (scheduler runs read `repeat:<key>:<time>`): letters, digits and `._:-`. */
const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be a job id: 1-200 letters, digits, ".", "_", ":" or "-"');
const idList = (max: number) =>
  z.array(recordIdSchema).min(1, 'must list at least one id').max(max, `must list at most ${max} ids`);

export const jobPayloadSchemas = {
  sync: z.strictObject({
    tenantId: tenantIdSchema,
    mode: z.enum(['full', 'incremental', 'records']),
    reason: z.enum(['install', 'schedule', 'webhook', 'manual']),
    /** Only for mode "records": the CRM ids a webhook or change event named. */
    crmIds: idList(100).optional(),
  }),
  train: z.strictObject({
    tenantId: tenantIdSchema,
    reason: z.enum(['schedule', 'drift', 'manual', 'cold-start-ended', 'install']),
  }),
  score: z.strictObject({
    tenantId: tenantIdSchema,
    /** The leads that asked for a score; empty (or absent): a pass over every open lead of the tenant. */
    leadIds: z.array(recordIdSchema).max(500, 'must list at most 500 ids').default([]),
    /**
     * The job whose success asked for this pass (a sync or a training): its retries ask for the same
     * pass, the next sync or training for a new one.
     */
    after: jobIdSchema.optional(),
  }),
  /**
   * Real-time rescoring of the leads CRM events named. The job of one coalescing window: its payload
   * (hence its job id) is the same for every event of the window, and the lead ids wait in the
   * tenant's pending set (see worker/rescore/pending-rescores.ts), so no list grows in job data.
   * `leadIds` are CRM ids (a Salesforce Lead/Contact id, a HubSpot contact id), what fetchLeads and
   * activitiesForLeads take; given, they are rescored besides the pending set's (manual requests).
   */
  rescore: z.strictObject({
    tenantId: tenantIdSchema,
    /**
     * Epoch ms the window opened: the receive time of its first (oldest) event, for the event →
     * write latency. A time, not personal data.
     */
    window: z.number().int('must be whole epoch milliseconds').nonnegative('must be epoch milliseconds'),
    /** Activities changed at or after this time (ISO) are read for the leads. */
    since: z.iso.datetime({ message: 'must be an ISO date-time such as 2026-02-01T10:00:00.000Z' }),
    reason: z.enum(['webhook', 'manual']),
    leadIds: idList(500).optional(),
  }),
  writeback: z.strictObject({
    tenantId: tenantIdSchema,
    modelVersion: modelVersionSchema,
    leadIds: idList(500),
  }),
  route: z
    .strictObject({
      tenantId: tenantIdSchema,
      modelVersion: modelVersionSchema,
      leadId: recordIdSchema.optional(),
      /** Leads routed together, so their tasks are created in batches. */
      leadIds: idList(500).optional(),
    })
    .refine((payload) => payload.leadId !== undefined || payload.leadIds !== undefined, {
      message: 'must name leadId or leadIds',
    }),
  maintenance: z.strictObject({
    tenantId: tenantIdSchema,
    task: z.enum(['retention', 'drift']),
  }),
} as const satisfies Record<QueueName, z.ZodType>;

export type JobPayload<Q extends QueueName> = z.infer<(typeof jobPayloadSchemas)[Q]>;
export type AnyJobPayload = { [Q in QueueName]: JobPayload<Q> }[QueueName];

/** Keys that would put a secret or a person into Redis job data, wherever they appear. */
const FORBIDDEN_KEY =
  /(token|secret|password|authorization|cookie|api[-_]?key|signature|email|phone|firstname|lastname|fullname|^name$)/i;
const EMAIL_VALUE = /[^\s@]+@[^\s@]+\.[^\s@]+/;

export class InvalidJobPayloadError extends Error {
  override readonly name = 'InvalidJobPayloadError';
  constructor(
    readonly queue: QueueName,
    readonly problems: string[],
  ) {
    super(`${queue} job payload rejected: ${problems.join('; ')}`);
  }
}

function personalDataProblems(value: unknown, path: string, problems: string[]): void {
  if (typeof value === 'string') {
    if (EMAIL_VALUE.test(value)) problems.push(`${path || 'value'}: looks like an email address`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEY.test(key)) problems.push(`${at}: not allowed`);
    personalDataProblems(item, at, problems);
  }
}

/**
 * Parses a job's data for its queue. Tokens and personal data are refused by name first, so the
 * error says why rather than "unrecognized key"; then the schema checks every id.
 */
export function parseJobPayload<Q extends QueueName>(queue: Q, data: unknown): JobPayload<Q> {
  const problems: string[] = [];
  personalDataProblems(data, '', problems);
  if (problems.length > 0) {
    throw new InvalidJobPayloadError(queue, [
      ...problems,
      'job payloads carry ids, never tokens or personal data',
    ]);
  }
  const result = jobPayloadSchemas[queue].safeParse(data);
  if (!result.success) {
    throw new InvalidJobPayloadError(
      queue,
      result.error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`),
    );
  }
  return result.data as JobPayload<Q>;
}
