import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../../../shared/config.ts';
import { createLogger } from '../../../shared/logger.ts';
import type { RedisClient } from '../../../shared/store/store.ts';
import { jobIdFor } from '../../../worker/queues/job-ids.ts';
import { type JobPayload, parseJobPayload } from '../../../worker/queues/job-payloads.ts';
import type { EnqueueOptions, JobQueue } from '../../../worker/queues/job-queue.ts';
import type { QueueName } from '../../../worker/queues/queue-names.ts';
import { hubspotSignatureV3 } from '../auth/hubspot-signature.ts';
import type { WebhookDeps } from './hubspot-webhooks.ts';
import { salesforceChangeSignature } from './salesforce-changes.ts';

/** A producer that records what was enqueued (one entry per distinct job id, as BullMQ keeps them). */
export class RecordingQueue implements JobQueue {
  readonly jobs = new Map<string, { queue: QueueName; payload: unknown; delayMs: number }>();
  enqueueCalls = 0;
  async enqueue<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, options: EnqueueOptions = {}) {
    this.enqueueCalls += 1;
    const parsed = parseJobPayload(queue, payload);
    const id = jobIdFor(queue, parsed);
    if (!this.jobs.has(id)) this.jobs.set(id, { queue, payload: parsed, delayMs: options.delayMs ?? 0 });
    return id;
  }
  async close() {}
}

export function webhookDeps(
  redis: RedisClient,
  queues: JobQueue,
  secret: string,
  publicUrl: string,
): WebhookDeps {
  return {
    config: loadConfig({ HUBSPOT_CLIENT_SECRET: secret }),
    redis,
    queues,
    logger: createLogger({ level: 'silent' }),
    publicUrl,
    now: Date.now,
  };
}

/** Mounts a router on its own express app on port 0; the public URL is what the signatures cover. */
export async function serve(router: express.Router): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface HubspotEventInput {
  eventId: number;
  portalId: number;
  objectId: number;
  subscriptionType?: string;
  propertyName?: string;
  propertyValue?: string;
}

export function hubspotEvent(input: HubspotEventInput): Record<string, unknown> {
  return {
    eventId: input.eventId,
    subscriptionId: 4242,
    portalId: input.portalId,
    appId: 777,
    occurredAt: Date.now() - 1_000,
    subscriptionType: input.subscriptionType ?? 'contact.propertyChange',
    attemptNumber: 0,
    objectId: input.objectId,
    ...(input.propertyName ? { propertyName: input.propertyName } : {}),
    ...(input.propertyValue ? { propertyValue: input.propertyValue } : {}),
    changeSource: 'CRM',
  };
}

/** POSTs a body to /webhooks/hubspot signed (v3) for `publicUrl`; headers can be overridden or removed. */
export function postHubspot(
  url: string,
  body: string | Buffer,
  options: {
    secret: string;
    publicUrl?: string;
    timestamp?: number;
    headers?: Record<string, string | null>;
  },
): Promise<Response> {
  const timestamp = String(options.timestamp ?? Date.now());
  const uri = `${options.publicUrl ?? url}/webhooks/hubspot`;
  const signature = hubspotSignatureV3(options.secret, { method: 'POST', uri, rawBody: body, timestamp });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-hubspot-signature-v3': signature,
    'x-hubspot-request-timestamp': timestamp,
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return fetch(`${url}/webhooks/hubspot`, {
    method: 'POST',
    headers,
    body: new Uint8Array(Buffer.from(body)),
  });
}

/** POSTs a change batch to /webhooks/salesforce signed as the contract says. */
export function postSalesforce(
  url: string,
  body: string,
  options: { secret: string; orgId: string; timestamp?: number; signature?: string },
): Promise<Response> {
  const timestamp = String(options.timestamp ?? Date.now());
  return fetch(`${url}/webhooks/salesforce`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-leadscore-org': options.orgId,
      'x-leadscore-timestamp': timestamp,
      'x-leadscore-signature':
        options.signature ?? salesforceChangeSignature(options.secret, timestamp, body),
    },
    body,
  });
}
