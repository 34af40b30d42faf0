import { z } from 'zod';
import { ConnectorError } from '../../../shared/errors.ts';
import type { SalesforceConnector } from './salesforce-connector.ts';

/** The package's protected hierarchy custom setting and its fields, without the namespace prefix. */
const settingObject = 'LeadScore_Settings__c';
const secretField = 'WebhookSecret__c';
const integrationUserField = 'IntegrationUserId__c';

const orgIdPattern = /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;
const userIdPattern = /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;
const namespacePattern = /^[A-Za-z][A-Za-z0-9]{0,14}$/;
/** What LeadScoreSetupResource accepts as a secret: 16-100 base64 or base64url characters. */
const secretPattern = /^[A-Za-z0-9_\-+/=]{16,100}$/;

export interface PackageSettingsInput {
  namespace: string;
  /** The org the settings are written in (the org default's SetupOwnerId, set by the package). */
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

/** The package's Apex REST resource that writes the setting (`@RestResource(urlMapping='/setup')`). */
export function packageSetupPath(namespace: string): string {
  return `/services/apexrest/${namespace}/setup`;
}

/** LeadScoreSetupResource's 200 answer. */
const setupAnswerSchema = z.object({ ok: z.literal(true), created: z.boolean() });

/** Vendor codes that mean the user may not call the resource or lacks its custom permission. */
const refusedCodes = new Set(['ERROR_HTTP_403', 'FORBIDDEN', 'INSUFFICIENT_ACCESS']);
/** Vendor codes that mean the org has no such Apex REST resource (a package version without it). */
const missingCodes = new Set(['ERROR_HTTP_404', 'NOT_FOUND']);

/**
 * Writes the org default of the managed package's protected `LeadScore_Settings__c`: the webhook
 * secret the Queueable signs change batches with and the integration user. A protected setting is
 * invisible to the API user, so the package's own Apex writes it: `PUT
 * /services/apexrest/{namespace}/setup`, which needs the Manage LeadScore Settings custom permission
 * of LeadScore_Admin (provisioning assigns that set to the installing admin before this call).
 * Returns whether the org default was created (false: the existing one was updated). No error
 * carries the secret.
 */
export async function writePackageSettings(
  connector: SalesforceConnector,
  input: PackageSettingsInput,
): Promise<{ created: boolean }> {
  if (!namespacePattern.test(input.namespace)) {
    throw new ConnectorError('INVALID_INPUT', 'the package namespace is not a Salesforce namespace prefix');
  }
  if (!orgIdPattern.test(input.orgId)) {
    throw new ConnectorError('INVALID_INPUT', 'the org id is not a Salesforce organization id (00D...)');
  }
  if (!userIdPattern.test(input.integrationUserId)) {
    throw new ConnectorError('INVALID_INPUT', 'the integration user id is not a Salesforce user id (005...)');
  }
  if (!secretPattern.test(input.webhookSecret)) {
    throw new ConnectorError(
      'INVALID_INPUT',
      'the webhook secret must be 16-100 base64 or base64url characters for the LeadScore package',
    );
  }
  const names = packageSettingNames(input.namespace);
  const operation = `write the ${names.object} org default`;
  const context = { provider: 'salesforce' as const, operation };
  let raw: unknown;
  try {
    raw = await connector.client.request(
      {
        method: 'PUT',
        url: packageSetupPath(input.namespace),
        body: JSON.stringify({
          webhookSecret: input.webhookSecret,
          integrationUserId: input.integrationUserId,
        }),
        headers: { 'content-type': 'application/json' },
      },
      operation,
    );
  } catch (error) {
    throw setupError(error, input.webhookSecret, context);
  }
  const answer = setupAnswerSchema.safeParse(raw);
  if (!answer.success) {
    throw new ConnectorError(
      'UNKNOWN',
      `Salesforce answered ${packageSetupPath(input.namespace)} without {"ok": true, "created": ...}`,
      { context },
    );
  }
  return { created: answer.data.created };
}

/** The vendor's message inside LeadScoreSetupResource's `{"error": {"code", "message"}}` body. */
function resourceMessage(message: string): string | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = z
      .object({ error: z.object({ code: z.string(), message: z.string() }) })
      .safeParse(JSON.parse(message.slice(start)));
    return parsed.success ? parsed.data.error.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The admin's next step for a refused setup call: the permission set (403), the package version
 * (404), or the resource's own words (400). Anything else passes on as the client mapped it.
 */
function setupError(
  error: unknown,
  secret: string,
  context: { provider: 'salesforce'; operation: string },
): unknown {
  if (!(error instanceof ConnectorError)) return error;
  const vendorCode = error.context.vendorCode ?? '';
  const withVendor = { ...context, vendorCode, tenantId: error.context.tenantId };
  if (refusedCodes.has(vendorCode) || vendorCode.startsWith('INSUFFICIENT_ACCESS')) {
    return new ConnectorError(
      'INVALID_INPUT',
      'Salesforce refused to store the LeadScore settings: assign the LeadScore_Admin permission set to the installing user, then install again',
      { cause: error, context: withVendor },
    );
  }
  if (missingCodes.has(vendorCode)) {
    return new ConnectorError(
      'INVALID_INPUT',
      'the LeadScore package is older than this server: upgrade it, then install again',
      { cause: error, context: withVendor },
    );
  }
  if (vendorCode === 'ERROR_HTTP_400') {
    const said = resourceMessage(error.message) ?? 'the request was refused';
    return new ConnectorError(
      'INVALID_INPUT',
      `the LeadScore package refused its settings: ${said.split(secret).join('[secret]')}`,
      { cause: error, context: withVendor },
    );
  }
  return error;
}
