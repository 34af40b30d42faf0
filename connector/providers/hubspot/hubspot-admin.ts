import type { CrmDescription, EnsureFieldsResult, TaskInput } from '../../../shared/crm-connector.ts';
import { ConnectorError, isConnectorError } from '../../../shared/errors.ts';
import type { Manifest } from '../../../shared/manifest.ts';
import { taskToContactAssociationTypeId } from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';

/** HubSpot answers 409 when a group or property exists: for an idempotent ensure, that is done. */
async function createUnlessExists(create: () => Promise<unknown>): Promise<'created' | 'exists'> {
  try {
    await create();
    return 'created';
  } catch (error) {
    if (isConnectorError(error) && error.context.httpStatus === 409) return 'exists';
    throw error;
  }
}

/** The property group, then each property of manifest.json; safe to run again. */
export async function ensureHubspotFields(api: HubspotApi, manifest: Manifest): Promise<EnsureFieldsResult> {
  const { propertyGroup, properties } = manifest.hubspot;
  const result: EnsureFieldsResult = { created: [], alreadyPresent: [] };
  const group = await createUnlessExists(() =>
    api.call('create contact property group', (client, options) =>
      client.crm.properties.groupsApi.create('contacts', { ...propertyGroup }, options),
    ),
  );
  (group === 'created' ? result.created : result.alreadyPresent).push(`group:${propertyGroup.name}`);
  for (const property of properties) {
    const outcome = await createUnlessExists(() =>
      api.call('create contact property', (client, options) =>
        client.crm.properties.coreApi.create(
          'contacts',
          {
            name: property.name,
            label: property.label,
            description: property.description,
            groupName: propertyGroup.name,
            type: property.type as never,
            fieldType: property.fieldType as never,
            options: property.options?.map((option) => ({ ...option, hidden: false })),
          },
          options,
        ),
      ),
    );
    (outcome === 'created' ? result.created : result.alreadyPresent).push(property.name);
  }
  return result;
}

/** A task on the contact; never retried blindly, since a 5xx may still have created it. */
export async function createHubspotTask(api: HubspotApi, task: TaskInput): Promise<{ crmId: string }> {
  const due = Date.parse(task.dueDate);
  if (!Number.isFinite(due)) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `Task dueDate "${task.dueDate}" is not a date such as 2026-03-01`,
      {
        context: { provider: 'hubspot', object: 'task', recordId: task.crmId },
      },
    );
  }
  const properties: Record<string, string> = {
    hs_task_subject: task.subject,
    hs_task_body: task.body,
    hs_timestamp: String(due),
    hs_task_status: 'NOT_STARTED',
    hs_task_type: 'TODO',
  };
  if (task.ownerCrmId) properties.hubspot_owner_id = task.ownerCrmId;
  const created = await api.call(
    'create task',
    (client, options) =>
      client.crm.objects.tasks.basicApi.create(
        {
          properties,
          associations: [
            {
              to: { id: task.crmId },
              types: [
                {
                  associationCategory: 'HUBSPOT_DEFINED' as never,
                  associationTypeId: taskToContactAssociationTypeId,
                },
              ],
            },
          ],
        },
        options,
      ),
    { retryTemporary: false },
  );
  return { crmId: String(created.id) };
}

export async function describeHubspot(api: HubspotApi): Promise<CrmDescription> {
  const properties = await api.call('list contact properties', (client, options) =>
    client.crm.properties.coreApi.getAll('contacts', undefined, undefined, options),
  );
  const usage = api.rateLimit;
  return {
    provider: 'hubspot',
    objects: [{ name: 'contacts', fields: properties.results.map((property) => property.name) }],
    apiUsage:
      usage?.dailyMax !== undefined && usage.dailyRemaining !== undefined
        ? { used: usage.dailyMax - usage.dailyRemaining, limit: usage.dailyMax }
        : null,
  };
}
