import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import { ModelsRepository } from '../../../shared/store/models.repository.ts';
import { HttpError } from '../auth/http-error.ts';
import { noStore } from '../auth/security-headers.ts';
import { PANEL_DIST } from '../panel/panel-bundle.ts';
import {
  apiBaseFor,
  apiOriginFor,
  type PanelView,
  panelViewOf,
  sendPanelPage,
} from '../panel/panel-routes.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import {
  ACTIVITIES,
  canvasFramePage,
  demoErrorPage,
  demoHomePage,
  recordListPage,
  recordPage,
  recordsPath,
  type TenantSummary,
  type ViewingAs,
  viewPage,
} from './demo-pages.ts';
import { type DemoCrm, SandboxClient } from './sandbox-client.ts';

const ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));
const PAGE_SIZE = 25;
const RECORD_ID = /^[A-Za-z0-9]{1,40}$/;
const ACTIVITY_TYPES = new Set<string>(ACTIVITIES.map((activity) => activity.type));

export interface DemoRoutesOptions {
  /** The built panel (default ui-extension/panel/dist). */
  dist?: string;
}

function viewingAs(request: Request): ViewingAs {
  const as = request.query.as;
  if (as === undefined || as === 'admin') return 'admin';
  if (as === 'rep') return 'rep';
  throw new HttpError(400, 'INVALID_REQUEST', 'query parameter as must be admin or rep');
}

function recordIdOf(value: unknown, name: string): string {
  if (typeof value !== 'string' || !RECORD_ID.test(value))
    throw new HttpError(400, 'INVALID_REQUEST', `${name} must be a CRM record id (letters and digits)`);
  return value;
}

function optionalRecordId(value: unknown, name: string): string | undefined {
  return value === undefined ? undefined : recordIdOf(value, name);
}

function viewOf(request: Request): PanelView {
  const view = panelViewOf(request.query.view);
  if (view === undefined)
    throw new HttpError(400, 'INVALID_REQUEST', 'query parameter view must be record, settings or health');
  return view;
}

function wantsJson(request: Request): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

/** Answers a demo page's failure as a page (pages) or JSON (the script's calls). */
function sendFailure(request: Request, response: Response, error: unknown): void {
  if (!(error instanceof HttpError)) throw error;
  if (wantsJson(request) || request.path.endsWith('/fetch') || request.path.endsWith('/fields')) {
    response.status(error.status).json({ error: { code: error.code, message: error.message } });
    return;
  }
  response.status(error.status).type('html').send(demoErrorPage('Something is not right', error.message));
}

type Handler = (request: Request, response: Response) => Promise<void>;
const page =
  (handler: Handler) =>
  async (request: Request, response: Response): Promise<void> => {
    try {
      await handler(request, response);
    } catch (error) {
      sendFailure(request, response, error);
    }
  };

const numberFormat = new Intl.NumberFormat('en-US');

/** What the home page says about a tenant: from the store (install, sync, models) and the CRM (scores written). */
async function tenantSummary(
  deps: ServerDependencies,
  sandbox: SandboxClient,
  crm: DemoCrm,
): Promise<TenantSummary> {
  const models = new ModelsRepository(deps.redis);
  const identity =
    crm === 'salesforce'
      ? await sandbox
          .salesforce()
          .then((org) => ({ tenantId: `sf:${org.orgId}`, label: `Salesforce org ${org.orgId}` }))
      : await sandbox.hubspot().then((portal) => ({
          tenantId: `hs:${portal.portalId}`,
          label: `HubSpot portal ${portal.portalId}`,
        }));
  const listing = await sandbox.records(crm, 0, 1);
  const tenant = await deps.store.tenants.get(identity.tenantId);
  const inCrm = `${numberFormat.format(listing.total)} ${crm === 'salesforce' ? 'leads' : 'contacts'} in the sandbox CRM, ${numberFormat.format(listing.scored)} with a LeadScore score`;
  if (tenant === undefined)
    return { crm, ...identity, state: 'Not installed', detail: [inCrm], training: false, installed: false };
  if (tenant.status !== 'active')
    return {
      crm,
      ...identity,
      state: tenant.status === 'paused' ? 'Paused' : 'Disconnected',
      detail: [inCrm, ...(tenant.statusReason ? [tenant.statusReason] : [])],
      training: false,
      installed: true,
    };
  const synced = await deps.store.leads.count(identity.tenantId);
  const versions = await models.list(identity.tenantId);
  const syncedLine = `${numberFormat.format(synced)} leads synced into LeadScore`;
  if (synced === 0)
    return { crm, ...identity, state: 'Syncing', detail: [inCrm], training: false, installed: true };
  if (versions.length === 0)
    return {
      crm,
      ...identity,
      state: 'Training',
      detail: [syncedLine, inCrm],
      training: true,
      installed: true,
    };
  return {
    crm,
    ...identity,
    state: `Scored ${numberFormat.format(listing.scored)}`,
    detail: [syncedLine, inCrm, `${versions.length} model version${versions.length === 1 ? '' : 's'}`],
    training: false,
    installed: true,
  };
}

