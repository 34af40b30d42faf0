import type { EnsureFieldsResult } from '../../../shared/crm-connector.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import type { Manifest } from '../../../shared/manifest.ts';
import type { SalesforceClient } from './salesforce-client.ts';

type FieldSpec = Manifest['salesforce']['objects']['Lead'][number];

interface SaveResult {
  fullName?: string;
  success?: boolean | string;
  errors?: { statusCode?: string; message?: string } | { statusCode?: string; message?: string }[];
}

/**
 * The permission sets an OAuth-only connection creates (the managed package brings its own, with
 * the same names): users read the fields, admins (and the integration user) read and edit them.
 * Holding LeadScore_Admin is what makes a Salesforce user a LeadScore admin.
 */
export const permissionSetNames = { user: 'LeadScore_User', admin: 'LeadScore_Admin' } as const;

/** Metadata API PermissionSets for the given fields (`Object.Field` full names). */
export function permissionSetMetadata(fullNames: readonly string[]): Record<string, unknown>[] {
  return [
    {
      fullName: permissionSetNames.user,
      label: 'LeadScore User',
      description: 'Lets a user see the LeadScore score, tier and factors on leads and contacts.',
      fieldPermissions: fullNames.map((field) => ({ field, readable: true, editable: false })),
    },
    {
      fullName: permissionSetNames.admin,
      label: 'LeadScore Admin',
      description:
        'Lets a user change LeadScore settings, and the integration user write the LeadScore fields.',
      fieldPermissions: fullNames.map((field) => ({ field, readable: true, editable: true })),
    },
  ];
}

/** Metadata API CustomField for one manifest field. */
export function customFieldMetadata(object: string, field: FieldSpec): Record<string, unknown> {
  const base = { fullName: `${object}.${field.apiName}`, label: field.label, description: field.description };
  switch (field.type) {
    case 'Number':
      return { ...base, type: 'Number', precision: field.precision ?? 18, scale: field.scale ?? 0 };
    case 'Text':
      return { ...base, type: 'Text', length: field.length ?? 255 };
    case 'DateTime':
      return { ...base, type: 'DateTime' };
    case 'Checkbox':
      return { ...base, type: 'Checkbox', defaultValue: 'false' };
    case 'Picklist':
      return {
        ...base,
        type: 'Picklist',
        valueSet: {
          restricted: true,
          valueSetDefinition: {
            sorted: false,
            value: (field.picklistValues ?? []).map((value) => ({
              fullName: value,
              label: value,
              default: false,
            })),
          },
        },
      };
  }
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** "Already exists" answers make creation idempotent. */
function isAlreadyPresent(result: SaveResult): boolean {
  return asList(result.errors).some(
    (error) =>
      error.statusCode === 'DUPLICATE_DEVELOPER_NAME' ||
      error.statusCode === 'DUPLICATE_VALUE' ||
      /already (a field|exists)/i.test(error.message ?? ''),
  );
}

/** A custom field of a managed package: `<namespace>__<name>__c`. */
function isPackaged(apiName: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_]+__c$/.test(apiName);
}

function succeeded(result: SaveResult): boolean {
  return result.success === true || result.success === 'true';
}

/**
 * Creates the manifest's fields on Lead and Contact through the Metadata API (at most 10 per call,
 * so one call per object), then the permission sets LeadScore_User (read) and LeadScore_Admin
 * (read and edit): new fields are invisible to API users until field-level security allows them.
 * Only for an OAuth-only connection: with the managed package the org already has all of it.
 */
export async function ensureFields(
  client: SalesforceClient,
  manifest: Manifest,
): Promise<EnsureFieldsResult> {
  const result: EnsureFieldsResult = { created: [], alreadyPresent: [] };
  const objects = ['Lead', 'Contact'] as const;
  // Namespaced names (`leadscore__..._c`) are the managed package's: it brought them, and an org
  // cannot create fields in another namespace.
  if (
    objects.every((object) => manifest.salesforce.objects[object].every((field) => isPackaged(field.apiName)))
  ) {
    for (const object of objects) {
      for (const field of manifest.salesforce.objects[object])
        result.alreadyPresent.push(`${object}.${field.apiName}`);
    }
    return result;
  }
  const fullNames: string[] = [];
  for (const object of objects) {
    const fields = manifest.salesforce.objects[object];
    const metadata = fields.map((field) => customFieldMetadata(object, field));
    fullNames.push(...metadata.map((item) => String(item.fullName)));
    let answers: SaveResult[];
    try {
      answers = asList(
        (await client.connection.metadata.create('CustomField', metadata)) as SaveResult | SaveResult[],
      );
    } catch (error) {
      throw client.mapError(error, `create ${object} fields`);
    }
    answers.forEach((answer, index) => {
      const fullName = answer.fullName ?? String(metadata[index]?.fullName);
      if (succeeded(answer)) result.created.push(fullName);
      else if (isAlreadyPresent(answer)) result.alreadyPresent.push(fullName);
      else {
        const reason = asList(answer.errors)
          .map((error) => `${error.statusCode}: ${error.message}`)
          .join('; ');
        throw new ConnectorError('INVALID_INPUT', `Could not create ${fullName}: ${reason}`, {
          context: { provider: 'salesforce', operation: 'ensure fields', object },
        });
      }
    });
  }
  let grants: SaveResult[];
  try {
    grants = asList(
      (await client.connection.metadata.upsert('PermissionSet', permissionSetMetadata(fullNames))) as
        | SaveResult
        | SaveResult[],
    );
  } catch (error) {
    throw client.mapError(error, 'grant field access');
  }
  const refused = grants.find((grant) => !succeeded(grant));
  if (refused !== undefined || grants.length === 0) {
    const reason = asList(refused?.errors)
      .map((error) => `${error.statusCode}: ${error.message}`)
      .join('; ');
    throw new ConnectorError(
      'INVALID_INPUT',
      `Could not create the LeadScore permission sets${refused?.fullName ? ` (${refused.fullName})` : ''}: ${reason || 'no answer'}`,
    );
  }
  return result;
}
