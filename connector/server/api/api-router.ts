import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { ServerDependencies } from '../server-dependencies.ts';
import { type ApiContext, apiContext } from './api-context.ts';
import { ApiError, apiErrorHandler } from './api-errors.ts';
import type { ApiRoute } from './api-route.ts';
import { modelEvaluationResource } from './model-evaluation.routes.ts';
import { modelRouter, modelRoutes } from './models.routes.ts';
import { privacyRouter, privacyRoutes } from './privacy.routes.ts';
import { recordRouter, recordRoutes } from './record.routes.ts';
import { settingsRouter, settingsRoutes } from './settings.routes.ts';
import { syncRouter, syncRoutes } from './sync.routes.ts';

/** Where the API is mounted; the document's server URL and every path in it are relative to this. */
export const API_BASE = '/api/v1';

/** Every resource: its routes (schemas and handlers) and the router that serves them. */
function resources(context: ApiContext): { routes: ApiRoute[]; router: Router }[] {
  const record = recordRoutes(context);
  const settings = settingsRoutes(context);
  const models = modelRoutes(context);
  const sync = syncRoutes(context);
  const privacy = privacyRoutes(context);
  return [
    { routes: record, router: recordRouter(context, record) },
    { routes: settings, router: settingsRouter(context, settings) },
    { routes: models, router: modelRouter(context, models) },
    modelEvaluationResource(context),
    { routes: sync, router: syncRouter(context, sync) },
    { routes: privacy, router: privacyRouter(context, privacy) },
  ];
}

/** The OpenAPI 3.1 document of the routes, generated from the schemas they validate with. */
export function openApiDocument(routes: readonly ApiRoute[], publicUrl: string) {
  const registry = new OpenAPIRegistry();
  for (const route of routes) {
    registry.registerPath({
      ...route.openapi,
      security: [{ panelSession: [] }],
    });
  }
  registry.registerComponent('securitySchemes', 'panelSession', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A session token from a Canvas signed request or an Apex callout; HubSpot panels call through hubspot.fetch (signature v3) instead',
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'LeadScore panel and settings API',
      version: '1.0.0',
      description:
        "What the CRM panels and the settings pages read and change. Every call acts on the caller's tenant only.",
    },
    servers: [{ url: `${publicUrl}${API_BASE}` }],
  });
}

/** Every route of the API, for the document and for tests that must cover them all. */
export function apiRoutes(deps: ServerDependencies): ApiRoute[] {
  return resources(apiContext(deps)).flatMap((resource) => resource.routes);
}

/**
 * The panel and settings API, to mount at `/api/v1` after the auth middleware (every handler reads
 * the caller it leaves). One router per resource, each with its own body parser; `openapi.json`
 * describes them all; unknown paths and every error answer in one JSON shape without stacks.
 */
export function apiRouter(deps: ServerDependencies): Router {
  const context = apiContext(deps);
  const all = resources(context);
  const routes = all.flatMap((resource) => resource.routes);
  const document = openApiDocument(routes, deps.publicUrl);
  const router = Router();
  router.get('/openapi.json', (_request, response) => {
    response.json(document);
  });
  for (const resource of all) router.use(resource.router);
  // Errors of these routes only; a path none of them matches goes on to whatever is mounted after.
  router.use(apiErrorHandler(deps.logger));
  return router;
}

/**
 * The JSON 404 of `/api/v1`, to mount after every router under it (this one and others, such as the
 * tenant's uninstall), so an unknown path is answered in the API's error shape.
 */
export function apiNotFound(deps: Pick<ServerDependencies, 'logger'>): Router {
  const router = Router();
  router.use((request, _response) => {
    throw new ApiError(
      'not_found',
      `no API route ${request.method} ${request.path}: see ${API_BASE}/openapi.json`,
    );
  });
  router.use(apiErrorHandler(deps.logger));
  return router;
}
