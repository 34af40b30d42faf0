import type { SyncOptions, SyncPage } from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import { type Activity, activitySchema } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { type Lead, leadSchema } from '../../../shared/schemas/lead.ts';
import { type Outcome, outcomeSchema } from '../../../shared/schemas/outcome.ts';
import { screenRecords } from '../../sync/record-hygiene.ts';
import { deletedResponseSchema } from './api-schemas.ts';
import {
  campaignMemberFields,
  contactFields,
  conversionFields,
  eventFields,
  leadFields,
  type SalesforceOptions,
  taskFields,
} from './constants.ts';
import { mapActivity, mapLeadOrContact, mapOutcomes, toIsoDateTime } from './map-salesforce-records.ts';
import { emptyObjectCursor, type ObjectCursor, type ObjectSyncSpec, syncObject } from './object-sync.ts';
import type { SalesforceClient } from './salesforce-client.ts';

interface StreamCursor {
  v: 1;
  objects: Record<string, ObjectCursor>;
  /** Start of the next `/deleted/` window per object. */
  deletedSince: Record<string, string>;
}

export interface StreamContext {
  client: SalesforceClient;
  tenantId: TenantId;
  options: SalesforceOptions;
  now: () => number;
  /** The user our API calls act as; null when not known yet (echo suppression is then off). */
  integrationUserId: string | null;
}

export function encodeCursor(cursor: StreamCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(cursor: string | null): StreamCursor | null {
  if (cursor === null) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as StreamCursor;
    if (parsed.v !== 1 || typeof parsed.objects !== 'object') throw new Error('unknown cursor version');
    return parsed;
  } catch {
    throw new ConnectorError(
      'CURSOR_INVALID',
      'Salesforce sync cursor is unreadable: start a full sync (cursor null)',
      {
        context: { provider: 'salesforce', operation: 'resume sync' },
      },
    );
  }
}

type KeyedSpec = ObjectSyncSpec & { key: string };

