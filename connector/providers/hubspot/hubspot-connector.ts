import type {
  ActivitiesForLeadsOptions,
  ConnectorContext,
  CrmConnector,
  NurtureWrite,
  RejectedRecord,
  ScoreWrite,
  SyncOptions,
  TaskInput,
  TaskLookup,
} from '../../../shared/crm-connector.ts';
import type { Lead } from '../../../shared/schemas/lead.ts';
import { contactSearchProperties } from './constants.ts';
import { ContactPageCache } from './contact-stream.ts';
import { hubspotActivitiesForLeads } from './hubspot-activities-for-leads.ts';
import { createHubspotTask, describeHubspot, ensureHubspotFields } from './hubspot-admin.ts';
import { HubspotApi, type HubspotApiOptions } from './hubspot-api.ts';
import { type HubspotObject, mapContactToLead } from './hubspot-mappers.ts';
import { HubspotTokenManager } from './hubspot-oauth.ts';
import { batchReadObjects } from './hubspot-reads.ts';
import {
  type SyncDeps,
  syncHubspotActivities,
  syncHubspotLeads,
  syncHubspotOutcomes,
} from './hubspot-sync.ts';
import { createHubspotTasks, findHubspotTasks } from './hubspot-tasks.ts';
import { writeHubspotNurtureFlags, writeHubspotScores } from './hubspot-writeback.ts';
import { systemClock } from './search-rate-limiter.ts';

/** How long contacts read by fetchLeads stand in for activitiesForLeads' own read of them. */
const reuseContactsForMs = 5_000;

/** HubSpot behind the CrmConnector contract; vendor details stay in this folder. */
export class HubspotConnector implements CrmConnector {
  readonly provider = 'hubspot' as const;
  readonly api: HubspotApi;
  readonly tokens: HubspotTokenManager;
  private readonly deps: SyncDeps;
  /**
   * The contacts fetchLeads read last: a rescore reads the same contacts' behaviour properties right
   * after, and one HubSpot call is a tenth of a second's budget.
   */
  private lastContacts: { key: string; at: number; contacts: Map<string, HubspotObject> } | null = null;

  constructor(
    private readonly context: ConnectorContext,
    options: HubspotApiOptions = {},
  ) {
    const clock = options.clock ?? systemClock;
    const logger = context.logger.child({ provider: 'hubspot', tenantId: context.tenantId });
    this.tokens = new HubspotTokenManager({ ...context, logger }, clock);
    this.api = new HubspotApi({ ...context, logger }, this.tokens, options);
    this.deps = {
      api: this.api,
      tenantId: context.tenantId,
      cache: new ContactPageCache(),
      now: () => clock.now(),
      logger,
      scoredAtProperty: context.manifest.hubspot.properties.find((p) => p.key === 'scoredAt')?.name ?? null,
    };
  }

  syncLeads(options: SyncOptions) {
    return syncHubspotLeads(this.deps, options);
  }

  syncActivities(options: SyncOptions) {
    return syncHubspotActivities(this.deps, options);
  }

  syncOutcomes(options: SyncOptions) {
    return syncHubspotOutcomes(this.deps, options);
  }

  async fetchLeads(crmIds: string[]): Promise<{ records: Lead[]; rejected: RejectedRecord[] }> {
    const contacts = await batchReadObjects(this.api, 'contacts', crmIds, contactSearchProperties);
    this.lastContacts = { key: [...new Set(crmIds)].sort().join(','), at: this.deps.now(), contacts };
    const records: Lead[] = [];
    const rejected: RejectedRecord[] = [];
    for (const contact of contacts.values()) {
      const mapped = mapContactToLead(this.context.tenantId, contact);
      if ('lead' in mapped) records.push(mapped.lead);
      else rejected.push(mapped.rejected);
    }
    return { records, rejected };
  }

  activitiesForLeads(crmIds: string[], since: string, options: ActivitiesForLeadsOptions = {}) {
    const recent = this.lastContacts;
    this.lastContacts = null;
    const reusable =
      recent !== null &&
      recent.key === [...new Set(crmIds)].sort().join(',') &&
      this.deps.now() - recent.at < reuseContactsForMs;
    return hubspotActivitiesForLeads(this.deps, crmIds, since, {
      ...options,
      ...(reusable ? { readContacts: recent.contacts } : {}),
    });
  }

  /** HubSpot calls this connector has made: real-time rescoring paces a portal's windows by them. */
  apiCallsMade(): number {
    return this.api.calls;
  }

  ensureFields() {
    return ensureHubspotFields(this.api, this.context.manifest);
  }

  writeScores(batch: ScoreWrite[]) {
    return writeHubspotScores(this.api, this.context.manifest, batch, this.deps.logger);
  }

  setNurtureFlags(batch: NurtureWrite[]) {
    return writeHubspotNurtureFlags(this.api, this.context.manifest, batch, this.deps.logger);
  }

  createTasks(tasks: TaskInput[]) {
    return createHubspotTasks(this.api, tasks);
  }

  findTasks(lookups: TaskLookup[]) {
    return findHubspotTasks(this.api, lookups);
  }

  createTask(task: Parameters<CrmConnector['createTask']>[0]) {
    return createHubspotTask(this.api, task);
  }

  describe() {
    return describeHubspot(this.api);
  }
}

export function createHubspotConnector(
  context: ConnectorContext,
  options?: HubspotApiOptions,
): HubspotConnector {
  return new HubspotConnector(context, options);
}
