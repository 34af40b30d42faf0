import { ConnectorError } from '../../../shared/errors.ts';
import type { Manifest } from '../../../shared/manifest.ts';
import { saveResultSchema } from './api-schemas.ts';
import { permissionSetNames } from './ensure-fields.ts';
import type { SalesforceConnector } from './salesforce-connector.ts';
import { detectNamespace } from './salesforce-namespace.ts';

export interface SalesforceProvisioning {
  /** `leadscore` when the managed package is installed, null for an OAuth-only connection. */
  namespace: string | null;
  /** Fields created now (none with the package, none on a reconnect). */
  created: string[];
  /** Whether LeadScore_Admin was assigned to the installing admin now (false: already held). */
  adminAssigned: boolean;
}

const userIdPattern = /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;

async function firstId(
  connector: SalesforceConnector,
  soql: string,
  operation: string,
): Promise<string | null> {
  for await (const page of connector.client.queryPages(soql, operation)) {
    const id = page.records[0]?.Id;
    if (typeof id === 'string') return id;
  }
  return null;
}

/**
 * Gives the installing admin LeadScore_Admin (a PermissionSetAssignment insert), unless they hold
 * it already. With the managed package the set is the package's (NamespacePrefix `leadscore`).
 */
async function assignAdmin(
  connector: SalesforceConnector,
  userId: string,
  namespace: string | null,
): Promise<boolean> {
  if (!userIdPattern.test(userId)) {
    throw new ConnectorError('INVALID_INPUT', 'the installing user id is not a Salesforce user id');
  }
  const namespaceClause = namespace === null ? 'NamespacePrefix = null' : `NamespacePrefix = '${namespace}'`;
  const permissionSetId = await firstId(
    connector,
    `SELECT Id FROM PermissionSet WHERE Name = '${permissionSetNames.admin}' AND ${namespaceClause}`,
    'find the LeadScore_Admin permission set',
  );
  if (permissionSetId === null) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `the org has no ${permissionSetNames.admin} permission set${namespace ? ` in the ${namespace} package: reinstall the package` : ''}`,
      { context: { provider: 'salesforce', operation: 'assign LeadScore_Admin' } },
    );
  }
  const held = await firstId(
    connector,
    `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${userId}' AND PermissionSetId = '${permissionSetId}'`,
    'check the admin permission set assignment',
  );
  if (held !== null) return false;
  const answer = saveResultSchema.safeParse(
    await connector.client.request(
      {
        method: 'POST',
        url: connector.client.dataPath('/sobjects/PermissionSetAssignment'),
        body: JSON.stringify({ AssigneeId: userId, PermissionSetId: permissionSetId }),
        headers: { 'content-type': 'application/json' },
      },
      'assign LeadScore_Admin',
    ),
  );
  if (!answer.success || !answer.data.success) {
    throw new ConnectorError('UNKNOWN', 'Salesforce answered the LeadScore_Admin assignment without an id', {
      context: { provider: 'salesforce', operation: 'assign LeadScore_Admin' },
    });
  }
  return true;
}

/**
 * What an install (or a reconnect) does in the org, the two ways in with one field map: describe
 * tells whether the managed package is there. With it, nothing is created (the package brought the
 * fields and permission sets); without it, the fields and both permission sets are created through
 * the Metadata API. Either way the installing admin gets LeadScore_Admin.
 */
export async function provisionSalesforce(
  connector: SalesforceConnector,
  input: { manifest: Manifest; installingUserId: string },
): Promise<SalesforceProvisioning> {
  const namespace = detectNamespace(await connector.describe(), input.manifest);
  const created = namespace === null ? (await connector.ensureFields()).created : [];
  const adminAssigned = await assignAdmin(connector, input.installingUserId, namespace);
  return { namespace, created, adminAssigned };
}
