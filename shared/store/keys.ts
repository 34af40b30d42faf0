import { ConfigError, configSchema, DEFAULT_STORE_KEY_PREFIX, STORE_KEY_PREFIX_PATTERN } from '../config.ts';
import { tenantIdSchema } from '../schemas/common.ts';
import { StoreError } from './store-error.ts';

/**
 * Every Redis key LeadScore writes is built here, and nowhere else. A tenant's keys all start with
 * `ls:{<tenantId>}:` (`ls`: STORE_KEY_PREFIX, by default): the braces are a Redis Cluster hash tag,
 * so one tenant's keys share one slot and every multi-key command or transaction over them is
 * slot-safe. The one key outside any tenant
 * is the registry of tenant ids (`ls:{registry}:tenants`), which is only ever touched on its own.
 */

/**
 * The first part of every key: STORE_KEY_PREFIX (default `ls`), validated like the rest of the
 * configuration. Read once, when this module loads, so every key of a process shares it.
 */
export function storeKeyPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.STORE_KEY_PREFIX;
  const parsed = configSchema.shape.STORE_KEY_PREFIX.safeParse(raw === '' ? undefined : raw);
  if (!parsed.success) {
    throw new ConfigError(
      'STORE_KEY_PREFIX',
      `${parsed.error.issues[0]?.message ?? 'is invalid'} (got "${String(raw).slice(0, 40)}")`,
    );
  }
  return parsed.data ?? DEFAULT_STORE_KEY_PREFIX;
}

export const keyPrefix = storeKeyPrefix();
const PREFIX = keyPrefix;

/**
 * A key built here, moved under another prefix: how one process reads the keys of a LeadScore that
 * runs with its own STORE_KEY_PREFIX (the demo's orchestrator watching its server and worker).
 */
export function withKeyPrefix(key: string, prefix: string): string {
  if (!STORE_KEY_PREFIX_PATTERN.test(prefix)) {
    throw new StoreError('INVALID_INPUT', `key prefix "${prefix.slice(0, 40)}" is not a STORE_KEY_PREFIX`);
  }
  if (!key.startsWith(`${PREFIX}:`)) {
    throw new StoreError('INVALID_INPUT', `key "${key.slice(0, 60)}" does not start with ${PREFIX}:`);
  }
  return `${prefix}${key.slice(PREFIX.length)}`;
}
/** Characters a record id or index value may not contain: they would blur key boundaries or globs. */
const FORBIDDEN_IN_ID = /[\s{}*?[\]\\]|\p{Cc}/u;

export function assertTenantId(tenantId: string): void {
  if (!tenantIdSchema.safeParse(tenantId).success) {
    throw new StoreError(
      'INVALID_INPUT',
      `tenant id "${tenantId.slice(0, 40)}" must be "sf:<orgId>" or "hs:<portalId>"`,
      {
        tenantId,
      },
    );
  }
}

function part(kind: string, value: string, tenantId: string): string {
  if (value.length === 0 || value.length > 512 || FORBIDDEN_IN_ID.test(value)) {
    throw new StoreError(
      'INVALID_INPUT',
      `${kind} "${value.slice(0, 40)}" must be 1-512 characters without spaces, braces, glob characters or control characters`,
      { tenantId },
    );
  }
  return value;
}

/** The tag every key of the tenant starts with; also the pattern base for scanning one tenant. */
export function tenantTag(tenantId: string): string {
  assertTenantId(tenantId);
  return `${PREFIX}:{${tenantId}}:`;
}

