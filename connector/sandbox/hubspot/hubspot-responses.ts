import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/** HubSpot's error bodies: CRM errors carry a `category`, 429s an `errorType` and a `policyName`. */
export function hubspotError(
  response: Response,
  status: number,
  category: string,
  message: string,
  extra = {},
) {
  response.status(status).json({
    status: 'error',
    message,
    correlationId: randomBytes(8).toString('hex'),
    category,
    ...extra,
  });
}

export function rateLimitBody(policyName: string, message: string) {
  return {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    correlationId: randomBytes(8).toString('hex'),
    policyName,
    requestId: randomBytes(8).toString('hex'),
  };
}
