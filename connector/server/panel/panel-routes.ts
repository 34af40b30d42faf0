import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { HttpError } from '../auth/http-error.ts';
import type { RoleResolver } from '../auth/role-resolver.ts';
import { noStore } from '../auth/security-headers.ts';
import {
  canvasBodyParsers,
  exchangeCanvasSignedRequest,
  type IssuedPanelSession,
} from '../auth/session-routes.ts';
import type { SessionTokens } from '../auth/session-tokens.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { PANEL_DIST } from './panel-bundle.ts';

/** What the server tells the panel page (see the panel's bootstrap reader). */
export interface PanelBootstrap {
  host: 'salesforce' | 'hubspot' | 'standalone';
  view: PanelView;
  crmId?: string;
  /** Absolute origin + '/api/v1'. */
  apiBase: string;
  session?: Omit<IssuedPanelSession, 'recordId'>;
  hubspot?: { portalId: number; userId: number; fetchBridge: string };
}

export const PANEL_VIEWS = ['record', 'settings', 'health'] as const;
export type PanelView = (typeof PANEL_VIEWS)[number];

export const PANEL_NOT_BUILT = 'the panel is not built: run npm run build:panel (npm start builds it)';

const CRM_ID = /^[A-Za-z0-9_-]{1,64}$/;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * The bootstrap as a JSON script element. `<` becomes `\u003c` (so `</script>` or `<!--` in a value
 * cannot end the element); U+2028 and U+2029 are escaped too, for older JSON-in-script readers.
 */
export function bootstrapScript(bootstrap: PanelBootstrap): string {
  const json = JSON.stringify(bootstrap)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script id="leadscore-bootstrap" type="application/json">${json}</script>`;
}

/** The built index.html with the bootstrap inserted just before `</head>`. */
export function insertBootstrap(indexHtml: string, bootstrap: PanelBootstrap): string {
  const at = indexHtml.search(/<\/head>/i);
  if (at < 0) throw new Error('the panel index.html has no </head>: rebuild the panel (npm run build:panel)');
  return `${indexHtml.slice(0, at)}${bootstrapScript(bootstrap)}\n${indexHtml.slice(at)}`;
}

/** The panel page for this bootstrap, or undefined when the bundle is not built. */
export async function renderPanelPage(
  bootstrap: PanelBootstrap,
  dist: string = PANEL_DIST,
): Promise<string | undefined> {
  let indexHtml: string;
  try {
    indexHtml = await readFile(join(dist, 'index.html'), 'utf8');
  } catch {
    return undefined;
  }
  return insertBootstrap(indexHtml, bootstrap);
}

/** A small page for answers that are not the panel (not built, refused, bad view). No script, no style. */
export function statusPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LeadScore: ${escapeHtml(title)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</main>
</body>
</html>
`;
}

export function sendStatusPage(response: Response, status: number, title: string, message: string): void {
  response.status(status).type('html').send(statusPage(title, message));
}

/** The `view` query parameter: absent means the record view; anything else must be a known view. */
export function panelViewOf(value: unknown): PanelView | undefined {
  if (value === undefined) return 'record';
  return PANEL_VIEWS.find((view) => view === value);
}

const VIEW_PROBLEM = `query parameter view must be one of ${PANEL_VIEWS.join(', ')}`;

/** Sends the panel page, or the "not built" page. */
export async function sendPanelPage(
  response: Response,
  bootstrap: PanelBootstrap,
  dist: string = PANEL_DIST,
): Promise<void> {
  const page = await renderPanelPage(bootstrap, dist);
  if (page === undefined) {
    sendStatusPage(response, 503, 'LeadScore panel unavailable', PANEL_NOT_BUILT);
    return;
  }
  response.status(200).type('html').send(page);
}

const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/;

/**
 * The origin the panel calls the API on: the public URL; in sandbox mode (the local demo) the
 * loopback address the browser used, so `localhost` and `127.0.0.1` both work without CORS.
 */
