import { type ActivityKind, activityKinds } from '../../shared/crm-connector.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import type { RedisClient } from '../../shared/store/store.ts';
import type { JobPayload } from '../queues/job-payloads.ts';
import type { JobQueue } from '../queues/job-queue.ts';

/**
 * How a tenant's CRM events become rescore jobs. Each event (a HubSpot event id, a Salesforce change
 * batch) is taken once: its de-duplication key and its leads enter Redis in one script, so an event
 * is either fully recorded or not at all (Redis down: nothing, and the provider's retry counts).
 * The leads wait in the tenant's pending set; the first event of a quiet tenant opens a coalescing
 * window, and the window's job (one job id per window) takes the whole set when the window ends.
 */
export const rescoreTiming = {
  /** Events of a tenant within this long become one job (the issue allows at most 500 ms). */
  windowMs: 400,
  /** HubSpot event ids are kept this long: HubSpot retries a failed delivery over about a day; kept well past it. */
  eventTtlSeconds: 3 * 24 * 3_600,
  /** Salesforce batch ids are kept 24 h (the webhook contract). */
  batchTtlSeconds: 24 * 3_600,
  /** Activities changed this long before the window opened are read again (events arrive late, retries later). */
  lookbackMs: 60 * 60_000,
  /** A job takes at most this many leads; the rest open the next window. */
  maxLeadsPerJob: 500,
  /** Taken leads are kept this long for the job's retries, then dropped (the incremental sync catches them). */
  takenTtlSeconds: 24 * 3_600,
} as const;