/** Keys of one tenant. Building them validates the tenant id once. */
export function tenantKeys(tenantId: string) {
  const tag = tenantTag(tenantId);
  return {
    /** Glob matching every key of this tenant and no other tenant's. */
    pattern: `${tag}*`,
    /** Hash: the tenant's profile, settings, status and encrypted tokens. */
    tenant: `${tag}tenant`,
    /** String: the current scoring settings with their version (JSON). */
    settings: `${tag}settings`,
    /** Hash: settings version → the settings saved as that version (JSON), the current one included. */
    settingsHistory: `${tag}settings-versions`,
    /** List: settings changes (who, when, field paths old → new), newest first, capped. */
    settingsAudit: `${tag}settings-audit`,
    /** Hash: lead id → the lead's current score (compact encoding, see scores.repository.ts). */
    scores: `${tag}scores`,
    /**
     * Hash: lead id → the lead's last 20 score changes, newest first, `epochSeconds|score|modelVersion`
     * joined by `;`. One hash field per lead, not a list key each: a key costs more than its entries.
     */
    scoreHistory: `${tag}score-history`,
    /** Hash: lead id → encoded lead. */
    leads: `${tag}leads`,
    /** Sorted set (all scores 0): lead ids in lexical order, for stable batch scans. */
    leadIndex: `${tag}lead-ids`,
    /** Sorted set (scores 0): ids of the leads sharing an account key. */
    account: (accountKey: string) => `${tag}account:${part('account key', accountKey, tenantId)}`,
    /** Sorted set: the lead's activities, scored by time (epoch ms). */
    activities: (leadId: string) => `${tag}act:${part('lead id', leadId, tenantId)}`,
    /** Hash: outcome kind → encoded outcome. */
    outcomes: (leadId: string) => `${tag}outcome:${part('lead id', leadId, tenantId)}`,
    /** Sorted set (scores 0): ids known to be the same person as this id. */
    identity: (leadId: string) => `${tag}identity:${part('lead id', leadId, tenantId)}`,
    /** Sorted set: intent signals for a company domain, scored by observation time (epoch ms). */
    intent: (domain: string) => `${tag}intent:${part('domain', domain, tenantId)}`,
    /** Hash: object family → sync cursor. */
    cursors: `${tag}cursors`,
    /** Hash: lead id → what was last written back to the CRM (content hash, model version, key). */
    writeback: `${tag}writeback`,
    /** Hash: lead id → routing state (above hot or not, number of upward crossings). */
    routing: `${tag}routing`,
    /** Hash: task id of one crossing (lead, crossing number) → its claim and, once created, the CRM task. */
    routingTasks: `${tag}routing-tasks`,
    /** Sorted set: model version ids by creation time (epoch ms). */
    models: `${tag}models`,
    /** Hash: `meta` (JSON) and `text` (the LightGBM model file) of one model version. */
    modelVersion: (versionId: string) => `${tag}model:${part('model version', versionId, tenantId)}`,
    /** Hash: segment slug → number of its last model version (version ids such as smb-v3). */
    modelCounters: `${tag}model-counters`,
    /** Hash: what the last training found (labelled and converting leads, when, models or rules). */
    trainingCounts: `${tag}training-counts`,
    /** Hash: segment → version id of its champion. */
    champions: `${tag}champions`,
    /** List: the segment's earlier champions, newest first (a rollback pops the head). */
    championHistory: (segment: string) => `${tag}champion-history:${part('segment', segment, tenantId)}`,
    /** List: model alerts, newest first, capped. */
    alerts: `${tag}alerts`,
    /** String with a TTL: a HubSpot webhook event id already taken (de-duplication of deliveries). */
    webhookEvent: (eventId: string) => `${tag}webhook-event:${part('event id', eventId, tenantId)}`,
    /** String with a TTL: a Salesforce change batch id already taken (de-duplication of retries). */
    webhookBatch: (batchId: string) => `${tag}webhook-batch:${part('batch id', batchId, tenantId)}`,
    /** Sorted set: CRM ids of leads waiting for a real-time rescore, scored by their first event's receive time (epoch ms). */
    rescorePending: `${tag}rescore-pending`,
    /** Set: kinds of activity the pending leads' changes named (`*`: any), so a rescore reads only those. */
    rescorePendingKinds: `${tag}rescore-pending-kinds`,
    /** Set: the kinds a window's rescore job took with its leads. */
    rescoreTakenKinds: (windowStart: string) =>
      `${tag}rescore-taken-kinds:${part('window', windowStart, tenantId)}`,
    /** String with a short TTL: start (epoch ms) of the tenant's open coalescing window. */
    rescoreWindow: `${tag}rescore-window`,
    /** Sorted set: the leads a window's rescore job took from the pending set, kept until the job succeeds. */
    rescoreTaken: (windowStart: string) => `${tag}rescore-taken:${part('window', windowStart, tenantId)}`,
    /**
     * Hash: the tenant's operational counters, added to by every worker process (HINCRBY): scores
     * written, and the API budget limits the workers last saw (`budget-limit:<name>`).
     */
    metrics: `${tag}metrics`,
  };
}

