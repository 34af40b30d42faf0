import { Connection } from 'jsforce';
import type { Transport } from 'jsforce/lib/transport.js';
import { ConnectorError } from '../../../shared/errors.ts';
import { GuardedTransport } from './guarded-transport.ts';
import type { InstanceUrlPolicy } from './instance-url-guard.ts';
import { assertSalesforceUrl } from './instance-url-guard.ts';
import { parseSalesforceError } from './parse-salesforce-error.ts';

/**
 * The permission set that makes a user a LeadScore admin. Its Name is the same whether the OAuth-only
 * install created it or the managed package brought it (then with NamespacePrefix `leadscore`), so
 * one query by Name finds either.
 */
export const ADMIN_PERMISSION_SET = 'LeadScore_Admin';
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function adminAssignmentQuery(userId: string): string {
  // The id is checked against the id alphabet before it is put in SOQL: nothing to escape.
  if (!SALESFORCE_ID.test(userId)) {
    throw new ConnectorError('INVALID_INPUT', 'Salesforce user id must be a 15- or 18-character id', {
      context: { provider: 'salesforce', operation: 'read user permission sets' },
    });
  }
  return `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${userId}' AND PermissionSet.Name = '${ADMIN_PERMISSION_SET}'`;
}

export interface SalesforceUserLookup extends InstanceUrlPolicy {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
  userId: string;
  timeoutMs?: number;
}

/** Whether the user has the LeadScore_Admin permission set assigned (one SOQL query through jsforce). */
export async function hasLeadscoreAdminPermission(lookup: SalesforceUserLookup): Promise<boolean> {
  const soql = adminAssignmentQuery(lookup.userId);
  const instanceUrl = assertSalesforceUrl(lookup.instanceUrl, lookup);
  const connection = new Connection({
    instanceUrl,
    accessToken: lookup.accessToken,
    version: lookup.apiVersion,
  });
  connection._transport = new GuardedTransport({
    allowedInstanceHosts: lookup.allowedInstanceHosts,
    maxRetries: 0,
    timeoutMs: lookup.timeoutMs ?? 5_000,
  }) as unknown as Transport;
  try {
    const result = await connection.query<{ Id: string }>(soql, { autoFetch: false });
    return result.records.length > 0;
  } catch (error) {
    throw parseSalesforceError(error, { context: { operation: 'read user permission sets' } });
  }
}
