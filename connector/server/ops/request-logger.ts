import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../../shared/logger.ts';

/** An incoming id we keep: short, and only characters that cannot forge log structure or carry much. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && WELL_FORMED_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * The URL's path and the names of its query parameters: values may carry personal data
 * (`?email=...`), names do not. Nothing else of the request is logged: no headers (authorization,
 * signatures and cookies among them), no body, no client address.
 */
export function describeUrl(url: string | undefined): { path: string; queryParams?: string[] } {
  const raw = url ?? '/';
  const question = raw.indexOf('?');
  const path = question === -1 ? raw : raw.slice(0, question);
  if (question === -1) return { path };
  const names = [...new Set(new URLSearchParams(raw.slice(question + 1)).keys())].sort();
  return names.length === 0 ? { path } : { path, queryParams: names };
}

type RequestWithId = IncomingMessage & { id?: unknown; originalUrl?: string };

/**
 * One log line per request: its id (the caller's `X-Request-Id` when well formed, else a new one,
 * echoed back in the response header), method, path, query parameter names, status and duration
 * (`responseTime`, ms). Handlers log with `req.log`, which carries the id.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    wrapSerializers: false,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const id = requestIdOf(request.headers['x-request-id']);
      response.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (request: RequestWithId) => ({
        id: request.id,
        method: request.method,
        ...describeUrl(request.originalUrl ?? request.url),
      }),
      res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
    },
    customLogLevel: (_request, response, error) =>
      error !== undefined || response.statusCode >= 500
        ? 'error'
        : response.statusCode >= 400
          ? 'warn'
          : 'info',
    customSuccessMessage: (request, response) =>
      `${request.method ?? ''} ${describeUrl((request as RequestWithId).originalUrl ?? request.url).path} ${response.statusCode}`,
    customErrorMessage: (request, response) =>
      `${request.method ?? ''} ${describeUrl((request as RequestWithId).originalUrl ?? request.url).path} ${response.statusCode}`,
  }) as unknown as RequestHandler;
}
