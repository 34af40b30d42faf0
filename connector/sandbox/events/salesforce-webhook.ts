import { createHmac, randomBytes } from 'node:crypto';
import type { salesforceChangeSources } from '../../../shared/manifest.ts';
import type { SalesforceTarget } from './event-targets.ts';
import type { PostRequest } from './webhook-poster.ts';

/**
 * What the managed package's Queueable POSTs to /webhooks/salesforce: at most 200 changed records
 * per call, signed with HMAC-SHA256 under the tenant's webhook secret over `timestamp + "." + body`.
 */

export const salesforceBatchSize = 200;

export const salesforceHeaders = {
  org: 'x-leadscore-org',
  timestamp: 'x-leadscore-timestamp',
  signature: 'x-leadscore-signature',
} as const;

export type WatchedSobject = (typeof salesforceChangeSources)[number];

export interface SalesforceWebhookChange {
  sobject: WatchedSobject;
  recordId: string;
  /** The Lead or Contact the change is about. */
  leadId: string;
  change: 'insert' | 'update' | 'delete' | 'undelete';
}

export interface SalesforceWebhookBody {
  batchId: string;
  changes: SalesforceWebhookChange[];
}

/** 16-64 characters of [A-Za-z0-9_-], fixed for the batch across retries. */
export function newBatchId(): string {
  return `sbx_${randomBytes(18).toString('base64url')}`;
}

/** base64(HMAC-SHA256(secret, timestamp + "." + rawBody)), the secret used as UTF-8 text. */
export function salesforceSignature(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('base64');
}

/** The POST of one batch; the body (and batchId) stay the same on every attempt, the signature is fresh. */
export function salesforceRequest(target: SalesforceTarget, body: string, now: number): PostRequest {
  const timestamp = String(now);
  return {
    url: target.url,
    headers: {
      'content-type': 'application/json',
      [salesforceHeaders.org]: target.orgId,
      [salesforceHeaders.timestamp]: timestamp,
      [salesforceHeaders.signature]: salesforceSignature(target.secret, timestamp, body),
    },
    body,
  };
}
