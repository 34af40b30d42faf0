import { z } from 'zod';
import { assertRecordId, tenantKeys } from './keys.ts';
import type { RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

/** A task owed for one upward crossing, kept on the lead until the CRM task is known. */
const pendingTaskSchema = z.object({ crossing: z.number().int().positive(), subject: z.string().min(1) });
export type PendingTask = z.infer<typeof pendingTaskSchema>;

const leadRoutingSchema = z.object({
  /** Whether the last score routed was at or above the segment's hot threshold. */
  aboveHot: z.boolean(),
  /** Upward crossings of the hot threshold so far (the first one is 1). */
  crossings: z.number().int().nonnegative(),
  /** The nurture flag as the CRM last confirmed it. */
  nurture: z.boolean(),
  pendingTask: pendingTaskSchema.nullable(),
});
export type LeadRoutingState = z.infer<typeof leadRoutingSchema>;

/**
 * The claim on one crossing's task, keyed by (lead, crossing number): `creating` by one job attempt
 * until the CRM answers, then `created` with the task id (or `failed` with the reason).
 */
const taskClaimSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('creating'), owner: z.string().min(1), at: z.number(), subject: z.string() }),
  z.object({ status: z.literal('created'), taskId: z.string().min(1), subject: z.string() }),
  z.object({ status: z.literal('failed'), reason: z.string(), subject: z.string() }),
]);
export type TaskClaim = z.infer<typeof taskClaimSchema>;

/**
 * A lead's state as stored: `<aboveHot 0|1><nurture 0|1>:<crossings>`, plus `:<crossing>:<subject>`
 * while a task is owed ("10:3", "11:4:4:LeadScore hot lead ..."): a few bytes per lead instead of a
 * JSON object with its field names. JSON written before is still read.
 */
function encodeState(state: LeadRoutingState): string {
  const head = `${state.aboveHot ? 1 : 0}${state.nurture ? 1 : 0}:${state.crossings}`;
  return state.pendingTask === null
    ? head
    : `${head}:${state.pendingTask.crossing}:${state.pendingTask.subject}`;
}

function decodeState(value: string, tenantId: string, what: string): LeadRoutingState {
  if (value.startsWith('{')) return parse(leadRoutingSchema, value, tenantId, what);
  const match = /^([01])([01]):(\d+)(?::(\d+):(.+))?$/s.exec(value);
  if (match === null) throw new StoreError('INVALID_INPUT', `${what} is unreadable`, { tenantId });
  return leadRoutingSchema.parse({
    aboveHot: match[1] === '1',
    nurture: match[2] === '1',
    crossings: Number(match[3]),
    pendingTask: match[4] === undefined ? null : { crossing: Number(match[4]), subject: match[5] },
  });
}

/** Leads per Redis command when reading or writing many states. */
const CHUNK = 1_000;

/** Braces never appear in a lead id, so this field cannot collide with one. */
const BASELINE_FIELD = '{baseline}';

function parse<T>(schema: z.ZodType<T>, value: string, tenantId: string, what: string): T {
  const parsed = schema.safeParse(JSON.parse(value));
  if (!parsed.success) throw new StoreError('INVALID_INPUT', `${what} is unreadable`, { tenantId });
  return parsed.data;
}

/** Per lead, where routing left it; per crossing, the claim that makes its task exactly one. */
export class RoutingStateRepository {
  constructor(private readonly redis: RedisClient) {}

  static taskKey(leadId: string, crossing: number): string {
    return `${leadId}:${crossing}`;
  }

  async states(tenantId: string, leadIds: readonly string[]): Promise<Map<string, LeadRoutingState>> {
    const found = new Map<string, LeadRoutingState>();
    if (leadIds.length === 0) return found;
    for (const leadId of leadIds) assertRecordId(tenantId, 'lead id', leadId);
    // In chunks: one command per 1,000 leads, not a hundred thousand arguments in one call.
    for (let start = 0; start < leadIds.length; start += CHUNK) {
      const chunk = leadIds.slice(start, start + CHUNK);
      const values = await this.redis.hmget(tenantKeys(tenantId).routing, ...chunk);
      values.forEach((value, index) => {
        const leadId = chunk[index] ?? '';
        if (value !== null) found.set(leadId, decodeState(value, tenantId, `routing state of ${leadId}`));
      });
    }
    return found;
  }

  async saveStates(tenantId: string, states: ReadonlyMap<string, LeadRoutingState>): Promise<void> {
    if (states.size === 0) return;
    let fields: string[] = [];
    for (const [leadId, state] of states) {
      assertRecordId(tenantId, 'lead id', leadId);
      fields.push(leadId, encodeState(leadRoutingSchema.parse(state)));
      if (fields.length === 2 * CHUNK) {
        await this.redis.hset(tenantKeys(tenantId).routing, ...fields);
        fields = [];
      }
    }
    if (fields.length > 0) await this.redis.hset(tenantKeys(tenantId).routing, ...fields);
  }

  async hasBaseline(tenantId: string): Promise<boolean> {
    return (await this.redis.hexists(tenantKeys(tenantId).routing, BASELINE_FIELD)) === 1;
  }

  async markBaseline(tenantId: string, at: string): Promise<void> {
    await this.redis.hsetnx(tenantKeys(tenantId).routing, BASELINE_FIELD, at);
  }

  /** Claims the crossing's task for `owner` unless it is claimed already; returns the claim in force. */
  async claim(
    tenantId: string,
    key: string,
    claim: Extract<TaskClaim, { status: 'creating' }>,
  ): Promise<{ won: boolean; claim: TaskClaim; raw: string }> {
    const hash = tenantKeys(tenantId).routingTasks;
    const raw = JSON.stringify(claim);
    if ((await this.redis.hsetnx(hash, key, raw)) === 1) return { won: true, claim, raw };
    const current = await this.redis.hget(hash, key);
    if (current === null) return this.claim(tenantId, key, claim);
    return {
      won: false,
      claim: parse(taskClaimSchema, current, tenantId, `task claim ${key}`),
      raw: current,
    };
  }

  /** Takes over a claim only while it still reads `expectedRaw` (a crashed attempt's), atomically. */
  async takeOver(tenantId: string, key: string, expectedRaw: string, next: TaskClaim): Promise<boolean> {
    const hash = tenantKeys(tenantId).routingTasks;
    const swapped = await this.redis.eval(
      "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0",
      1,
      hash,
      key,
      expectedRaw,
      JSON.stringify(next),
    );
    return swapped === 1;
  }

  async settle(
    tenantId: string,
    key: string,
    claim: Exclude<TaskClaim, { status: 'creating' }>,
  ): Promise<void> {
    await this.redis.hset(tenantKeys(tenantId).routingTasks, key, JSON.stringify(claim));
  }

  /** Gives a claim up when the CRM said for sure that it created nothing (a retryable refusal). */
  async release(tenantId: string, key: string): Promise<void> {
    await this.redis.hdel(tenantKeys(tenantId).routingTasks, key);
  }

  async claims(tenantId: string): Promise<Map<string, TaskClaim>> {
    const all = await this.redis.hgetall(tenantKeys(tenantId).routingTasks);
    return new Map(
      Object.entries(all).map(([key, value]) => [
        key,
        parse(taskClaimSchema, value, tenantId, `task claim ${key}`),
      ]),
    );
  }
}
