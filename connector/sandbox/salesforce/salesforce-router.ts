import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { CallCounter, FaultPlan } from '../faults.ts';
import { mountApexRestRoutes } from './apex-rest-routes.ts';
import { mountBulkRoutes } from './bulk-routes.ts';
import { mountCompositeRoutes } from './composite-routes.ts';
import { mountCustomSettingRoutes } from './custom-setting-routes.ts';
import { mountMetadataRoutes } from './metadata-routes.ts';
import { mountPermissionRoutes, mountRevokeRoute } from './permission-routes.ts';
import { executeSoql } from './query-executor.ts';
import type { SalesforceStore } from './salesforce-store.ts';
import { SoqlError } from './soql.ts';

export interface SalesforceSandboxOptions {
  orgId?: string;
  userId?: string;
  /** Rows per query page when the caller sends no batchSize (Salesforce: 2000). */
  queryPageSize?: number;
  dailyApiLimit?: number;
}

/** Auth state and counters of the emulated org, shared by its route groups. */
export class SalesforceSandboxState {
  readonly accessTokens = new Set<string>();
  readonly refreshTokens = new Set<string>();
  readonly cursors = new Map<string, { rows: Record<string, unknown>[]; offset: number; pageSize: number }>();
  apiUsed = 0;
  readonly orgId: string;
  readonly userId: string;
  readonly queryPageSize: number;
  readonly dailyApiLimit: number;

  constructor(options: SalesforceSandboxOptions) {
    this.orgId = options.orgId ?? '00D000000000001AAA';
    this.userId = options.userId ?? '005000000000001AAA';
    this.queryPageSize = options.queryPageSize ?? 2000;
    this.dailyApiLimit = options.dailyApiLimit ?? 1_000_000;
  }

  /** Refresh token → the access tokens issued under it: revoking the grant ends them all. */
  readonly grants = new Map<string, Set<string>>();
  /** Tokens revoked through /services/oauth2/revoke, in order. */
  readonly revoked: string[] = [];

  issueAccessToken(refreshToken?: string): string {
    const token = `${this.orgId}!${randomBytes(24).toString('base64url')}`;
    this.accessTokens.add(token);
    if (refreshToken !== undefined) {
      const grant = this.grants.get(refreshToken) ?? new Set<string>();
      grant.add(token);
      this.grants.set(refreshToken, grant);
    }
    return token;
  }

  /** As Salesforce: a refresh token ends its grant and every access token of it; an access token ends alone. */
  revoke(token: string): boolean {
    if (this.refreshTokens.delete(token)) {
      for (const access of this.grants.get(token) ?? []) this.accessTokens.delete(access);
      this.grants.delete(token);
      this.revoked.push(token);
      return true;
    }
    if (this.accessTokens.delete(token)) {
      this.revoked.push(token);
      return true;
    }
    return false;
  }
}

export function restError(response: Response, status: number, errorCode: string, message: string): void {
  response.status(status).json([{ message, errorCode }]);
}

