import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isProtectedPackageSetting } from './apex-rest-routes.ts';
import type { SalesforceSandboxState } from './salesforce-router.ts';
import type { SalesforceStore, SfRecord } from './salesforce-store.ts';

/** The key prefix the sandbox gives custom setting records (a real org assigns one per object). */
const settingKeyPrefix = 'a0L';
const systemFields = new Set(['Id', 'SetupOwnerId', 'Name']);

/** Salesforce's REST error body (the router's restError, repeated to keep imports one-way). */
function restError(response: Response, status: number, errorCode: string, message: string): void {
  response.status(status).json([{ message, errorCode }]);
}

function saveError(
  response: Response,
  status: number,
  errorCode: string,
  message: string,
  fields: string[] = [],
) {
  response.status(status).json([{ message, errorCode, fields }]);
}

/** The first field of the body the object does not have, if any. */
function unknownField(
  store: SalesforceStore,
  object: string,
  body: Record<string, unknown>,
): string | undefined {
  return Object.keys(body).find(
    (field) => !systemFields.has(field) && !store.customFields.has(`${object}.${field}`),
  );
}

/**
 * Records of the org's custom objects and settings (`store.customObjects`, a managed package's)
 * through the generic sObject routes: `POST .../sobjects/{object}`, `PATCH` and `GET
 * .../sobjects/{object}/{id}`. A custom object the org lacks, or a managed package's protected
 * setting, answers 404 NOT_FOUND as Salesforce does; standard objects pass on to their own routes. A hierarchy setting's org default is the
 * record whose SetupOwnerId is the org id, and there is one per owner (DUPLICATE_VALUE).
 */
/** Answers INVALID_FIELD, as Salesforce does, when the body names a field the object lacks. */
function refusedUnknownField(
  response: Response,
  store: SalesforceStore,
  object: string,
  body: Record<string, unknown>,
): boolean {
  const bad = unknownField(store, object, body);
  if (bad === undefined) return false;
  restError(response, 400, 'INVALID_FIELD', `No such column '${bad}' on sobject of type ${object}`);
  return true;
}

export function mountCustomSettingRoutes(
  router: Router,
  store: SalesforceStore,
  state: SalesforceSandboxState,
): void {
  const known = (request: Request, response: Response, next: NextFunction): void => {
    const object = String(request.params.object);
    // A standard object skips these routes (on to the router's other handlers, or express's 404).
    if (!object.endsWith('__c')) {
      next('route');
      return;
    }
    // A managed package's protected setting is not visible to the API user: the same answer as an
    // object the org lacks. Only the package's Apex (its /services/apexrest/ resource) writes it.
    if (!store.customObjects.has(object) || isProtectedPackageSetting(object)) {
      restError(response, 404, 'NOT_FOUND', 'The requested resource does not exist');
      return;
    }
    next();
  };
  const recordOf = (request: Request): SfRecord | undefined =>
    store.table(String(request.params.object)).get(String(request.params.id));

  router.post('/services/data/:version/sobjects/:object', known, express.json(), (request, response) => {
    const object = String(request.params.object);
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (refusedUnknownField(response, store, object, body)) return;
    const owner = body.SetupOwnerId;
    if (typeof owner !== 'string' || !/^(00D|005|00e)[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(owner)) {
      return saveError(
        response,
        400,
        'REQUIRED_FIELD_MISSING',
        'Required fields are missing: [SetupOwnerId]',
        ['SetupOwnerId'],
      );
    }
    if (owner.startsWith('00D') && owner !== state.orgId) {
      return saveError(response, 400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [
        'SetupOwnerId',
      ]);
    }
    if ([...store.table(object).values()].some((row) => row.SetupOwnerId === owner)) {
      return saveError(
        response,
        400,
        'DUPLICATE_VALUE',
        'duplicate value found: SetupOwnerId duplicates value',
        ['SetupOwnerId'],
      );
    }
    const id = `${settingKeyPrefix}${store.newId(object).slice(3)}`;
    const at = store.stamp();
    store.put(object, {
      ...body,
      Id: id,
      SetupOwnerId: owner,
      CreatedById: state.userId,
      CreatedDate: at,
      LastModifiedById: state.userId,
      LastModifiedDate: at,
      SystemModstamp: at,
    });
    response.status(201).json({ id, success: true, errors: [] });
  });

  router.patch('/services/data/:version/sobjects/:object/:id', known, express.json(), (request, response) => {
    const object = String(request.params.object);
    const record = recordOf(request);
    if (record === undefined)
      return restError(response, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (refusedUnknownField(response, store, object, body)) return;
    if ('SetupOwnerId' in body && body.SetupOwnerId !== record.SetupOwnerId) {
      return saveError(
        response,
        400,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        'Unable to create/update fields: SetupOwnerId',
        ['SetupOwnerId'],
      );
    }
    const at = store.stamp();
    store.put(object, {
      ...record,
      ...body,
      LastModifiedById: state.userId,
      LastModifiedDate: at,
      SystemModstamp: at,
    });
    response.status(204).end();
  });

  router.get('/services/data/:version/sobjects/:object/:id', known, (request, response) => {
    const record = recordOf(request);
    if (record === undefined)
      return restError(response, 404, 'NOT_FOUND', 'The requested resource does not exist');
    response.json({ attributes: { type: String(request.params.object) }, ...record });
  });
}
