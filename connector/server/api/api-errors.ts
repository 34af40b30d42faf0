import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../../shared/logger.ts';
import { StoreError } from '../../../shared/store/store-error.ts';
import { z } from './openapi-zod.ts';

/** One field of a request that was wrong, and how to put it right. */
export const fieldProblemSchema = z
  .strictObject({
    field: z.string(),
    message: z.string(),
  })
  .openapi('FieldProblem');
export type FieldProblem = z.infer<typeof fieldProblemSchema>;

/** Every error answer of the API: a code a program reads, a sentence a person reads, the bad fields. */
export const apiErrorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum([
        'invalid_request',
        'forbidden',
        'not_found',
        'conflict',
        'payload_too_large',
        'unavailable',
        'internal',
      ]),
      message: z.string(),
      problems: z.array(fieldProblemSchema).optional(),
    }),
  })
  .openapi('ApiError');
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;
export type ApiErrorCode = ApiErrorBody['error']['code'];

const statusOfCode: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
};

/** An answer other than success, thrown by a handler and written by apiErrorHandler. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly problems?: FieldProblem[],
  ) {
    super(message);
  }

  get status(): number {
    return statusOfCode[this.code];
  }

  body(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.problems === undefined ? {} : { problems: this.problems }),
      },
    };
  }
}

export const notFound = (message: string) => new ApiError('not_found', message);

/** Zod issues as field problems: `segments.0.hotThreshold: must be between 0 and 100`. */
export function problemsOf(issues: readonly z.core.$ZodIssue[], where: string): FieldProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = path === '' ? where : `${where}.${path}`;
    return { field, message: `${field} ${issue.message}` };
  });
}

function isRedisDown(error: unknown): boolean {
  return (
    error instanceof Error &&
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|MaxRetriesPerRequest/.test(error.message)
  );
}

/**
 * The one place errors become answers (Express 5 hands rejected handlers here). Bodies never carry a
 * stack or an internal message; the log keeps the error's name and message, never a request body.
 */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    let answer: ApiError;
    if (error instanceof ApiError) answer = error;
    else if (error instanceof StoreError && error.code === 'NOT_FOUND') answer = notFound(error.message);
    else if (isBodyParserError(error)) answer = bodyParserAnswer(error);
    else if (isRedisDown(error)) {
      answer = new ApiError('unavailable', 'the store is unreachable right now: retry in a few seconds');
    } else {
      logger.error(
        {
          method: request.method,
          path: request.path,
          error: error instanceof Error ? error.message : 'unknown',
        },
        'API request failed',
      );
      answer = new ApiError('internal', 'the request failed on our side; it has been logged');
    }
    if (response.headersSent) return;
    response.status(answer.status).json(answer.body());
  };
}

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'type' in error &&
    typeof error.type === 'string' &&
    'status' in error &&
    typeof error.status === 'number'
  );
}

function bodyParserAnswer(error: BodyParserError): ApiError {
  if (error.type === 'entity.too.large') {
    return new ApiError('payload_too_large', 'the request body is over 100 kB: send less');
  }
  if (error.type === 'entity.parse.failed') {
    return new ApiError('invalid_request', 'the request body is not valid JSON: send a JSON object', [
      { field: 'body', message: 'body must be valid JSON' },
    ]);
  }
  return new ApiError(
    'invalid_request',
    'the request body could not be read: send JSON with Content-Type application/json',
    [{ field: 'body', message: `body could not be read (${error.type})` }],
  );
}
