import type { Activity } from '../schemas/activity.ts';
import type { IntentSignal } from '../schemas/intent-signal.ts';
import type { Lead } from '../schemas/lead.ts';
import type { Outcome } from '../schemas/outcome.ts';

/**
 * What feature computation reads about a tenant, and nothing more: the Redis repositories implement
 * it for production, an in-memory version built from generator records implements it for tests.
 * Every time is epoch milliseconds; "before" is strict (an activity at exactly `before` is not
 * returned), which is what makes snapshot features point-in-time by construction.
 */
export interface LeadHistorySource {
  /** Every lead of the tenant, a batch at a time, in a stable order, never all in memory at once. */
  scanLeads(tenantId: string, batchSize?: number): AsyncIterable<Lead[]>;
  /** One lead, or undefined when the tenant has no such lead (deleted in the CRM, never synced). */
  lead(tenantId: string, leadId: string): Promise<Lead | undefined>;
  /** The lead's activities with occurredAt < before, oldest first. */
  activitiesBefore(tenantId: string, leadId: string, before: number): Promise<Activity[]>;
  /** Every outcome of the lead, oldest first (labels only: features never read outcomes). */
  outcomes(tenantId: string, leadId: string): Promise<Outcome[]>;
  /** Ids of the tenant's leads that share an account key (the lead itself included). */
  leadIdsOfAccount(tenantId: string, accountKey: string): Promise<string[]>;
  /** Intent signals for a company domain with observedAt < before, oldest first. */
  intentBefore(tenantId: string, domain: string, before: number): Promise<IntentSignal[]>;
}
