import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { type Caller, callerOf } from '../auth/caller.ts';
import { ApiError, apiErrorSchema, problemsOf } from './api-errors.ts';
import { z } from './openapi-zod.ts';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

/** No path parameters: the default of a route that takes none. */
export const noInput = z.strictObject({});
/**
 * No query: the default of a route that reads none. Query objects strip what they do not name rather
 * than refuse it: the panels' signed URLs carry the auth layer's own parameters (a HubSpot card puts
 * `portalId` and its record id there), which are not the route's business.
 */
export const noQuery = z.object({});

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  request: Request;
}

/** One route of the API as it is written: its schemas, who may call it, and its handler. */
export interface RouteDefinition<
  P extends z.ZodObject,
  Q extends z.ZodObject,
  B extends z.ZodType,
  R extends z.ZodType,
> {
  method: HttpMethod;
  /** Under /api/v1, in OpenAPI form: `/records/{leadId}`. */
  path: string;
  summary: string;
  description?: string;
  /** `admin`: a rep gets 403 before the handler runs. */
  access: 'any' | 'admin';
  params?: P;
  /** Build with z.object (not strictObject): see noQuery. */
  query?: Q;
  body?: B;
  response: R;
  responseDescription: string;
  /** Error answers the route gives besides 400 (and 403 for admin routes), for the document. */
  errors?: { status: 404 | 409; description: string }[];
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

/** A route with its types closed over: what routers mount and the document lists. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  access: 'any' | 'admin';
  /** The path as Express matches it: `/records/:leadId`. */
  expressPath: string;
  openapi: RouteConfig;
  handler(request: Request, response: Response): Promise<void>;
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error.issues, where);
  throw new ApiError(
    'invalid_request',
    `the request's ${where} is not valid: ${problems.map((problem) => problem.message).join('; ')}`,
    problems,
  );
}

const errorContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: apiErrorSchema } },
});

export function defineRoute<
  P extends z.ZodObject = typeof noInput,
  Q extends z.ZodObject = typeof noQuery,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(definition: RouteDefinition<P, Q, B, R>): ApiRoute {
  const params = definition.params ?? noInput;
  const query = definition.query ?? noQuery;
  const responses: RouteConfig['responses'] = {
    200: {
      description: definition.responseDescription,
      content: { 'application/json': { schema: definition.response } },
    },
    400: errorContent(
      'A parameter, query or body field is invalid: the problems name each one and how to fix it',
    ),
  };
  if (definition.access === 'admin') responses[403] = errorContent('Only admins of the tenant may do this');
  for (const error of definition.errors ?? []) responses[error.status] = errorContent(error.description);
  const openapi: RouteConfig = {
    method: definition.method,
    path: definition.path,
    summary: definition.summary,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    request: {
      ...(definition.params === undefined ? {} : { params: definition.params }),
      ...(definition.query === undefined ? {} : { query: definition.query }),
      ...(definition.body === undefined
        ? {}
        : { body: { required: true, content: { 'application/json': { schema: definition.body } } } }),
    },
    responses,
  };
  return {
    method: definition.method,
    path: definition.path,
    access: definition.access,
    expressPath: definition.path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1'),
    openapi,
    async handler(request, response) {
      const caller = callerOf(response);
      if (definition.access === 'admin' && caller.role !== 'admin') {
        throw new ApiError(
          'forbidden',
          `only an admin of the tenant may ${definition.summary.toLowerCase()}`,
        );
      }
      const input = {
        params: parseOrThrow(params, request.params, 'path') as z.output<P>,
        query: parseOrThrow(query, { ...request.query }, 'query') as z.output<Q>,
        body: (definition.body === undefined
          ? undefined
          : parseOrThrow(definition.body, request.body ?? {}, 'body')) as z.output<B>,
        caller,
        request,
      };
      const result = await definition.handle(input);
      const checked = definition.response.safeParse(result);
      if (!checked.success) {
        // Our bug, not the caller's: the answer would break the documented schema.
        const fields = checked.error.issues.map((issue) => issue.path.join('.')).join(', ');
        throw new Error(
          `answer of ${definition.method.toUpperCase()} ${definition.path} breaks its schema at ${fields}`,
        );
      }
      response.status(200).json(checked.data);
    },
  };
}

/** Mounts routes on a router; Express 5 passes a rejected handler to the error handler. */
export function mountRoutes(router: Router, routes: readonly ApiRoute[]): Router {
  for (const route of routes) {
    router[route.method](route.expressPath, (request, response) => route.handler(request, response));
  }
  return router;
}