// KEYS: tenant hash, pending set, window key, pending kinds, then one de-duplication key per event.
// ARGV: now (epoch ms), de-duplication TTL (s), window (ms), unused, then per event
// "<CRM ids joined by ,>|<activity kinds joined by ,>" (kind "*": any).
// Returns {status (-1: unknown tenant, else 1), pending size, window start (0: none), fresh flag per event}.
const MARK_EVENTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0, 0} end
local flags = {}
for i = 5, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[2]) then
    flags[#flags + 1] = 1
    local bar = string.find(ARGV[i], '|', 1, true)
    local ids = string.sub(ARGV[i], 1, bar - 1)
    local kinds = string.sub(ARGV[i], bar + 1)
    local any = false
    for id in string.gmatch(ids, '[^,]+') do
      redis.call('ZADD', KEYS[2], 'NX', ARGV[1], id)
      any = true
    end
    if any then
      for kind in string.gmatch(kinds, '[^,]+') do redis.call('SADD', KEYS[4], kind) end
    end
  else
    flags[#flags + 1] = 0
  end
end
local pending = redis.call('ZCARD', KEYS[2])
local window = redis.call('GET', KEYS[3])
if (not window) and pending > 0 then
  window = ARGV[1]
  redis.call('SET', KEYS[3], window, 'PX', ARGV[3])
end
local out = {1, pending, tonumber(window or '0')}
for i = 1, #flags do out[#out + 1] = flags[i] end
return out
`;

// KEYS: pending set, window key, the window's taken set, pending kinds, the window's taken kinds.
// ARGV: max leads, taken TTL (s).
// A retry of the window's job gets what its first run took; a first run moves the oldest pending
// leads (and the kinds their changes named) to the taken keys and closes the window, so later
// events open a new window and a new job. Leads left behind may have had any kind: "*".
const TAKE_PENDING = `
local taken = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
if #taken == 0 then
  taken = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
  for i = 1, #taken, 2 do
    redis.call('ZADD', KEYS[3], taken[i + 1], taken[i])
    redis.call('ZREM', KEYS[1], taken[i])
  end
  redis.call('DEL', KEYS[5])
  if #taken > 0 then
    redis.call('SADD', KEYS[5], '-')
    local kinds = redis.call('SMEMBERS', KEYS[4])
    for i = 1, #kinds do redis.call('SADD', KEYS[5], kinds[i]) end
    redis.call('EXPIRE', KEYS[3], ARGV[2])
    redis.call('EXPIRE', KEYS[5], ARGV[2])
  end
  redis.call('DEL', KEYS[4])
  if redis.call('ZCARD', KEYS[1]) > 0 then redis.call('SADD', KEYS[4], '*') end
  redis.call('DEL', KEYS[2])
end
return {taken, redis.call('ZCARD', KEYS[1]), redis.call('SMEMBERS', KEYS[5])}
`;

/**
 * One event: the key that makes it count once, the CRM ids of the leads it is about (maybe none),
 * and the kinds of activity it can bring (absent: any; empty: only lead fields changed).
 */
export interface RescoreEvent {
  dedupKey: string;
  crmIds: string[];
  kinds?: readonly ActivityKind[];
  /**
   * The CRM ids (of crmIds) whose own lead or contact fields changed; absent: not known, so every
   * lead is read again. Salesforce names them; a lead not listed had only activity changes.
   */
  fieldChanges?: readonly string[];
}

/** A kinds-set entry saying the window's events listed their field changes, and the entries listing them. */
const fieldChangesListed = 'fields-listed';
const fieldChangePrefix = 'fields:';

/** The event's kinds entries: its activity kinds, then (when it lists them) its field changes. */
function kindEntries(event: RescoreEvent): string[] {
  const kinds: string[] = [...(event.kinds ?? ['*'])];
  if (event.fieldChanges === undefined) return kinds;
  return [...kinds, fieldChangesListed, ...event.fieldChanges.map((id) => `${fieldChangePrefix}${id}`)];
}

/** What a window's job takes: its leads (CRM id → first event's receive time), and what to read for them. */
export interface TakenWindow {
  leads: Map<string, number>;
  /** Kinds of activity to read; undefined: any. */
  kinds: ActivityKind[] | undefined;
  /**
   * The leads whose own fields changed (only they need reading again); undefined: not known, read all.
   * Known only when every event of the window listed its field changes.
   */
  fieldChanges: Set<string> | undefined;
  /** Leads still pending after this take. */
  left: number;
}

export type MarkResult =
  | { status: 'unknown-tenant' }
  | { status: 'marked'; fresh: boolean[]; pending: number; windowStart: number | null };

export type AcceptResult =
  | { status: 'unknown-tenant' }
  | { status: 'accepted'; fresh: boolean[]; jobId: string | null };

function isActivityKind(kind: string): kind is ActivityKind {
  return (activityKinds as readonly string[]).includes(kind);
}

/** The payload of a window's job: the same for every event of the window, so BullMQ adds it once. */
export function windowPayload(tenantId: TenantId, windowStart: number): JobPayload<'rescore'> {
  return {
    tenantId,
    window: windowStart,
    since: new Date(windowStart - rescoreTiming.lookbackMs).toISOString(),
    reason: 'webhook',
  };
}

export class PendingRescores {
  constructor(private readonly redis: RedisClient) {}

  async mark(
    tenantId: TenantId,
    events: RescoreEvent[],
    nowMs: number,
    dedupTtlSeconds: number,
  ): Promise<MarkResult> {
    const keys = tenantKeys(tenantId);
    const answer = (await this.redis.eval(
      MARK_EVENTS,
      4 + events.length,
      keys.tenant,
      keys.rescorePending,
      keys.rescoreWindow,
      keys.rescorePendingKinds,
      ...events.map((event) => event.dedupKey),
      String(nowMs),
      String(dedupTtlSeconds),
      String(rescoreTiming.windowMs),
      '',
      ...events.map((event) => `${event.crmIds.join(',')}|${kindEntries(event).join(',')}`),
    )) as number[];
    const [status = -1, pending = 0, windowStart = 0, ...flags] = answer;
    if (status === -1) return { status: 'unknown-tenant' };
    return {
      status: 'marked',
      fresh: flags.map((flag) => flag === 1),
      pending,
      windowStart: windowStart > 0 ? windowStart : null,
    };
  }

  /**
   * Records the events and makes sure the open window has its job. A duplicate still enqueues while
   * leads are pending (the first delivery may have stored them and then lost its enqueue), under
   * the same window's job id, so BullMQ adds nothing twice.
   */
  async accept(
    queues: JobQueue,
    tenantId: TenantId,
    events: RescoreEvent[],
    nowMs: number,
    dedupTtlSeconds: number,
  ): Promise<AcceptResult> {
    const marked = await this.mark(tenantId, events, nowMs, dedupTtlSeconds);
    if (marked.status === 'unknown-tenant') return marked;
    const jobId = await this.ensureJob(queues, tenantId, marked, nowMs);
    return { status: 'accepted', fresh: marked.fresh, jobId };
  }

  /** After a job: when leads are still pending (more than one job takes), a window and its job for them. */
  async reopen(queues: JobQueue, tenantId: TenantId, nowMs: number): Promise<string | null> {
    const marked = await this.mark(tenantId, [], nowMs, 1);
    if (marked.status === 'unknown-tenant') return null;
    return this.ensureJob(queues, tenantId, marked, nowMs);
  }

  private async ensureJob(
    queues: JobQueue,
    tenantId: TenantId,
    marked: Extract<MarkResult, { status: 'marked' }>,
    nowMs: number,
  ): Promise<string | null> {
    if (marked.pending === 0 || marked.windowStart === null) return null;
    const delayMs = Math.max(0, marked.windowStart + rescoreTiming.windowMs - nowMs);
    return queues.enqueue('rescore', windowPayload(tenantId, marked.windowStart), { delayMs });
  }

  /** The window's leads, oldest first, the kinds of activity to read for them, and how many still wait. */
  async take(tenantId: TenantId, windowStart: number): Promise<TakenWindow> {
    const keys = tenantKeys(tenantId);
    const window = String(windowStart);
    const [taken, left, kinds] = (await this.redis.eval(
      TAKE_PENDING,
      5,
      keys.rescorePending,
      keys.rescoreWindow,
      keys.rescoreTaken(window),
      keys.rescorePendingKinds,
      keys.rescoreTakenKinds(window),
      String(rescoreTiming.maxLeadsPerJob),
      String(rescoreTiming.takenTtlSeconds),
    )) as [string[], number, string[]];
    const leads = new Map<string, number>();
    for (let i = 0; i + 1 < taken.length; i += 2) leads.set(taken[i] as string, Number(taken[i + 1]));
    // "-" marks the set as written (Redis keeps no empty set); "*" or anything unknown means any.
    const fieldEntries = kinds.filter((kind) => kind.startsWith(fieldChangePrefix));
    const named = kinds.filter(
      (kind) => kind !== '-' && kind !== fieldChangesListed && !kind.startsWith(fieldChangePrefix),
    );
    const known = named.filter(isActivityKind);
    const allKnown = known.length === named.length;
    // Field changes are known when the events listed them and none of the window's events was a
    // "read anything" one ("*": a HubSpot event, or leads left behind by an earlier window).
    const fieldChanges =
      allKnown && kinds.includes(fieldChangesListed)
        ? new Set(fieldEntries.map((entry) => entry.slice(fieldChangePrefix.length)))
        : undefined;
    return { leads, kinds: allKnown ? known : undefined, fieldChanges, left };
  }

  /** The window's job succeeded: its taken leads are done. */
  async finish(tenantId: TenantId, windowStart: number): Promise<void> {
    const keys = tenantKeys(tenantId);
    await this.redis.del(keys.rescoreTaken(String(windowStart)), keys.rescoreTakenKinds(String(windowStart)));
  }
}
