import express, { type Router } from 'express';
import type { CallCounter } from '../faults.ts';
import type { SalesforceSandboxState } from './salesforce-router.ts';
import type { SalesforceStore } from './salesforce-store.ts';

/** The REST error body Salesforce answers a failed insert with. */
function insertError(statusCode: string, message: string) {
  return [{ message, errorCode: statusCode, fields: [] }];
}

/**
 * `POST /services/oauth2/revoke` (form `token=`), as Salesforce: 200 for a token it knew, 400
 * `unsupported_token_type` otherwise. A revoked refresh token then fails refresh with
 * `invalid_grant` "expired access/refresh token", and its access tokens fail calls with 401.
 */
export function mountRevokeRoute(router: Router, state: SalesforceSandboxState, calls: CallCounter): void {
  router.post('/services/oauth2/revoke', express.urlencoded({ extended: false }), (request, response) => {
    calls.add('salesforce POST /services/oauth2/revoke');
    const token = (request.body as Record<string, string> | undefined)?.token ?? '';
    if (!state.revoke(token)) {
      response
        .status(400)
        .json({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
      return;
    }
    response.status(200).end();
  });
}

/**
 * Permission-set assignment through REST (`POST .../sobjects/PermissionSetAssignment`), checked as
 * Salesforce does: a user id, an existing permission set, and one assignment per user and set.
 * Assignments are records, so SOQL finds them (`... WHERE PermissionSet.Name = 'LeadScore_Admin'`).
 */
export function mountPermissionRoutes(
  router: Router,
  store: SalesforceStore,
  state: SalesforceSandboxState,
): void {
  router.post(
    '/services/data/:version/sobjects/PermissionSetAssignment',
    express.json(),
    (request, response) => {
      const body = request.body as { AssigneeId?: unknown; PermissionSetId?: unknown };
      const assignee = typeof body.AssigneeId === 'string' ? body.AssigneeId : '';
      const permissionSetId = typeof body.PermissionSetId === 'string' ? body.PermissionSetId : '';
      if (!/^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(assignee)) {
        response
          .status(400)
          .json(insertError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id: AssigneeId'));
        return;
      }
      if (store.get(permissionSetId) === undefined) {
        response
          .status(400)
          .json(insertError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id: PermissionSetId'));
        return;
      }
      const duplicate = [...store.table('PermissionSetAssignment').values()].some(
        (row) => row.AssigneeId === assignee && row.PermissionSetId === permissionSetId,
      );
      if (duplicate) {
        response
          .status(400)
          .json(insertError('DUPLICATE_VALUE', `Duplicate PermissionSetAssignment. Assignee: ${assignee}`));
        return;
      }
      const id = store.newId('PermissionSetAssignment');
      const at = store.stamp();
      store.put('PermissionSetAssignment', {
        Id: id,
        AssigneeId: assignee,
        PermissionSetId: permissionSetId,
        CreatedById: state.userId,
        CreatedDate: at,
        SystemModstamp: at,
      });
      response.status(201).json({ id, success: true, errors: [] });
    },
  );
}

/** The PermissionSet record of a name (and namespace), created when missing; its id. */
export function ensurePermissionSetRecord(
  store: SalesforceStore,
  name: string,
  namespace: string | null = null,
): string {
  const existing = [...store.table('PermissionSet').values()].find(
    (row) => row.Name === name && (row.NamespacePrefix ?? null) === namespace,
  );
  if (existing) return existing.Id;
  const id = store.newId('PermissionSet');
  store.put('PermissionSet', {
    Id: id,
    Name: name,
    Label: name.replace(/_/g, ' '),
    NamespacePrefix: namespace,
    IsOwnedByProfile: false,
  });
  return id;
}
