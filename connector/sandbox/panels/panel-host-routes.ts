import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Manifest } from '../../../shared/manifest.ts';
import { describeIssues } from '../events/event-targets.ts';
import type { HubspotStore } from '../hubspot/hubspot-store.ts';
import { hubspotUsersOf } from '../hubspot/hubspot-users-routes.ts';
import type { SalesforceSandboxState } from '../salesforce/salesforce-router.ts';
import type { SalesforceStore } from '../salesforce/salesforce-store.ts';
import {
  PanelSecretsError,
  type SandboxPanelHosts,
  type SandboxPanelUser,
  salesforceUsers,
  signCanvasRequest,
  signHubspotV3,
} from './panel-hosts.ts';
import {
  hubspotContactPage,
  hubspotRecordView,
  salesforceLeadPage,
  salesforceRecordView,
} from './record-views.ts';

/**
 * The sandbox's panel-host routes (under /sandbox): the CRM's side of panel authentication and the
 * plain record listings the demo's CRM-like pages show.
 * - `POST /sandbox/panels/secrets` `{canvasConsumerSecret?, hubspotClientSecret?}` (null removes);
 * - `POST /sandbox/salesforce/canvas/signed-request` `{recordId, userId?}` -> `{signedRequest}`;
 * - `POST /sandbox/hubspot/fetch` `{url, method, body?, userId?}` -> `{status, body}`;
 * - `GET /sandbox/salesforce/org`, `/sandbox/salesforce/leads?limit=&offset=`, `/sandbox/salesforce/leads/:id`;
 * - `GET /sandbox/hubspot/portal`, `/sandbox/hubspot/contacts?limit=&offset=`, `/sandbox/hubspot/contacts/:id`.
 */

export interface PanelHostRoutesDeps {
  panels: SandboxPanelHosts;
  salesforce: { store: SalesforceStore; state: SalesforceSandboxState };
  hubspot: { store: HubspotStore };
  manifest: Manifest;
  /** The Salesforce clock (Canvas issuedAt) and HubSpot's (signature timestamps). */
  now: () => number;
  /** How long the fetch proxy waits for LeadScore (HubSpot: 15 s). */
  fetchTimeoutMs?: number;
}

const HUBSPOT_FETCH_MAX_BYTES = 1_000_000;
const salesforceId = z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a Salesforce id');

const signedRequestBodySchema = z
  .object({ recordId: salesforceId.optional(), userId: salesforceId.optional() })
  .strict();

const hubspotFetchBodySchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], {
      error: 'must be GET, POST, PUT, PATCH or DELETE',
    }),
    body: z.unknown().optional(),
    userId: z
      .union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)])
      .transform(String)
      .optional(),
  })
  .strict();

const pageQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int('must be a whole number from 1 to 200')
    .min(1, 'must be a whole number from 1 to 200')
    .max(200, 'must be a whole number from 1 to 200')
    .default(25),
  offset: z.coerce
    .number({ error: 'must be a whole number, 0 or more' })
    .int('must be a whole number, 0 or more')
    .min(0, 'must be a whole number, 0 or more')
    .default(0),
});

function fail(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ error: { code, message } });
}

function parsed<T extends z.ZodType>(schema: T, value: unknown, response: Response): z.infer<T> | undefined {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  fail(response, 400, 'INVALID_REQUEST', describeIssues(result.error));
  return undefined;
}

