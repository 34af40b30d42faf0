import { ConnectorError } from '../../../shared/errors.ts';
import { archivedPageSize, associationBatchSize, batchReadSize } from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';
import type { HubspotObject, StageOutcome } from './hubspot-mappers.ts';

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface BatchError {
  status?: string;
  category?: string;
  subCategory?: unknown;
  message?: string;
  context?: Record<string, string[] | undefined>;
}

interface AssociationResult {
  _from: { id: string };
  to: { toObjectId: string | number }[];
  paging?: { next?: { after: string } };
}

/** Contacts without any association of the type come back as 207 errors of this kind: not a failure. */
function isNoAssociations(error: BatchError): boolean {
  return String(error.subCategory ?? '').includes('NO_ASSOCIATIONS_FOUND');
}

/**
 * Ids of the objects of `toType` associated with each contact, through v4 batch reads of up to
 * 1,000 contacts, following a contact's own paging when it has more associations than one answer holds.
 */
export async function readAssociations(
  api: HubspotApi,
  toType: string,
  contactIds: string[],
): Promise<Map<string, string[]>> {
  const byContact = new Map<string, string[]>();
  for (const ids of chunk(contactIds, associationBatchSize)) {
    const response = (await api.call(`read contact→${toType} associations`, (client, options) =>
      client.crm.associations.v4.batchApi.getPage(
        'contacts',
        toType,
        { inputs: ids.map((id) => ({ id })) },
        options,
      ),
    )) as { results: AssociationResult[]; errors?: BatchError[] };
    const failures = (response.errors ?? []).filter((error) => !isNoAssociations(error));
    if (failures.length > 0) {
      throw new ConnectorError(
        'TEMPORARY',
        `HubSpot could not read ${toType} associations: ${failures.map((f) => f.message).join('; ')}`,
        { context: { provider: 'hubspot', object: toType, operation: 'read associations' } },
      );
    }
    for (const result of response.results) {
      const targets = result.to.map((target) => String(target.toObjectId));
      let after = result.paging?.next?.after;
      while (after !== undefined) {
        const more = await api.call(`read contact→${toType} associations`, (client, options) =>
          client.crm.associations.v4.basicApi.getPage(
            'contacts',
            result._from.id,
            toType,
            after,
            500,
            options,
          ),
        );
        targets.push(...more.results.map((target) => String(target.toObjectId)));
        after = more.paging?.next?.after;
      }
      byContact.set(String(result._from.id), targets);
    }
  }
  return byContact;
}

/**
 * Objects by id in batches of 100. Ids HubSpot no longer has (deleted since the association was
 * read) come back as a 207 OBJECT_NOT_FOUND and are left out; any other error fails the read.
 */
export async function batchReadObjects(
  api: HubspotApi,
  objectType: string,
  ids: string[],
  properties: string[],
): Promise<Map<string, HubspotObject>> {
  const byId = new Map<string, HubspotObject>();
  for (const part of chunk([...new Set(ids)], batchReadSize)) {
    const response = (await api.call(`batch read ${objectType}`, (client, options) =>
      client.crm.objects.batchApi.read(
        objectType,
        {
          inputs: part.map((id) => ({ id })),
          properties,
          propertiesWithHistory: [],
        },
        false,
        options,
      ),
    )) as { results: HubspotObject[]; errors?: BatchError[] };
    const failures = (response.errors ?? []).filter((error) => error.category !== 'OBJECT_NOT_FOUND');
    if (failures.length > 0) {
      throw new ConnectorError(
        'TEMPORARY',
        `HubSpot batch read of ${objectType} partly failed: ${failures.map((f) => f.message).join('; ')}`,
        { context: { provider: 'hubspot', object: objectType, operation: 'batch read' } },
      );
    }
    for (const object of response.results) byId.set(String(object.id), object);
  }
  return byId;
}

/** Archived (deleted) contacts, 100 per page; HubSpot offers no filter on archivedAt, so all are listed. */
export async function listArchivedContacts(api: HubspotApi): Promise<HubspotObject[]> {
  const archived: HubspotObject[] = [];
  let after: string | undefined;
  do {
    const page = await api.call('list archived contacts', (client, options) =>
      client.crm.contacts.basicApi.getPage(
        archivedPageSize,
        after,
        ['lastmodifieddate'],
        undefined,
        undefined,
        true,
        options,
      ),
    );
    archived.push(...(page.results as HubspotObject[]));
    after = page.paging?.next?.after;
  } while (after !== undefined);
  return archived;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * Deal stages by id with their closed and won flags, read from the portal's pipelines: stage ids
 * differ per portal and closed-won is a stage marked closed with probability 1.
 */
export async function readDealStages(api: HubspotApi): Promise<Map<string, StageOutcome>> {
  const response = await api.call('read deal pipelines', (client, options) =>
    client.crm.pipelines.pipelinesApi.getAll('deals', options),
  );
  const stages = new Map<string, StageOutcome>();
  for (const pipeline of response.results) {
    for (const stage of pipeline.stages) {
      const metadata = (stage.metadata ?? {}) as Record<string, unknown>;
      const isClosed = truthy(metadata.isClosed);
      const probability = Number(metadata.probability ?? Number.NaN);
      stages.set(stage.id, { isClosed, isWon: isClosed && probability >= 1 });
    }
  }
  return stages;
}
