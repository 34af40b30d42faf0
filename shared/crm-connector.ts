import type { Logger } from 'pino';
import type { ConnectorErrorCode } from './errors.ts';
import type { Manifest } from './manifest.ts';
import type { Activity } from './schemas/activity.ts';
import type { Provider, TenantId } from './schemas/common.ts';
import type { CrmObjectType, Lead } from './schemas/lead.ts';
import type { Outcome } from './schemas/outcome.ts';
import type { Score } from './schemas/score.ts';
import type { RecordProblem } from './schemas/validate.ts';

/** A CRM record that failed the canonical schema: reported and skipped, never fatal to its page. */
export interface RejectedRecord {
  object: string;
  crmId: string;
  problems: RecordProblem[];
}

/**
 * One page of a sync. `nextCursor` is opaque to callers: persist it after the page's records are
 * stored, and pass it back to resume. It only moves forward.
 */
export interface SyncPage<T> {
  records: T[];
  rejected: RejectedRecord[];
  /** CRM ids of records deleted since the previous cursor (leads only). */
  deletedCrmIds: string[];
  nextCursor: string;
}

export interface SyncOptions {
  /** Cursor from the previous sync's last page; null for a full initial load. */
  cursor: string | null;
  signal?: AbortSignal;
}

export interface ScoreWrite {
  crmId: string;
  objectType: CrmObjectType;
  score: Score;
}

export type ScoreWriteResult =
  | { crmId: string; ok: true }
  | {
      crmId: string;
      ok: false;
      code: ConnectorErrorCode;
      message: string;
      /** When the CRM asked to wait (rate limit) before this record is tried again. */
      retryAfterMs?: number;
    };

export interface TaskInput {
  /** The lead or contact the task is about. */
  crmId: string;
  objectType: CrmObjectType;
  subject: string;
  body: string;
  dueDate: string;
  ownerCrmId?: string;
}

/** One result per task input, in input order; `crmId` is the lead's, `taskId` the new task's. */
export type TaskResult =
  | { crmId: string; ok: true; taskId: string }
  | {
      crmId: string;
      ok: false;
      code: ConnectorErrorCode;
      message: string;
      retryAfterMs?: number;
    };

/** A task looked for by the record it is on and its subject (unique per task LeadScore creates). */
export interface TaskLookup {
  crmId: string;
  objectType: CrmObjectType;
  subject: string;
}

/** The nurture flag of one lead or contact (the manifest's `nurture` field). */
export interface NurtureWrite {
  crmId: string;
  objectType: CrmObjectType;
  nurture: boolean;
}

export interface EnsureFieldsResult {
  created: string[];
  alreadyPresent: string[];
}

export interface CrmDescription {
  provider: Provider;
  objects: { name: string; fields: string[] }[];
  apiUsage: { used: number; limit: number } | null;
}

export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token expires, when the provider says. */
  expiresAt?: number;
  /** Salesforce only: the org's instance URL, already checked against Salesforce domains. */
  instanceUrl?: string;
  /**
   * Salesforce only: the user the tokens act as (last segment of the token response's `id` URL).
   * Incremental syncs skip records whose latest change is this user's, i.e. our own score writes.
   */
  userId?: string;
}

/** Everything a provider needs for one tenant. Base URLs differ only for the sandbox CRM. */
export interface ConnectorContext {
  tenantId: TenantId;
  tokens: OAuthTokens;
  /** Called with new tokens after every refresh so the caller can store them (encrypted). */
  onTokensRefreshed: (tokens: OAuthTokens) => Promise<void> | void;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  logger: Logger;
  /** Overrides for the sandbox CRM or tests: login/API base URLs. */
  baseUrls?: { login?: string; api?: string };
  /**
   * Hosts (`host` or `host:port`) accepted as CRM instances besides the provider's own domains:
   * the sandbox CRM and tests only, never set in production.
   */
  allowedInstanceHosts?: string[];
  manifest: Manifest;
}

/**
 * Kinds of activity a CRM change can bring, as its webhook tells them: a Salesforce Task is an
 * email, call, task or page visit logged; an Event a meeting; a CampaignMember a campaign
 * response; HubSpot's engagements and analytics properties map the same way.
 */
export const activityKinds = ['email', 'meeting', 'call', 'task', 'campaign', 'web'] as const;
export type ActivityKind = (typeof activityKinds)[number];

export interface ActivitiesForLeadsOptions {
  /**
   * Only read the objects that can hold these kinds (the changes named no others); absent: all.
   * Empty: the changes touched only lead fields, so nothing is read.
   */
  kinds?: readonly ActivityKind[];
}

/** The domain-shaped contract each CRM provider implements. Vendor details stay inside the provider. */
export interface CrmConnector {
  readonly provider: Provider;
  /** Leads (and contacts) changed since the cursor, oldest first, plus deletions. */
  syncLeads(options: SyncOptions): AsyncIterable<SyncPage<Lead>>;
  /** Activities changed since the cursor (emails, page views, meetings, calls, campaign responses...). */
  syncActivities(options: SyncOptions): AsyncIterable<SyncPage<Activity>>;
  /** Conversions and won/lost deals changed since the cursor. */
  syncOutcomes(options: SyncOptions): AsyncIterable<SyncPage<Outcome>>;
  /** Fetch specific leads by CRM id (for real-time rescoring); unknown ids are absent from the result. */
  fetchLeads(crmIds: string[]): Promise<{ records: Lead[]; rejected: RejectedRecord[] }>;
  /**
   * Activities of these leads (CRM ids, as fetchLeads) changed at or after `since` (ISO), for
   * real-time rescoring: a few batched reads, never a scan of the tenant. Ids unknown to the CRM
   * simply have none.
   */
  activitiesForLeads(
    crmIds: string[],
    since: string,
    options?: ActivitiesForLeadsOptions,
  ): Promise<{ records: Activity[]; rejected: RejectedRecord[] }>;
  /** Create the fields of manifest.json when missing; safe to call again. */
  ensureFields(): Promise<EnsureFieldsResult>;
  /** Write scores; one result per input, in input order. Retryable per-record failures are retried alone. */
  writeScores(batch: ScoreWrite[]): Promise<ScoreWriteResult[]>;
  createTask(task: TaskInput): Promise<{ crmId: string }>;
  /**
   * Create tasks in batches sized to the provider; one result per input, in input order. A failed
   * record never fails the others. Never retried blindly: a lost answer may still have created them.
   */
  createTasks(tasks: TaskInput[]): Promise<TaskResult[]>;
  /** The existing task with this subject on this record, for each lookup that has one (subject → task id). */
  findTasks(lookups: TaskLookup[]): Promise<Map<string, string>>;
  /** Set or clear the nurture flag; one result per input, in input order, as writeScores. */
  setNurtureFlags(batch: NurtureWrite[]): Promise<ScoreWriteResult[]>;
  describe(): Promise<CrmDescription>;
}

export type ConnectorFactory = (context: ConnectorContext) => CrmConnector;
