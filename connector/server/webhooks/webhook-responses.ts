import type express from 'express';
import type { Logger } from '../../../shared/logger.ts';

/** What a webhook answers: JSON, never a stack trace, never the request's content. */
export function answer(response: express.Response, status: number, body: Record<string, unknown>): void {
  response.status(status).json(body);
}

/**
 * The router's last error handler: body-parser errors (too large, aborted) keep their 4xx status,
 * anything else is a 500 with a fixed message and the error in the log only.
 */
export function webhookErrorHandler(logger: Logger, route: string): express.ErrorRequestHandler {
  return (error: unknown, _request, response, _next) => {
    const status =
      typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
        ? error.status
        : 500;
    if (status === 413) {
      answer(response, 413, {
        error: 'payload_too_large',
        message: 'the body is larger than this webhook accepts',
      });
      return;
    }
    if (status >= 400 && status < 500) {
      answer(response, status, { error: 'bad_request', message: 'the request body could not be read' });
      return;
    }
    logger.error({ route, reason: error instanceof Error ? error.message : String(error) }, 'webhook failed');
    answer(response, 500, { error: 'internal', message: 'the webhook failed; the provider may retry' });
  };
}

/** 503 while Redis (the queue, the de-duplication) is unreachable: the provider retries later. */
export function unavailable(response: express.Response): void {
  response.setHeader('retry-after', '30');
  answer(response, 503, { error: 'unavailable', message: 'storage is unreachable; retry later' });
}
