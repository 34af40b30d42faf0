import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { isConnectorError } from '../../../shared/errors.ts';
import type { Logger } from '../../../shared/logger.ts';
import { StoreError } from '../../../shared/store/store-error.ts';
import { HttpError } from './http-error.ts';

const REQUEST_ID = 'leadscoreRequestId';
export const REQUEST_ID_HEADER = 'x-request-id';
/** An id a proxy in front of us chose is kept when it is short and plain; anything else is replaced. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives every request an id (kept from `X-Request-Id` when sane), echoed in a header and in errors.
 * When the request logger (pino-http) already gave one, that id is used, so logs and answers agree.
 */
export function requestId(): RequestHandler {
  return (request, response, next) => {
    const logged = (request as { id?: unknown }).id;
    const offered = request.headers[REQUEST_ID_HEADER];
    const id =
      typeof logged === 'string' && logged.length > 0
        ? logged
        : typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered)
          ? offered
          : randomUUID();
    response.locals[REQUEST_ID] = id;
    response.setHeader('X-Request-Id', id);
    next();
  };
}

export function requestIdOf(response: Response): string {
  const id = response.locals[REQUEST_ID] ?? (response.req as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : 'unassigned';
}

interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  details?: { field: string; problem: string }[];
}

/** body-parser's error types, answered with our own words: its messages quote parts of the body. */
const BODY_PARSER_ANSWERS: Record<string, ErrorAnswer> = {
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body is too large' },
  'entity.parse.failed': { status: 400, code: 'MALFORMED_JSON', message: 'request body is not valid JSON' },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_ENCODING',
    message: 'request body encoding is not supported: send identity, gzip or deflate',
  },
  'charset.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_CHARSET',
    message: 'request body charset is not supported: send UTF-8',
  },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED', message: 'request body ended early' },
  'request.size.invalid': {
    status: 400,
    code: 'INVALID_REQUEST',
    message: 'request body length does not match Content-Length',
  },
  'parameters.too.many': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'request body has too many form fields',
  },
};

const REDIS_DOWN =
  /Stream isn't writeable|Connection is closed|enableOfflineQueue|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Reached the max retries per request|connect ETIMEDOUT|CLUSTERDOWN|LOADING/;

function isRedisUnavailable(error: Error): boolean {
  return error.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(error.message);
}

function statusOf(error: object): number | undefined {
  const candidate =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof candidate === 'number' && Number.isInteger(candidate) ? candidate : undefined;
}

function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof HttpError)
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  if (error instanceof ZodError) {
    const details = error.issues.map((issue) => ({
      field: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
      problem: issue.message,
    }));
    const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
    return { status: 400, code: 'VALIDATION_FAILED', message: `invalid request: check ${fields}`, details };
  }
  if (error instanceof StoreError) {
    if (error.code === 'NOT_FOUND') return { status: 404, code: 'NOT_FOUND', message: 'not found' };
    if (error.code === 'INVALID_INPUT')
      return { status: 400, code: 'INVALID_REQUEST', message: error.message.slice(0, 300) };
    return { status: 500, code: 'INTERNAL', message: 'internal error' };
  }
  if (isConnectorError(error)) {
    if (error.code === 'RATE_LIMITED' || error.code === 'TEMPORARY')
      return {
        status: 503,
        code: 'CRM_UNAVAILABLE',
        message: 'the CRM is busy or unreachable: try again shortly',
      };
    if (error.code === 'AUTH_REVOKED')
      return {
        status: 409,
        code: 'CRM_ACCESS_REVOKED',
        message: 'LeadScore lost access to the CRM: an admin must reconnect it',
      };
    return { status: 502, code: 'CRM_ERROR', message: 'the CRM answered with an error' };
  }
  if (error instanceof Error && isRedisUnavailable(error))
    return { status: 503, code: 'STORE_UNAVAILABLE', message: 'storage is unavailable: try again shortly' };
  if (error !== null && typeof error === 'object') {
    const type = (error as { type?: unknown }).type;
    if (typeof type === 'string' && BODY_PARSER_ANSWERS[type]) return BODY_PARSER_ANSWERS[type];
    const status = statusOf(error);
    // Express and its parsers mark client mistakes (a malformed URI, a bad header) with a 4xx status.
    if (status !== undefined && status >= 400 && status < 500)
      return { status, code: 'INVALID_REQUEST', message: 'the request could not be understood' };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

function send(response: Response, answer: ErrorAnswer): void {
  const body = {
    error: {
      code: answer.code,
      message: answer.message,
      requestId: requestIdOf(response),
      ...(answer.details ? { details: answer.details } : {}),
    },
  };
  response.status(answer.status);
  response.setHeader('Cache-Control', 'no-store');
  if (answer.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="leadscore"');
  response.json(body);
}

/**
 * The one place domain errors become HTTP answers. Bodies carry a code, a message meant for the caller
 * and the request id; never a stack trace, an internal message or what the caller sent.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request: Request, response: Response, next: NextFunction) => {
    const answer = answerFor(error);
    const where = {
      requestId: requestIdOf(response),
      method: request.method,
      path: request.path.slice(0, 200),
    };
    if (answer.status >= 500) {
      // Only the type and our own message: vendor and parser messages may quote request data.
      const type = error instanceof Error ? error.name : typeof error;
      logger.error({ ...where, status: answer.status, errorType: type, code: answer.code }, 'request failed');
    } else {
      logger.info({ ...where, status: answer.status, code: answer.code }, 'request refused');
    }
    if (response.headersSent) {
      next(error);
      return;
    }
    send(response, answer);
  };
}

/** Answers every unmatched route with a JSON 404 naming the method and path tried. */
export function notFoundHandler(): RequestHandler {
  return (request, response) => {
    send(response, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      message: `no route ${request.method.slice(0, 10)} ${request.path.slice(0, 200)}`,
    });
  };
}
