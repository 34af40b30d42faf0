import express, { type Request, type Response, type Router } from 'express';
import type { SalesforceSandboxState } from './salesforce-router.ts';
import type { SalesforceStore, SfRecord } from './salesforce-store.ts';

/**
 * The managed package's Apex REST resources as a subscriber org answers them. Only one:
 * LeadScoreSetupResource (`@RestResource(urlMapping='/setup')`, so `/services/apexrest/{namespace}/setup`
 * in a subscriber org), the one way to write the package's protected LeadScore_Settings__c.
 */

/** The key prefix the sandbox gives custom setting records (as the sObject routes do). */
const settingKeyPrefix = 'a0L';
const adminPermissionSet = 'LeadScore_Admin';
const secretPattern = /^[A-Za-z0-9_\-+/=]{16,100}$/;
const userIdPattern = /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;
const protectedSettingPattern = /^[A-Za-z][A-Za-z0-9]{0,14}__LeadScore_Settings__c$/;

/** The package's hierarchy setting under its namespace. */
export function packageSettingObject(namespace: string): string {
  return `${namespace}__LeadScore_Settings__c`;
}

/**
 * Whether an object is a managed package's protected LeadScore_Settings__c: in a subscriber org the
 * API user cannot see it (SOQL INVALID_TYPE, sObject NOT_FOUND); only the package's Apex can.
 */
export function isProtectedPackageSetting(object: string): boolean {
  return protectedSettingPattern.test(object);
}

/** What `LeadScore_Settings__c.getOrgDefaults()` gives the package's Apex, or null without an org default. */
export function packageSettingsOf(
  store: SalesforceStore,
  orgId: string,
  namespace = 'leadscore',
): { webhookSecret: string | null; integrationUserId: string | null } | null {
  const record = orgDefault(store, packageSettingObject(namespace), orgId);
  if (record === undefined) return null;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    webhookSecret: text(record[`${namespace}__WebhookSecret__c`]),
    integrationUserId: text(record[`${namespace}__IntegrationUserId__c`]),
  };
}

function orgDefault(store: SalesforceStore, object: string, orgId: string): SfRecord | undefined {
  return [...store.table(object).values()].find((row) => row.SetupOwnerId === orgId);
}

/** Whether the user holds the package's LeadScore_Admin (which grants LeadScore_Manage_Settings). */
function holdsAdminSet(store: SalesforceStore, userId: string, namespace: string): boolean {
  const sets = new Set(
    [...store.table('PermissionSet').values()]
      .filter((row) => row.Name === adminPermissionSet && row.NamespacePrefix === namespace)
      .map((row) => row.Id),
  );
  return [...store.table('PermissionSetAssignment').values()].some(
    (row) =>
      row.AssigneeId === userId && typeof row.PermissionSetId === 'string' && sets.has(row.PermissionSetId),
  );
}

/** The platform's answer for a path no Apex REST resource maps. */
function noResource(response: Response): void {
  response.status(404).json([{ errorCode: 'NOT_FOUND', message: 'Could not find a match for URL' }]);
}

/** LeadScoreSetupResource's own error body: `{"error": {"code", "message"}}`. */
function resourceError(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ error: { code, message } });
}

function parsedBody(request: Request): Record<string, unknown> | null {
  if (typeof request.body !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(request.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * `PUT /services/apexrest/{namespace}/setup` `{webhookSecret, integrationUserId}` as the package's
 * LeadScoreSetupResource answers it: 200 `{"ok":true,"created":bool}` after upserting the org
 * default, 400 naming the bad field, 403 when the calling user lacks the package's LeadScore_Admin
 * (the custom permission it grants). An org without the package, or with a version older than the
 * setting, has no such resource: 404 NOT_FOUND as the platform answers. Other methods: 405.
 */
export function mountApexRestRoutes(
  router: Router,
  store: SalesforceStore,
  state: SalesforceSandboxState,
): void {
  const setup = '/services/apexrest/:namespace/setup';
  router.put(setup, express.text({ type: () => true }), (request, response) => {
    const namespace = String(request.params.namespace);
    const object = packageSettingObject(namespace);
    if (!store.customObjects.has(object)) return noResource(response);
    if (!holdsAdminSet(store, state.userId, namespace)) {
      return resourceError(
        response,
        403,
        'FORBIDDEN',
        'assign the LeadScore Admin permission set to the user who connects LeadScore',
      );
    }
    const body = parsedBody(request);
    if (body === null) {
      return resourceError(
        response,
        400,
        'INVALID_INPUT',
        'send JSON {"webhookSecret": "...", "integrationUserId": "005..."}',
      );
    }
    const { webhookSecret, integrationUserId } = body;
    if (typeof webhookSecret !== 'string' || !secretPattern.test(webhookSecret)) {
      return resourceError(
        response,
        400,
        'INVALID_INPUT',
        'webhookSecret must be 16-100 base64 or base64url characters',
      );
    }
    if (typeof integrationUserId !== 'string' || !userIdPattern.test(integrationUserId)) {
      return resourceError(
        response,
        400,
        'INVALID_INPUT',
        'integrationUserId must be a Salesforce user id (005...)',
      );
    }
    const existing = orgDefault(store, object, state.orgId);
    const at = store.stamp();
    const fields = {
      [`${namespace}__WebhookSecret__c`]: webhookSecret,
      [`${namespace}__IntegrationUserId__c`]: integrationUserId,
      LastModifiedById: state.userId,
      LastModifiedDate: at,
      SystemModstamp: at,
    };
    if (existing !== undefined) store.put(object, { ...existing, ...fields });
    else {
      store.put(object, {
        Id: `${settingKeyPrefix}${store.newId(object).slice(3)}`,
        SetupOwnerId: state.orgId,
        CreatedById: state.userId,
        CreatedDate: at,
        ...fields,
      });
    }
    response.status(200).json({ ok: true, created: existing === undefined });
  });
  router.all(setup, (request, response) => {
    if (!store.customObjects.has(packageSettingObject(String(request.params.namespace))))
      return noResource(response);
    response.status(405).json([
      {
        errorCode: 'METHOD_NOT_ALLOWED',
        message: `HTTP Method '${request.method}' not allowed. Allowed are PUT`,
      },
    ]);
  });
  router.all('/services/apexrest/*path', (_request, response) => noResource(response));
}