function bearer(request: Request): string | undefined {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

function soapSessionId(request: Request): string | undefined {
  return typeof request.body === 'string'
    ? /<sessionId>([^<]+)<\/sessionId>/.exec(request.body)?.[1]
    : undefined;
}

/** The full path: inside a mounted middleware `request.path` is relative to the mount point. */
function fullPath(request: Request): string {
  return new URL(request.originalUrl, 'http://sandbox.invalid').pathname;
}

function endpointName(request: Request): string {
  const path = fullPath(request)
    .replace(/^\/services\/data\/v[\d.]+/, '')
    .replace(/\/(00[a-zA-Z0-9]|750|01g)[a-zA-Z0-9-]{12,}/g, '/:id')
    .replace(/\/$/, '');
  return `salesforce ${request.method} ${path.startsWith('/services/Soap') ? '/soap/metadata' : path}`;
}

/** Faults, auth, limit headers and counting for every API call (not OAuth). */
function apiGate(state: SalesforceSandboxState, faults: FaultPlan, calls: CallCounter) {
  return async (request: Request, response: Response, next: NextFunction) => {
    calls.add(endpointName(request));
    await faults.delay();
    const soap = fullPath(request).startsWith('/services/Soap');
    const token = soap ? soapSessionId(request) : bearer(request);
    const decision = faults.next();
    state.apiUsed += 1;
    response.setHeader('Sforce-Limit-Info', `api-usage=${state.apiUsed}/${state.dailyApiLimit}`);
    if (decision === 'expire-token' && token) state.accessTokens.delete(token);
    if (!token || !state.accessTokens.has(token)) {
      if (soap) {
        response
          .status(500)
          .type('text/xml')
          .send(
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
          );
      } else restError(response, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      return;
    }
    if (decision === 'rate-limit' || state.apiUsed > state.dailyApiLimit) {
      restError(response, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      return;
    }
    if (decision === 'server-error') {
      response.status(503).type('text/html').send('<html><body>Service Unavailable</body></html>');
      return;
    }
    next();
  };
}

function mountOAuth(router: Router, state: SalesforceSandboxState, calls: CallCounter): void {
  router.get('/services/oauth2/authorize', (request, response) => {
    calls.add('salesforce GET /services/oauth2/authorize');
    const redirect = new URL(String(request.query.redirect_uri));
    redirect.searchParams.set('code', 'sandbox-authorization-code');
    redirect.searchParams.set('state', String(request.query.state ?? ''));
    response.redirect(302, redirect.toString());
  });
  router.post('/services/oauth2/token', express.urlencoded({ extended: false }), (request, response) => {
    calls.add('salesforce POST /services/oauth2/token');
    const body = request.body as Record<string, string>;
    const base = `${request.protocol}://${request.get('host')}`;
    let refreshToken: string | undefined;
    if (body.grant_type === 'authorization_code' && body.code) {
      refreshToken = randomBytes(24).toString('base64url');
      state.refreshTokens.add(refreshToken);
    } else if (body.grant_type === 'refresh_token' && !state.refreshTokens.has(body.refresh_token ?? '')) {
      response
        .status(400)
        .json({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
      return;
    } else if (body.grant_type !== 'refresh_token') {
      response
        .status(400)
        .json({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
      return;
    }
    response.json({
      access_token: state.issueAccessToken(refreshToken ?? body.refresh_token),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      signature: randomBytes(32).toString('base64'),
      scope: 'refresh_token api',
      instance_url: base,
      id: `${base}/id/${state.orgId}/${state.userId}`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    });
  });
}

function queryPage(state: SalesforceSandboxState, apiVersion: string, locator: string, totalSize: number) {
  const cursor = state.cursors.get(locator)!;
  const records = cursor.rows.slice(cursor.offset, cursor.offset + cursor.pageSize);
  cursor.offset += records.length;
  const done = cursor.offset >= cursor.rows.length;
  if (done) state.cursors.delete(locator);
  return {
    totalSize,
    done,
    ...(done ? {} : { nextRecordsUrl: `/services/data/v${apiVersion}/query/${locator}-${cursor.offset}` }),
    records,
  };
}

function mountRest(
  router: Router,
  store: SalesforceStore,
  state: SalesforceSandboxState,
  faults: FaultPlan,
): void {
  router.get('/services/data/:version/query', (request, response) => {
    const apiVersion = String(request.params.version).slice(1);
    let result: ReturnType<typeof executeSoql>;
    try {
      result = executeSoql(store, String(request.query.q ?? ''), apiVersion);
    } catch (error) {
      if (error instanceof SoqlError) return restError(response, 400, error.errorCode, error.message);
      throw error;
    }
    if (result.count) {
      const total = executeSoql(store, String(request.query.q).replace(/COUNT\(\)/i, 'Id'), apiVersion).rows
        .length;
      return void response.json({ totalSize: total, done: true, records: [] });
    }
    const batch = /batchSize=(\d+)/.exec(String(request.headers['sforce-query-options'] ?? ''))?.[1];
    const pageSize = batch ? Math.min(2000, Math.max(200, Number(batch))) : state.queryPageSize;
    const locator = `01g${randomBytes(6).toString('hex')}`;
    state.cursors.set(locator, { rows: result.rows, offset: 0, pageSize });
    response.json(queryPage(state, apiVersion, locator, result.rows.length));
  });
  router.get('/services/data/:version/query/:locator', (request, response) => {
    const [locator] = String(request.params.locator).split('-');
    const cursor = state.cursors.get(locator ?? '');
    if (!cursor) return restError(response, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    response.json(queryPage(state, String(request.params.version).slice(1), locator!, cursor.rows.length));
  });
  router.get('/services/data/:version/sobjects/:object/deleted', (request, response) => {
    const start = new Date(String(request.query.start)).toISOString();
    const end = new Date(String(request.query.end)).toISOString();
    const list = (store.deleted.get(String(request.params.object)) ?? []).filter(
      (item) => item.deletedDate >= start && item.deletedDate < end,
    );
    response.json({
      deletedRecords: list.map((item) => ({
        id: item.id,
        deletedDate: item.deletedDate.replace('Z', '+0000'),
      })),
      earliestDateAvailable: '2025-01-01T00:00:00.000+0000',
      latestDateCovered: end.replace('Z', '+0000'),
    });
  });
  router.get('/services/data/:version/sobjects/:object/describe', (request, response) => {
    const object = String(request.params.object);
    const first = store.table(object).values().next().value;
    const fields = new Set([
      ...Object.keys(first ?? { Id: '' }),
      ...[...store.customFields].filter((f) => f.startsWith(`${object}.`)).map((f) => f.split('.')[1]!),
    ]);
    // The describe shape the provider validates; field details are plausible, not per-field exact.
    response.json({
      name: object,
      keyPrefix: store.keyPrefixOf(object),
      label: object,
      queryable: true,
      updateable: true,
      fields: [...fields].map((name) => ({
        name,
        label: name,
        type: name === 'Id' ? 'id' : 'string',
        custom: name.endsWith('__c'),
        nillable: name !== 'Id',
        updateable: name !== 'Id' && name !== 'SystemModstamp',
      })),
    });
  });
  router.get('/services/data/:version/limits', (_request, response) => {
    response.json({
      DailyApiRequests: { Max: state.dailyApiLimit, Remaining: state.dailyApiLimit - state.apiUsed },
    });
  });
  /** A Task created by the integration user, stamped as Salesforce stamps new records; its id. */
  const insertTask = (fields: Record<string, unknown>): string => {
    const id = store.newId('Task');
    const at = store.stamp();
    store.put('Task', {
      ...fields,
      Id: id,
      CreatedDate: at,
      CreatedById: state.userId,
      LastModifiedDate: at,
      LastModifiedById: state.userId,
      SystemModstamp: at,
    });
    return id;
  };
  /** The records of an sObject Collections body; undefined once a body over 200 records was refused. */
  const collectionRecords = (body: unknown, response: Response) => {
    const records = (body as { records?: Record<string, unknown>[] }).records ?? [];
    if (records.length <= 200) return records;
    restError(
      response,
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 200 records into this call',
    );
    return undefined;
  };
  router.post('/services/data/:version/sobjects/Task', express.json(), (request, response) => {
    const body = request.body as Record<string, unknown>;
    if (typeof body.WhoId !== 'string' || !store.get(body.WhoId)) {
      return restError(response, 400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
    }
    const id = insertTask(body);
    response.status(201).json({ id, success: true, errors: [] });
  });
  router.post(
    '/services/data/:version/composite/sobjects',
    express.json({ limit: '5mb' }),
    (request, response) => {
      const records = collectionRecords(request.body, response);
      if (records === undefined) return;
      // allOrNone false: each record stands alone; only Task creation is emulated.
      response.json(
        records.map((record) => {
          const { attributes, ...fields } = record as { attributes?: { type?: string } };
          const who = (fields as Record<string, unknown>).WhoId;
          if (attributes?.type !== 'Task' || typeof who !== 'string' || !store.get(who)) {
            return {
              success: false,
              errors: [
                {
                  statusCode: 'INVALID_CROSS_REFERENCE_KEY',
                  message: 'invalid cross reference id',
                  fields: [],
                },
              ],
            };
          }
          return { id: insertTask(fields), success: true, errors: [] };
        }),
      );
    },
  );
  router.patch(
    '/services/data/:version/composite/sobjects',
    express.json({ limit: '5mb' }),
    (request, response) => {
      const records = collectionRecords(request.body, response);
      if (records === undefined) return;
      response.json(
        records.map((record) => {
          const { attributes: _attributes, id, ...fields } = record;
          const target = typeof id === 'string' ? store.get(id) : undefined;
          if (!target)
            return {
              id,
              success: false,
              errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
            };
          if (faults.recordLocked(target.Id)) {
            return {
              id,
              success: false,
              errors: [
                {
                  statusCode: 'UNABLE_TO_LOCK_ROW',
                  message: `unable to obtain exclusive access to this record or 1 records: ${id}`,
                  fields: [],
                },
              ],
            };
          }
          // An API write is the authenticated (integration) user's, as in a real org.
          store.update(target.Id, fields, state.userId);
          store.scoreWrites.set(target.Id, (store.scoreWrites.get(target.Id) ?? 0) + 1);
          return { id, success: true, errors: [] };
        }),
      );
    },
  );
}

/** The Salesforce half of the sandbox CRM: the paths, shapes, paging and errors the provider meets. */
export function salesforceRouter(
  store: SalesforceStore,
  faults: FaultPlan,
  calls: CallCounter,
  options: SalesforceSandboxOptions = {},
): { router: Router; state: SalesforceSandboxState } {
  const state = new SalesforceSandboxState(options);
  const router = express.Router();
  mountOAuth(router, state, calls);
  mountRevokeRoute(router, state, calls);
  router.use(['/services/data', '/services/Soap'], express.text({ type: ['text/xml', 'application/xml'] }));
  router.use(['/services/data', '/services/Soap', '/services/apexrest'], apiGate(state, faults, calls));
  mountRest(router, store, state, faults);
  mountBulkRoutes(router, store);
  mountCompositeRoutes(router, store, state);
  mountMetadataRoutes(router, store);
  mountPermissionRoutes(router, store, state);
  mountApexRestRoutes(router, store, state);
  // Last: its generic sObject paths pass standard objects on to nothing else after them.
  mountCustomSettingRoutes(router, store, state);
  return { router, state };
}