function origin(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? '127.0.0.1'}`;
}

function mountSecrets(router: Router, panels: SandboxPanelHosts): void {
  router.post('/sandbox/panels/secrets', (request, response) => {
    try {
      response.json({ configured: panels.configure(request.body ?? {}) });
    } catch (error) {
      if (!(error instanceof PanelSecretsError)) throw error;
      fail(response, 400, 'INVALID_SECRETS', error.message);
    }
  });
  router.get('/sandbox/panels/secrets', (_request, response) => {
    response.json({ configured: panels.configured() });
  });
}

function mountSalesforce(router: Router, deps: PanelHostRoutesDeps): void {
  const { store, state } = deps.salesforce;
  router.get('/sandbox/salesforce/org', (request, response) => {
    response.json({ orgId: state.orgId, instanceUrl: origin(request), users: salesforceUsers(state) });
  });
  router.post('/sandbox/salesforce/canvas/signed-request', (request, response) => {
    const body = parsed(signedRequestBodySchema, request.body, response);
    if (!body) return;
    const secret = deps.panels.canvasConsumerSecret;
    if (secret === null)
      return fail(
        response,
        409,
        'NOT_CONFIGURED',
        'no Canvas consumer secret is set: POST /sandbox/panels/secrets {"canvasConsumerSecret": "..."} first',
      );
    // A Canvas app outside a record page (a tab, the utility bar) gets no record.
    const { recordId } = body;
    const object = recordId === undefined ? undefined : store.objectOf(recordId);
    if (
      recordId !== undefined &&
      ((object !== 'Lead' && object !== 'Contact') || store.get(recordId) === undefined)
    )
      return fail(response, 404, 'NOT_FOUND', `no Lead or Contact with id ${recordId} in the sandbox org`);
    const users = salesforceUsers(state);
    const user: SandboxPanelUser | undefined =
      body.userId === undefined ? users[0] : users.find((candidate) => candidate.id === body.userId);
    if (user === undefined)
      return fail(
        response,
        404,
        'NOT_FOUND',
        `no user with that id in the sandbox org: use one of ${users.map((known) => known.id).join(', ')}`,
      );
    const instanceUrl = origin(request);
    const signedRequest = signCanvasRequest(secret, {
      orgId: state.orgId,
      userId: user.id,
      userName: user.name,
      ...(body.recordId === undefined || object === undefined
        ? {}
        : { record: { id: body.recordId, type: object } }),
      instanceUrl,
      oauthToken: state.issueAccessToken(),
      issuedAtSeconds: Math.floor(deps.now() / 1000),
    });
    response.json({ signedRequest });
  });
  router.get('/sandbox/salesforce/leads', (request, response) => {
    const query = parsed(pageQuerySchema, request.query, response);
    if (!query) return;
    response.json(salesforceLeadPage(store, deps.manifest, query.offset, query.limit));
  });
  router.get('/sandbox/salesforce/leads/:id', (request, response) => {
    const id = String(request.params.id);
    const object = store.objectOf(id);
    const record = object === 'Lead' || object === 'Contact' ? store.get(id) : undefined;
    if (object === undefined || record === undefined)
      return fail(response, 404, 'NOT_FOUND', `no Lead or Contact with id ${id} in the sandbox org`);
    response.json(salesforceRecordView(record, object, deps.manifest));
  });
}

/** Reads at most `limit` bytes of an answer; longer ones are cut off as HubSpot's proxy refuses them. */
async function readLimited(answer: globalThis.Response): Promise<{ text: string; tooLarge: boolean }> {
  const buffer = Buffer.from(await answer.arrayBuffer());
  if (buffer.length > HUBSPOT_FETCH_MAX_BYTES) return { text: '', tooLarge: true };
  return { text: buffer.toString('utf8'), tooLarge: false };
}

function mountHubspot(router: Router, deps: PanelHostRoutesDeps): void {
  const { store } = deps.hubspot;
  router.get('/sandbox/hubspot/portal', (_request, response) => {
    const directory = hubspotUsersOf(store);
    const users: SandboxPanelUser[] = [];
    for (const [id, name] of [
      ['1', 'Avery Admin'],
      ['2', 'Riley Rep'],
    ] as const) {
      const user = directory.get(id);
      if (user) users.push({ id, name, kind: user.superAdmin ? 'admin' : 'rep' });
    }
    response.json({ portalId: store.portalId, users });
  });
  router.post('/sandbox/hubspot/fetch', async (request, response) => {
    const body = parsed(hubspotFetchBodySchema, request.body, response);
    if (!body) return;
    const secret = deps.panels.hubspotClientSecret;
    if (secret === null)
      return fail(
        response,
        409,
        'NOT_CONFIGURED',
        'no HubSpot client secret is set: POST /sandbox/panels/secrets {"hubspotClientSecret": "..."} first',
      );
    if (body.userId !== undefined && hubspotUsersOf(store).get(body.userId) === undefined)
      return fail(response, 404, 'NOT_FOUND', `no user ${body.userId} in the sandbox portal`);
    // hubspot.fetch sends the body as JSON text; the signature covers exactly those bytes.
    const rawBody = body.body === undefined || body.method === 'GET' ? '' : JSON.stringify(body.body);
    if (Buffer.byteLength(rawBody) > HUBSPOT_FETCH_MAX_BYTES)
      return fail(response, 413, 'BODY_TOO_LARGE', 'hubspot.fetch sends at most 1 MB');
    const timestamp = String(deps.now());
    const signature = signHubspotV3(secret, { method: body.method, uri: body.url, body: rawBody, timestamp });
    let answer: globalThis.Response;
    try {
      answer = await fetch(body.url, {
        method: body.method,
        headers: {
          'x-hubspot-signature-v3': signature,
          'x-hubspot-request-timestamp': timestamp,
          ...(rawBody === '' ? {} : { 'content-type': 'application/json' }),
        },
        ...(rawBody === '' ? {} : { body: rawBody }),
        redirect: 'manual',
        signal: AbortSignal.timeout(deps.fetchTimeoutMs ?? 15_000),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'did not answer in time' : 'is unreachable';
      return fail(response, 502, 'UPSTREAM_FAILED', `the app's server ${reason}`);
    }
    const { text, tooLarge } = await readLimited(answer);
    if (tooLarge) return fail(response, 502, 'UPSTREAM_TOO_LARGE', "the app's answer is larger than 1 MB");
    let json: unknown = null;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    response.json({ status: answer.status, body: json });
  });
  router.get('/sandbox/hubspot/contacts', (request, response) => {
    const query = parsed(pageQuerySchema, request.query, response);
    if (!query) return;
    response.json(hubspotContactPage(store, deps.manifest, query.offset, query.limit));
  });
  router.get('/sandbox/hubspot/contacts/:id', (request, response) => {
    const id = String(request.params.id);
    const contact = store.typeMap('contacts').get(id);
    if (contact === undefined || contact.archived)
      return fail(response, 404, 'NOT_FOUND', `no contact with id ${id} in the sandbox portal`);
    response.json(hubspotRecordView(contact.id, contact.properties, deps.manifest));
  });
}

export function panelHostRoutes(deps: PanelHostRoutesDeps): Router {
  const router = express.Router();
  router.use(
    ['/sandbox/panels', '/sandbox/salesforce/canvas', '/sandbox/hubspot/fetch'],
    express.json({ limit: '1100kb' }),
  );
  mountSecrets(router, deps.panels);
  mountSalesforce(router, deps);
  mountHubspot(router, deps);
  router.use(
    ['/sandbox/panels', '/sandbox/salesforce', '/sandbox/hubspot'],
    (error: unknown, _request: Request, response: Response, next: NextFunction) => {
      const status = (error as { status?: unknown }).status;
      if (typeof status !== 'number' || status < 400 || status >= 500) return next(error);
      const message = status === 413 ? 'body is too large' : 'body must be valid JSON';
      fail(response, status, status === 413 ? 'BODY_TOO_LARGE' : 'INVALID_JSON', message);
    },
  );
  return router;
}