export type TenantKeys = ReturnType<typeof tenantKeys>;

/** Sorted set (scores 0) of every installed tenant id. */
export const tenantRegistryKey = `${PREFIX}:{registry}:tenants`;

/**
 * Keys of operating the service (worker heartbeats, process-wide metrics). They share one slot of
 * their own (`{ops}`), so reading every heartbeat is one slot-safe MGET on a cluster. Tests pass
 * their own namespace (`ops-<suffix>`) so they never see another test's workers or figures.
 */
export function opsKeysIn(namespace: string) {
  if (!/^ops(-[a-z0-9]{1,40})?$/.test(namespace)) {
    throw new StoreError(
      'INVALID_INPUT',
      `ops namespace "${namespace.slice(0, 40)}" must be "ops" or "ops-<a-z0-9>"`,
    );
  }
  const tag = `${PREFIX}:{${namespace}}:`;
  return {
    /** Hash: worker id → epoch ms of its last heartbeat (kept after the worker stops, for the message). */
    workers: `${tag}workers`,
    /** String with a TTL: present while the worker is alive. */
    worker: (workerId: string) => `${tag}worker:${opsPart('worker id', workerId)}`,
    /** Hash: histogram of one queue's job durations (per-bucket counts and sum). */
    jobSeconds: (queue: string) => `${tag}metrics:job-seconds:${opsPart('queue', queue)}`,
    /** Hash: histogram of event-to-write seconds of one provider's tenants. */
    eventToWrite: (provider: string) => `${tag}metrics:event-to-write:${opsPart('provider', provider)}`,
  };
}

export type OpsKeys = ReturnType<typeof opsKeysIn>;
export const defaultOpsNamespace = 'ops';
export const opsKeys: OpsKeys = opsKeysIn(defaultOpsNamespace);

function opsPart(kind: string, value: string): string {
  const problem = recordIdProblem(value);
  if (problem !== null) throw new StoreError('INVALID_INPUT', `${kind} "${value.slice(0, 40)}" ${problem}`);
  return value;
}

/** Validates a record id the way key building would, for ids stored inside values (links, indexes). */
export function assertRecordId(tenantId: string, kind: string, value: string): void {
  part(kind, value, tenantId);
}

/** Why an id cannot be part of a key, or null when it can. */
export function recordIdProblem(value: string): string | null {
  return value.length === 0 || value.length > 512 || FORBIDDEN_IN_ID.test(value)
    ? 'must be 1-512 characters without spaces, braces, glob characters or control characters'
    : null;
}

/** What an OAuth state nonce may be: base64url, 16-64 characters (the issuer makes 22). */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * String with a 10-minute TTL: one issued OAuth `state` nonce, consumed once by the callback. It
 * belongs to no tenant (the tenant does not exist before the install), so it has its own hash tag.
 */
export function oauthStateKey(nonce: string): string {
  if (!NONCE_PATTERN.test(nonce)) {
    throw new StoreError('INVALID_INPUT', 'OAuth state nonce must be 16-64 base64url characters');
  }
  return `${PREFIX}:{oauth}:state:${nonce}`;
}
