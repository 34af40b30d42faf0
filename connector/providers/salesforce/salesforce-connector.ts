import type {
  ActivitiesForLeadsOptions,
  ConnectorContext,
  CrmConnector,
  CrmDescription,
  EnsureFieldsResult,
  NurtureWrite,
  RejectedRecord,
  ScoreWrite,
  ScoreWriteResult,
  SyncOptions,
  SyncPage,
  TaskInput,
  TaskLookup,
  TaskResult,
} from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import type { UsagePacer } from '../../../shared/rate-limit/salesforce-daily-pacer.ts';
import type { Activity } from '../../../shared/schemas/activity.ts';
import { type Lead, leadSchema } from '../../../shared/schemas/lead.ts';
import type { Outcome } from '../../../shared/schemas/outcome.ts';
import { screenRecords } from '../../sync/record-hygiene.ts';
import { salesforceActivitiesForLeads } from './activities-for-leads.ts';
import { describeSObjectSchema, saveResultSchema } from './api-schemas.ts';
import { contactFields, defaultSalesforceOptions, leadFields, type SalesforceOptions } from './constants.ts';
import { createSalesforceTasks, findSalesforceTasks } from './create-tasks.ts';
import { ensureFields } from './ensure-fields.ts';
import { mapLeadOrContact } from './map-salesforce-records.ts';
import { SalesforceAuth } from './salesforce-auth.ts';
import { ApiUsageGuard, SalesforceClient } from './salesforce-client.ts';
import {
  type StreamContext,
  syncActivitiesStream,
  syncLeadsStream,
  syncOutcomesStream,
} from './sync-streams.ts';
import { writeNurtureFlags, writeScores } from './write-scores.ts';

export interface SalesforceConnectorOptions extends Partial<SalesforceOptions> {
  now?: () => number;
  /** Paces calls to LeadScore's share of the org's daily limit (shared/rate-limit). */
  dailyPacer?: UsagePacer;
}

const idPattern = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

/** The Salesforce implementation of the CrmConnector contract, one instance per tenant. */
export class SalesforceConnector implements CrmConnector {
  readonly provider = 'salesforce' as const;
  readonly auth: SalesforceAuth;
  readonly client: SalesforceClient;
  private readonly context: ConnectorContext;
  private readonly options: SalesforceOptions;
  private readonly now: () => number;

  constructor(context: ConnectorContext, options: SalesforceConnectorOptions = {}) {
    this.context = context;
    const { now, dailyPacer, ...tuning } = options;
    this.options = { ...defaultSalesforceOptions, ...tuning };
    this.now = now ?? Date.now;
    const usage = new ApiUsageGuard(this.options.maxApiUsageShare, this.now);
    this.auth = new SalesforceAuth({
      clientId: context.clientId,
      clientSecret: context.clientSecret,
      redirectUri: context.redirectUri,
      loginUrl: context.baseUrls?.login,
      apiVersion: context.manifest.salesforce.apiVersion,
      allowedInstanceHosts: context.allowedInstanceHosts,
      onResponse: (response) => usage.observe(response.headers),
    });
    const logger = context.logger.child({ provider: 'salesforce', tenantId: context.tenantId });
    const tokens = context.baseUrls?.api
      ? { ...context.tokens, instanceUrl: context.baseUrls.api }
      : context.tokens;
    const connection = this.auth.connect(tokens, context.onTokensRefreshed);
    this.client = new SalesforceClient({
      connection,
      auth: this.auth,
      usage,
      tenantId: context.tenantId,
      logger,
      pacer: dailyPacer,
    });
  }

  private streamContext(): StreamContext {
    return {
      client: this.client,
      tenantId: this.context.tenantId,
      options: this.options,
      now: this.now,
      integrationUserId: this.auth.userId,
    };
  }

  syncLeads(options: SyncOptions): AsyncIterable<SyncPage<Lead>> {
    return syncLeadsStream(this.streamContext(), options);
  }

  syncActivities(options: SyncOptions): AsyncIterable<SyncPage<Activity>> {
    return syncActivitiesStream(this.streamContext(), options);
  }

  syncOutcomes(options: SyncOptions): AsyncIterable<SyncPage<Outcome>> {
    return syncOutcomesStream(this.streamContext(), options);
  }

