import { isProtectedPackageSetting } from './apex-rest-routes.ts';
import type { SalesforceStore, SfRecord } from './salesforce-store.ts';
import { compareValues, matches, parseSoql, SoqlError } from './soql.ts';

const dateTimeFields = new Set([
  'CreatedDate',
  'LastModifiedDate',
  'SystemModstamp',
  'StartDateTime',
  'ActivityDateTime',
]);

/** Salesforce writes datetimes as `2026-03-01T10:00:00.000+0000`. */
function toSalesforceDateTime(value: unknown): unknown {
  return typeof value === 'string' && value.endsWith('Z') ? `${value.slice(0, -1)}+0000` : value;
}

function attributes(object: string, id: string, apiVersion: string) {
  return { type: object, url: `/services/data/v${apiVersion}/sobjects/${object}/${id}` };
}

/** Follows `Account.Name` through `AccountId` to the parent record. */
function readPath(store: SalesforceStore, record: SfRecord, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) return record[path];
  const parentId = record[`${path.slice(0, dot)}Id`];
  const parent = typeof parentId === 'string' ? store.get(parentId) : undefined;
  return parent ? readPath(store, parent, path.slice(dot + 1)) : null;
}

function project(
  store: SalesforceStore,
  object: string,
  record: SfRecord,
  fields: string[],
  apiVersion: string,
) {
  const out: Record<string, unknown> = { attributes: attributes(object, record.Id, apiVersion) };
  for (const field of fields) {
    const dot = field.indexOf('.');
    if (dot < 0) {
      const value = record[field] ?? null;
      out[field] = dateTimeFields.has(field) ? toSalesforceDateTime(value) : value;
      continue;
    }
    const relationship = field.slice(0, dot);
    const parentId = record[`${relationship}Id`];
    const parent = typeof parentId === 'string' ? store.get(parentId) : undefined;
    if (!parent) {
      out[relationship] = null;
      continue;
    }
    const nested = (out[relationship] as Record<string, unknown> | undefined) ?? {
      attributes: attributes(store.objectOf(parent.Id) ?? relationship, parent.Id, apiVersion),
    };
    const child = field.slice(dot + 1);
    const value = parent[child] ?? null;
    nested[child] = dateTimeFields.has(child) ? toSalesforceDateTime(value) : value;
    out[relationship] = nested;
  }
  return out;
}

export interface QueryResult {
  count: boolean;
  object: string;
  fields: string[];
  rows: Record<string, unknown>[];
}

/** Runs the SOQL subset against the store; rows come back in REST JSON shape. */
export function executeSoql(store: SalesforceStore, soql: string, apiVersion: string): QueryResult {
  const query = parseSoql(soql);
  // A custom object the org does not have is an error in Salesforce, not an empty result.
  if (
    query.object.endsWith('__c') &&
    (!store.customObjects.has(query.object) || isProtectedPackageSetting(query.object))
  ) {
    throw new SoqlError(
      `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
      'INVALID_TYPE',
    );
  }
  const table = [...(store.objects.get(query.object)?.values() ?? [])];
  const selected = table.filter((record) =>
    query.where.every((condition) => matches(condition, readPath(store, record, condition.field))),
  );
  if (query.orderBy.length > 0) {
    selected.sort((left, right) => {
      for (const field of query.orderBy) {
        const order = compareValues(readPath(store, left, field), readPath(store, right, field));
        if (order !== 0) return order;
      }
      return 0;
    });
  }
  return {
    count: query.count,
    object: query.object,
    fields: query.fields,
    rows: query.count
      ? []
      : selected.map((record) => project(store, query.object, record, query.fields, apiVersion)),
  };
}

/** Flattens a REST row to Bulk API 2.0 CSV cells: every value a string, empty for null. */
export function toCsvCells(row: Record<string, unknown>, fields: string[]): string[] {
  return fields.map((field) => {
    const dot = field.indexOf('.');
    const value =
      dot < 0
        ? row[field]
        : (row[field.slice(0, dot)] as Record<string, unknown> | null)?.[field.slice(dot + 1)];
    return value === null || value === undefined ? '' : String(value);
  });
}
