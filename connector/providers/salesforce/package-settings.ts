import { ConnectorError } from '../../../shared/errors.ts';
import { saveResultSchema } from './api-schemas.ts';
import type { SalesforceConnector } from './salesforce-connector.ts';

/** The package's protected hierarchy custom setting and its fields, without the namespace prefix. */
const settingObject = 'LeadScore_Settings__c';
const secretField = 'WebhookSecret__c';
const integrationUserField = 'IntegrationUserId__c';

const orgIdPattern = /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;
const userIdPattern = /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;
const recordIdPattern = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

export interface PackageSettingsInput {
  namespace: string;
  orgId: string;
  integrationUserId: string;
  webhookSecret: string;
}

/** The namespaced API names of the custom setting, the one place they are spelled. */
export function packageSettingNames(namespace: string) {
  const prefix = `${namespace}__`;
  return {
    object: `${prefix}${settingObject}`,
    secret: `${prefix}${secretField}`,
    integrationUser: `${prefix}${integrationUserField}`,
  };
}

/**
 * Writes the org default of the managed package's `LeadScore_Settings__c`: the webhook secret the
 * Queueable signs change batches with and the integration user. Apex cannot read an External
 * Credential's secret, so this protected setting is where the package finds it. An org default is
 * the record whose SetupOwnerId is the org id: found by SOQL, then updated, or inserted when absent.
 * Returns whether a record was inserted (false: the existing one was updated).
 */
export async function writePackageSettings(
  connector: SalesforceConnector,
  input: PackageSettingsInput,
): Promise<{ inserted: boolean }> {
  if (!orgIdPattern.test(input.orgId)) {
    throw new ConnectorError('INVALID_INPUT', 'the org id is not a Salesforce organization id (00D...)');
  }
  if (!userIdPattern.test(input.integrationUserId)) {
    throw new ConnectorError('INVALID_INPUT', 'the integration user id is not a Salesforce user id (005...)');
  }
  const names = packageSettingNames(input.namespace);
  const operation = `write the ${names.object} org default`;
  const fields = { [names.secret]: input.webhookSecret, [names.integrationUser]: input.integrationUserId };
  const existing = await orgDefaultId(connector, names.object, input.orgId);
  const { client } = connector;
  if (existing !== null) {
    await client.request(
      {
        method: 'PATCH',
        url: client.dataPath(`/sobjects/${names.object}/${existing}`),
        body: JSON.stringify(fields),
        headers: { 'content-type': 'application/json' },
      },
      operation,
    );
    return { inserted: false };
  }
  const answer = saveResultSchema.safeParse(
    await client.request(
      {
        method: 'POST',
        url: client.dataPath(`/sobjects/${names.object}`),
        body: JSON.stringify({ SetupOwnerId: input.orgId, ...fields }),
        headers: { 'content-type': 'application/json' },
      },
      operation,
    ),
  );
  if (!answer.success || !answer.data.success) {
    throw new ConnectorError('UNKNOWN', `Salesforce answered the ${names.object} insert without an id`, {
      context: { provider: 'salesforce', operation },
    });
  }
  return { inserted: true };
}

async function orgDefaultId(
  connector: SalesforceConnector,
  object: string,
  orgId: string,
): Promise<string | null> {
  const soql = `SELECT Id FROM ${object} WHERE SetupOwnerId = '${orgId}'`;
  try {
    for await (const page of connector.client.queryPages(soql, `find the ${object} org default`)) {
      const id = page.records[0]?.Id;
      if (typeof id === 'string' && recordIdPattern.test(id)) return id;
    }
    return null;
  } catch (error) {
    // INVALID_TYPE: the package's fields are there (describe said so) but an older version of it
    // lacks the setting; the admin can act on that, not on Salesforce's own wording.
    if (error instanceof ConnectorError && error.code === 'INVALID_INPUT') {
      throw new ConnectorError(
        'INVALID_INPUT',
        `the org has the LeadScore package without its ${object} custom setting: upgrade the package, then install again`,
        { cause: error, context: { provider: 'salesforce', operation: `find the ${object} org default` } },
      );
    }
    throw error;
  }
}
