import type {
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
import { createHubspotTask, describeHubspot, ensureHubspotFields } from './hubspot-admin.ts';
import { HubspotApi, type HubspotApiOptions } from './hubspot-api.ts';
import { mapContactToLead } from './hubspot-mappers.ts';
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

/** HubSpot behind the CrmConnector contract; vendor details stay in this folder. */
export class HubspotConnector implements CrmConnector {
  readonly provider = 'hubspot' as const;
  readonly api: HubspotApi;
  readonly tokens: HubspotTokenManager;
  private readonly deps: SyncDeps;

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
    const records: Lead[] = [];
    const rejected: RejectedRecord[] = [];
    for (const contact of contacts.values()) {
      const mapped = mapContactToLead(this.context.tenantId, contact);
      if ('lead' in mapped) records.push(mapped.lead);
      else rejected.push(mapped.rejected);
    }
    return { records, rejected };
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