/**
 * The demo (sandbox mode only): CRM-like pages around the real panel, and the CRM's side of the
 * panel's authentication played through the sandbox:
 * - `GET /`: both sandbox tenants and their state;
 * - `GET /demo/salesforce/leads[?page=]`, `/demo/salesforce/leads/:id`, `/demo/salesforce/settings`,
 *   `/demo/salesforce/health` (and the same under `/demo/hubspot/contacts`); every page takes `as=admin|rep`;
 * - `GET /demo/salesforce/frame?lead=&view=&as=`: a Canvas frame (POSTs a fresh signed request to /panel/canvas);
 * - `GET /demo/salesforce/signed-request?lead=&as=`: a new signed request, for the panel's renewal;
 * - `GET /demo/hubspot/frame?contact=&view=&as=`: the panel with the HubSpot bootstrap;
 * - `POST /demo/hubspot/fetch` `{url, method, body?}`: the panel's hubspot.fetch bridge (our own URLs only);
 * - `POST /demo/{crm}/records/:id/activities` `type=`: simulate activity in the sandbox CRM;
 * - `GET /demo/{crm}/records/:id/fields`: the record's LeadScore fields as the CRM holds them.
 */
export function demoRouter(deps: ServerDependencies, options: DemoRoutesOptions = {}): Router {
  const router = express.Router();
  const { sandbox: sandboxTarget } = deps;
  if (sandboxTarget === undefined) return router;
  const sandbox = new SandboxClient(sandboxTarget.baseUrl);
  const dist = options.dist ?? PANEL_DIST;

  router.use(
    '/demo/assets',
    express.static(ASSETS, {
      index: false,
      setHeaders: (response) => response.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  // Pages show CRM records: never kept by a browser or proxy (assets above answer before this).
  router.use('/demo', noStore());

  router.get(
    '/',
    noStore(),
    page(async (_request, response) => {
      const tenants = await Promise.all([
        tenantSummary(deps, sandbox, 'salesforce'),
        tenantSummary(deps, sandbox, 'hubspot'),
      ]);
      response.type('html').send(demoHomePage(tenants, existsSync(join(dist, 'index.html'))));
    }),
  );

  for (const crm of ['salesforce', 'hubspot'] as const) {
    const list = recordsPath(crm);
    router.get(
      list,
      page(async (request, response) => {
        const as = viewingAs(request);
        const number = request.query.page === undefined ? 1 : Number(request.query.page);
        if (!Number.isInteger(number) || number < 1)
          throw new HttpError(400, 'INVALID_REQUEST', 'query parameter page must be a whole number from 1');
        const records = await sandbox.records(crm, (number - 1) * PAGE_SIZE, PAGE_SIZE);
        response.type('html').send(recordListPage(crm, records, as));
      }),
    );
    router.get(
      `${list}/:id`,
      page(async (request, response) => {
        const as = viewingAs(request);
        const record = await sandbox.record(crm, recordIdOf(request.params.id, 'the record id'));
        response.type('html').send(recordPage(crm, record, as));
      }),
    );
    for (const view of ['settings', 'health'] as const) {
      router.get(
        `/demo/${crm}/${view}`,
        page(async (request, response) => {
          response.type('html').send(viewPage(crm, view, viewingAs(request)));
        }),
      );
    }
    router.get(
      `/demo/${crm}/records/:id/fields`,
      page(async (request, response) => {
        response.json(await sandbox.record(crm, recordIdOf(request.params.id, 'the record id')));
      }),
    );
    router.post(
      `/demo/${crm}/records/:id/activities`,
      express.urlencoded({ extended: false, limit: '4kb' }),
      express.json({ limit: '4kb' }),
      page(async (request, response) => {
        const as = viewingAs(request);
        const id = recordIdOf(request.params.id, 'the record id');
        const type = (request.body as { type?: unknown } | undefined)?.type;
        if (typeof type !== 'string' || !ACTIVITY_TYPES.has(type))
          throw new HttpError(
            400,
            'INVALID_REQUEST',
            `type must be one of ${[...ACTIVITY_TYPES].join(', ')}`,
          );
        const recorded = await sandbox.simulateActivity(crm, id, type);
        if (wantsJson(request)) {
          response.status(201).json(recorded);
          return;
        }
        response.redirect(303, `${list}/${encodeURIComponent(id)}?as=${as}`);
      }),
    );
  }

  router.get(
    '/demo/salesforce/frame',
    page(async (request, response) => {
      const view = viewOf(request);
      const lead = optionalRecordId(request.query.lead, 'query parameter lead');
      const user = await sandbox.userOf('salesforce', viewingAs(request));
      const signedRequest = await sandbox.canvasSignedRequest(lead, user.id);
      response.type('html').send(canvasFramePage(signedRequest, view));
    }),
  );
  router.get(
    '/demo/salesforce/signed-request',
    page(async (request, response) => {
      const lead = optionalRecordId(request.query.lead, 'query parameter lead');
      const user = await sandbox.userOf('salesforce', viewingAs(request));
      response.json({ signedRequest: await sandbox.canvasSignedRequest(lead, user.id) });
    }),
  );

  router.get(
    '/demo/hubspot/frame',
    page(async (request, response) => {
      const view = viewOf(request);
      const contact = optionalRecordId(request.query.contact, 'query parameter contact');
      const portal = await sandbox.hubspot();
      const user = await sandbox.userOf('hubspot', viewingAs(request));
      await sendPanelPage(
        response,
        {
          host: 'hubspot',
          view,
          apiBase: apiBaseFor(deps, request),
          ...(contact === undefined ? {} : { crmId: contact }),
          hubspot: { portalId: portal.portalId, userId: Number(user.id), fetchBridge: '/demo/hubspot/fetch' },
        },
        dist,
      );
    }),
  );

  router.post(
    '/demo/hubspot/fetch',
    express.json({ limit: '1mb' }),
    page(async (request, response) => {
      const body = request.body as { url?: unknown; method?: unknown; body?: unknown } | undefined;
      const url = typeof body?.url === 'string' ? body.url : undefined;
      const method = typeof body?.method === 'string' ? body.method.toUpperCase() : 'GET';
      // The panel calls the origin it was given (the address the browser used); HubSpot's proxy
      // calls and signs the public URL, which is what the server verifies against.
      const target =
        url === undefined ? undefined : onPublicUrl(url, apiOriginFor(deps, request), deps.publicUrl);
      if (target === undefined)
        throw new HttpError(
          400,
          'INVALID_REQUEST',
          `url must be an absolute URL under this server (${deps.publicUrl}): the bridge calls LeadScore only`,
        );
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
        throw new HttpError(400, 'INVALID_REQUEST', 'method must be GET, POST, PUT, PATCH or DELETE');
      const answer = await sandbox.hubspotFetch({
        url: target,
        method,
        ...(body?.body === undefined ? {} : { body: body.body }),
      });
      response.json(answer);
    }),
  );

  return router;
}

/**
 * `url` on the public URL: as is when it is under it, moved there when it is under the origin the
 * browser used (`localhost` for `127.0.0.1`); undefined for anything else.
 */
export function onPublicUrl(url: string, browserOrigin: string, publicUrl: string): string | undefined {
  if (isUnder(url, publicUrl)) return url;
  const base = new URL(publicUrl);
  const browserBase = `${browserOrigin}${base.pathname.replace(/\/$/, '')}`;
  if (!isUnder(url, browserBase)) return undefined;
  const target = new URL(url);
  return `${base.origin}${target.pathname}${target.search}`;
}

/** Whether `url` is on this server's public origin, under its base path. */
export function isUnder(url: string, publicUrl: string): boolean {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(publicUrl);
  } catch {
    return false;
  }
  if (target.origin !== base.origin || target.username !== '' || target.password !== '') return false;
  const basePath = base.pathname.replace(/\/$/, '');
  return target.pathname === basePath || target.pathname.startsWith(`${basePath}/`);
}