  async fetchLeads(crmIds: string[]): Promise<{ records: Lead[]; rejected: RejectedRecord[] }> {
    const bad = crmIds.find((id) => !idPattern.test(id));
    if (bad !== undefined)
      throw new ConnectorError('INVALID_INPUT', `"${bad}" is not a Salesforce record id`);
    const out: { records: Lead[]; rejected: RejectedRecord[] } = { records: [], rejected: [] };
    const byObject = [
      { object: 'Lead', fields: leadFields, ids: crmIds.filter((id) => id.startsWith('00Q')) },
      { object: 'Contact', fields: contactFields, ids: crmIds.filter((id) => id.startsWith('003')) },
    ];
    for (const { object, fields, ids } of byObject) {
      for (let start = 0; start < ids.length; start += 200) {
        const list = ids
          .slice(start, start + 200)
          .map((id) => `'${id}'`)
          .join(', ');
        const soql = `SELECT ${fields.join(', ')} FROM ${object} WHERE Id IN (${list})`;
        for await (const page of this.client.queryPages(soql, `fetch ${object} records`)) {
          const screened = screenRecords(
            leadSchema,
            object,
            page.records.map((record) => ({
              crmId: record.Id,
              record: mapLeadOrContact(record, this.context.tenantId),
            })),
          );
          out.records.push(...screened.records);
          out.rejected.push(...screened.rejected);
        }
      }
    }
    return out;
  }

  activitiesForLeads(
    crmIds: string[],
    since: string,
    options?: ActivitiesForLeadsOptions,
  ): Promise<{ records: Activity[]; rejected: RejectedRecord[] }> {
    return salesforceActivitiesForLeads(this.client, this.context.tenantId, crmIds, since, options);
  }

  ensureFields(): Promise<EnsureFieldsResult> {
    return ensureFields(this.client, this.context.manifest);
  }

  writeScores(batch: ScoreWrite[]): Promise<ScoreWriteResult[]> {
    return writeScores(this.client, this.context.manifest, batch, { retries: this.options.writeRetries });
  }

  setNurtureFlags(batch: NurtureWrite[]): Promise<ScoreWriteResult[]> {
    return writeNurtureFlags(this.client, this.context.manifest, batch, {
      retries: this.options.writeRetries,
    });
  }

  createTasks(tasks: TaskInput[]): Promise<TaskResult[]> {
    return createSalesforceTasks(this.client, tasks);
  }

  findTasks(lookups: TaskLookup[]): Promise<Map<string, string>> {
    return findSalesforceTasks(this.client, lookups);
  }

  async createTask(task: TaskInput): Promise<{ crmId: string }> {
    if (task.objectType !== 'Lead' && task.objectType !== 'Contact') {
      throw new ConnectorError(
        'INVALID_INPUT',
        `Salesforce tasks attach to a Lead or Contact, not ${task.objectType}`,
      );
    }
    const body: Record<string, unknown> = {
      WhoId: task.crmId,
      Subject: task.subject.slice(0, 255),
      Description: task.body,
      ActivityDate: task.dueDate.slice(0, 10),
      Status: 'Not Started',
      Priority: 'Normal',
    };
    if (task.ownerCrmId) body.OwnerId = task.ownerCrmId;
    const answer = saveResultSchema.safeParse(
      await this.client.request(
        {
          method: 'POST',
          url: this.client.dataPath('/sobjects/Task'),
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        },
        'create task',
      ),
    );
    if (!answer.success || !answer.data.success) {
      throw new ConnectorError(
        'UNKNOWN',
        `Salesforce answered a task creation for ${task.crmId} without a new id`,
        {
          context: { provider: 'salesforce', tenantId: this.context.tenantId, recordId: task.crmId },
        },
      );
    }
    return { crmId: answer.data.id };
  }

  async describe(): Promise<CrmDescription> {
    const objects: CrmDescription['objects'] = [];
    for (const name of ['Lead', 'Contact']) {
      const answer = describeSObjectSchema.safeParse(
        await this.client.request(
          { method: 'GET', url: this.client.dataPath(`/sobjects/${name}/describe`) },
          `describe ${name}`,
        ),
      );
      // An unreadable answer is an error, not an object without fields.
      if (!answer.success) {
        throw new ConnectorError('UNKNOWN', `Unexpected describe response for ${name}`, {
          context: { provider: 'salesforce', tenantId: this.context.tenantId, object: name },
        });
      }
      objects.push({ name, fields: answer.data.fields.map((field) => field.name) });
    }
    return { provider: 'salesforce', objects, apiUsage: this.client.usage.latest };
  }
}

export function createSalesforceConnector(context: ConnectorContext): CrmConnector {
  return new SalesforceConnector(context);
}