const userIdPattern = /^005[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;

/**
 * Echo suppression: our score write-back bumps SystemModstamp, so without this every written record
 * would come back in the next incremental sync. Incremental Lead and Contact queries therefore skip
 * records whose latest change was made by the integration user.
 *
 * Trade-off: a person's edit made between our read of a record and our write to it is hidden
 * behind our write (LastModifiedById is then ours). The change-event path (LeadChangeEvent carries
 * every commit, ours or not) delivers it, and the next full reconcile (cursor null, no filter)
 * catches anything both missed. Full loads never carry this condition.
 */
function echoFilter(userId: string | null): string | undefined {
  // The id goes into SOQL: accept only the shape of a User id.
  return userId !== null && userIdPattern.test(userId) ? `LastModifiedById != '${userId}'` : undefined;
}

function leadSpecs(userId: string | null): KeyedSpec[] {
  const incrementalFilter = echoFilter(userId);
  return [
    {
      key: 'Lead',
      object: 'Lead',
      fields: leadFields,
      stampField: 'SystemModstamp',
      allowBulk: true,
      incrementalFilter,
    },
    {
      key: 'Contact',
      object: 'Contact',
      fields: contactFields,
      stampField: 'SystemModstamp',
      allowBulk: true,
      incrementalFilter,
    },
  ];
}

const activitySpecs: KeyedSpec[] = [
  {
    key: 'Task',
    object: 'Task',
    fields: taskFields,
    filter: 'WhoId != null',
    stampField: 'SystemModstamp',
    allowBulk: true,
  },
  {
    key: 'Event',
    object: 'Event',
    fields: eventFields,
    filter: 'WhoId != null',
    stampField: 'SystemModstamp',
    allowBulk: true,
  },
  {
    key: 'CampaignMember',
    object: 'CampaignMember',
    fields: campaignMemberFields,
    filter: 'HasResponded = true',
    stampField: 'SystemModstamp',
    allowBulk: true,
  },
];

/**
 * Conversions change the Lead; a later won/lost changes only its opportunity, hence two passes.
 * The conversion pass reads Leads on SystemModstamp, so it skips our own writes too (see echoFilter).
 */
const outcomeSpecs = (userId: string | null): KeyedSpec[] => [
  {
    key: 'LeadConversion',
    object: 'Lead',
    fields: conversionFields,
    filter: 'IsConverted = true',
    stampField: 'SystemModstamp',
    allowBulk: true,
    incrementalFilter: echoFilter(userId),
  },
  {
    key: 'ConvertedOpportunity',
    object: 'Lead',
    fields: conversionFields,
    filter: 'IsConverted = true AND ConvertedOpportunityId != null',
    stampField: 'ConvertedOpportunity.SystemModstamp',
    allowBulk: false,
  },
];

async function* runSpecs<T>(
  context: StreamContext,
  specs: KeyedSpec[],
  options: SyncOptions,
  convert: (
    records: Record<string, unknown>[],
    spec: KeyedSpec,
  ) => Omit<SyncPage<T>, 'nextCursor' | 'deletedCrmIds'>,
  state: StreamCursor,
): AsyncGenerator<SyncPage<T>> {
  const guard = () => {
    if (options.signal?.aborted) throw new ConnectorError('TEMPORARY', 'Salesforce sync aborted');
    context.client.usage.assertSyncAllowed(context.tenantId);
  };
  const startedAt = new Date(context.now()).toISOString();
  for (const spec of specs) {
    const start = state.objects[spec.key] ?? emptyObjectCursor();
    for await (const page of syncObject(context.client, spec, start, context.options, guard, startedAt)) {
      state.objects[spec.key] = page.cursor;
      yield { ...convert(page.records, spec), deletedCrmIds: [], nextCursor: encodeCursor(state) };
    }
  }
}

function startState(cursor: string | null): { state: StreamCursor; fullLoad: boolean } {
  const decoded = decodeCursor(cursor);
  return { state: decoded ?? { v: 1, objects: {}, deletedSince: {} }, fullLoad: decoded === null };
}

async function deletedIds(context: StreamContext, state: StreamCursor, object: string): Promise<string[]> {
  const since = state.deletedSince[object];
  const now = context.now();
  // The endpoint works in whole minutes; a shorter window is picked up by the next run.
  if (!since || now - Date.parse(since) < 60_000) return [];
  context.client.usage.assertSyncAllowed(context.tenantId);
  const query = new URLSearchParams({ start: since, end: new Date(now).toISOString() });
  const raw = await context.client.request(
    { method: 'GET', url: context.client.dataPath(`/sobjects/${object}/deleted/?${query.toString()}`) },
    `read deleted ${object} records`,
  );
  const parsed = deletedResponseSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConnectorError('UNKNOWN', `Unexpected deleted-records response for ${object}`);
  state.deletedSince[object] = toIsoDateTime(parsed.data.latestDateCovered) ?? new Date(now).toISOString();
  return parsed.data.deletedRecords.map((record) => record.id);
}

export async function* syncLeadsStream(
  context: StreamContext,
  options: SyncOptions,
): AsyncGenerator<SyncPage<Lead>> {
  const { state, fullLoad } = startState(options.cursor);
  const specs = leadSpecs(context.integrationUserId);
  if (!fullLoad && context.integrationUserId === null) {
    context.client.logger.warn(
      'Salesforce integration user unknown (tokens without userId): our own writes come back as changes until the next token refresh',
    );
  }
  if (fullLoad) {
    // Deletions after this instant must reach the next run, even those during this full load.
    const startedAt = new Date(context.now()).toISOString();
    for (const spec of specs) state.deletedSince[spec.object] = startedAt;
  }
  yield* runSpecs<Lead>(
    context,
    specs,
    options,
    (records, spec) =>
      screenRecords(
        leadSchema,
        spec.object,
        records.map((record) => ({
          crmId: String(record.Id),
          record: mapLeadOrContact(record, context.tenantId),
        })),
      ),
    state,
  );
  const deletedCrmIds: string[] = [];
  for (const spec of specs) deletedCrmIds.push(...(await deletedIds(context, state, spec.object)));
  yield { records: [], rejected: [], deletedCrmIds, nextCursor: encodeCursor(state) };
}

export async function* syncActivitiesStream(
  context: StreamContext,
  options: SyncOptions,
): AsyncGenerator<SyncPage<Activity>> {
  const { state } = startState(options.cursor);
  yield* runSpecs<Activity>(
    context,
    activitySpecs,
    options,
    (records, spec) =>
      screenRecords(
        activitySchema,
        spec.object,
        records.map((record) => ({
          crmId: String(record.Id),
          record: mapActivity(record, context.tenantId),
        })),
      ),
    state,
  );
}

export async function* syncOutcomesStream(
  context: StreamContext,
  options: SyncOptions,
): AsyncGenerator<SyncPage<Outcome>> {
  const { state, fullLoad } = startState(options.cursor);
  if (fullLoad) {
    // The conversion pass of a full load already reads every opportunity's state.
    state.objects.ConvertedOpportunity = {
      watermark: new Date(context.now()).toISOString(),
      recent: {},
    };
  }
  yield* runSpecs<Outcome>(
    context,
    outcomeSpecs(context.integrationUserId),
    options,
    (records, spec) =>
      screenRecords(
        outcomeSchema,
        spec.object,
        records.flatMap((record) =>
          mapOutcomes(record, context.tenantId).map((outcome) => ({
            crmId: String(record.Id),
            record: outcome,
          })),
        ),
      ),
    state,
  );
}