export function apiOriginFor(
  deps: Pick<ServerDependencies, 'publicUrl' | 'sandbox'>,
  request: Request,
): string {
  const host = request.get('host');
  if (deps.sandbox !== undefined && host !== undefined && LOOPBACK_HOST.test(host))
    return `${request.protocol}://${host}`;
  return new URL(deps.publicUrl).origin;
}

/** `apiOriginFor` + the public URL's base path + /api/v1. */
export function apiBaseFor(
  deps: Pick<ServerDependencies, 'publicUrl' | 'sandbox'>,
  request: Request,
): string {
  const basePath = new URL(deps.publicUrl).pathname.replace(/\/$/, '');
  return `${apiOriginFor(deps, request)}${basePath}/api/v1`;
}

/** Vite's hashed output names (`index-B3xk9_aZ.js`) never change content: cache them for a year. */
const HASHED_NAME = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export interface PanelRoutesOptions {
  sessionTokens: SessionTokens;
  roles: RoleResolver;
  canvasConsumerSecret: string | undefined;
  /** The built bundle (default ui-extension/panel/dist). */
  dist?: string;
}

/**
 * The panel pages:
 * - `GET /panel/assets/*`: the bundle's files (immutable caching for hashed names);
 * - `GET /panel/?view=record|settings|health[&crmId=]`: the standalone panel (session from `#session=`);
 * - `POST /panel/canvas?view=...`: Salesforce Canvas posts its signed request here (form
 *   `signed_request`); verified like `POST /auth/salesforce/canvas`, the session and the Canvas record
 *   id go into the bootstrap.
 * Pages are never cached; without a built bundle they answer 503 saying how to build it.
 */
export function panelRouter(deps: ServerDependencies, options: PanelRoutesOptions): Router {
  const dist = options.dist ?? PANEL_DIST;
  const router = express.Router();

  router.use(
    '/panel/assets',
    express.static(join(dist, 'assets'), {
      index: false,
      fallthrough: true,
      setHeaders: (response, path) => {
        response.setHeader(
          'Cache-Control',
          HASHED_NAME.test(basename(path)) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  router.get('/panel/', noStore(), async (request, response) => {
    const view = panelViewOf(request.query.view);
    if (view === undefined) return sendStatusPage(response, 400, 'LeadScore panel', VIEW_PROBLEM);
    const crmId = request.query.crmId;
    if (crmId !== undefined && (typeof crmId !== 'string' || !CRM_ID.test(crmId)))
      return sendStatusPage(
        response,
        400,
        'LeadScore panel',
        'query parameter crmId must be a CRM record id (letters, digits, - or _)',
      );
    await sendPanelPage(
      response,
      {
        host: 'standalone',
        view,
        apiBase: apiBaseFor(deps, request),
        ...(crmId === undefined ? {} : { crmId }),
      },
      dist,
    );
  });

  router.post('/panel/canvas', noStore(), ...canvasBodyParsers, async (request, response) => {
    const view = panelViewOf(request.query.view);
    if (view === undefined) return sendStatusPage(response, 400, 'LeadScore panel', VIEW_PROBLEM);
    let session: IssuedPanelSession;
    try {
      session = await exchangeCanvasSignedRequest(deps, options, request.body);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // Our own message (what was wrong, how to fix it); never the signed request or its contents.
      const title =
        error.status === 401 ? 'LeadScore could not verify Salesforce' : 'LeadScore panel unavailable';
      return sendStatusPage(response, error.status, title, error.message);
    }
    const { recordId, ...bootstrapSession } = session;
    await sendPanelPage(
      response,
      {
        host: 'salesforce',
        view,
        apiBase: apiBaseFor(deps, request),
        session: bootstrapSession,
        ...(recordId === undefined ? {} : { crmId: recordId }),
      },
      dist,
    );
  });

  return router;
}
