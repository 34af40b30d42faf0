import type { Activity } from '../../shared/schemas/activity.ts';
import type { IntentSignal } from '../../shared/schemas/intent-signal.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Outcome } from '../../shared/schemas/outcome.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';

interface CachedList<T> {
  records: T[];
  times: Float64Array;
}

function cachedList<T>(records: T[], timeOf: (record: T) => number): CachedList<T> {
  const times = new Float64Array(records.length);
  for (let i = 0; i < records.length; i += 1) times[i] = timeOf(records[i]);
  return { records, times };
}

/** The records with time < before (the list is oldest first). */
function prefix<T>(list: CachedList<T>, beforeMs: number): T[] {
  let low = 0;
  let high = list.times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list.times[middle] < beforeMs) low = middle + 1;
    else high = middle;
  }
  return list.records.slice(0, low);
}

/**
 * A read-through cache over a LeadHistorySource for one batch of leads: each lead's activities and
 * each domain's intent are fetched once, up to `prefetchBeforeMs` (the latest snapshot the batch
 * needs), and every later read is cut strictly before its own time. Made per batch and dropped with
 * it, so memory stays bounded by the batch and its accounts whatever the tenant's size.
 */
export class BatchHistoryCache implements LeadHistorySource {
  private readonly leads = new Map<string, Promise<Lead | undefined>>();
  private readonly activities = new Map<string, Promise<CachedList<Activity>>>();
  private readonly accounts = new Map<string, Promise<string[]>>();
  private readonly intent = new Map<string, Promise<CachedList<IntentSignal>>>();

  constructor(
    private readonly source: LeadHistorySource,
    private readonly tenantId: string,
    private readonly prefetchBeforeMs: number,
    batch: readonly Lead[] = [],
  ) {
    for (const lead of batch) this.leads.set(lead.id, Promise.resolve(lead));
  }

  scanLeads(tenantId: string, batchSize?: number): AsyncIterable<Lead[]> {
    return this.source.scanLeads(tenantId, batchSize);
  }

  lead(tenantId: string, leadId: string): Promise<Lead | undefined> {
    if (tenantId !== this.tenantId) return this.source.lead(tenantId, leadId);
    let cached = this.leads.get(leadId);
    if (cached === undefined) {
      cached = this.source.lead(tenantId, leadId);
      this.leads.set(leadId, cached);
    }
    return cached;
  }

  async activitiesBefore(tenantId: string, leadId: string, beforeMs: number): Promise<Activity[]> {
    if (tenantId !== this.tenantId || beforeMs > this.prefetchBeforeMs) {
      return this.source.activitiesBefore(tenantId, leadId, beforeMs);
    }
    let cached = this.activities.get(leadId);
    if (cached === undefined) {
      cached = this.source
        .activitiesBefore(tenantId, leadId, this.prefetchBeforeMs)
        .then((records) => cachedList(records, (record) => Date.parse(record.occurredAt)));
      this.activities.set(leadId, cached);
    }
    return prefix(await cached, beforeMs);
  }

  outcomes(tenantId: string, leadId: string): Promise<Outcome[]> {
    return this.source.outcomes(tenantId, leadId);
  }

  leadIdsOfAccount(tenantId: string, accountKey: string): Promise<string[]> {
    if (tenantId !== this.tenantId) return this.source.leadIdsOfAccount(tenantId, accountKey);
    let cached = this.accounts.get(accountKey);
    if (cached === undefined) {
      cached = this.source.leadIdsOfAccount(tenantId, accountKey);
      this.accounts.set(accountKey, cached);
    }
    return cached;
  }

  async intentBefore(tenantId: string, domain: string, beforeMs: number): Promise<IntentSignal[]> {
    if (tenantId !== this.tenantId || beforeMs > this.prefetchBeforeMs) {
      return this.source.intentBefore(tenantId, domain, beforeMs);
    }
    let cached = this.intent.get(domain);
    if (cached === undefined) {
      cached = this.source
        .intentBefore(tenantId, domain, this.prefetchBeforeMs)
        .then((records) => cachedList(records, (record) => Date.parse(record.observedAt)));
      this.intent.set(domain, cached);
    }
    return prefix(await cached, beforeMs);
  }
}
