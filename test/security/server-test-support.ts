import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { hubspotSignatureV3 } from '../../connector/server/auth/hubspot-signature.ts';
import type { ServerDependencies } from '../../connector/server/server-dependencies.ts';
import { type Config, loadConfig } from '../../shared/config.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import { loadManifest } from '../../shared/manifest.ts';
import { createStore, type Store } from '../../shared/store/store.ts';
import { createTokenKeyRing } from '../../shared/store/token-crypto.ts';
import type { JobQueue } from '../../worker/queues/job-queue.ts';

/** The public URL the CRMs would call; tests call 127.0.0.1, signatures cover this. */
export const PUBLIC_URL = 'https://leadscore.example.test';
export const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
export const SESSION_KEY = Buffer.from('0123456789abcdef0123456789abcdef-session-key');

/** A HubSpot portal id no other test run uses (the suites share one Redis). */
export function uniquePortalId(): string {
  return `9${randomBytes(5).readUIntBE(0, 5) % 10_000_000_000}`.slice(0, 11);
}

/** An 18-character org id no other test run uses. */
export function uniqueOrgId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `00D${[...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('')}AAA`;
}

/** Log lines as written, for checks that no token or secret ever reaches them. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', name: 'test' }, sink), lines };
}

class RefusingQueue implements JobQueue {
  enqueued = 0;
  async enqueue(): Promise<string> {
    this.enqueued += 1;
    return `job-${this.enqueued}`;
  }
  async close(): Promise<void> {}
}

export function testStore(redis: Redis): Store {
  return createStore(redis, { keyRing: createTokenKeyRing('c'.repeat(64)) });
}

export function testDependencies(input: {
  redis: Redis;
  store: Store;
  logger: Logger;
  now?: () => number;
  sandbox?: { baseUrl: string; host: string };
  config?: Partial<Config>;
}): ServerDependencies {
  return {
    config: { ...loadConfig({ HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET }), ...input.config },
    redis: input.redis,
    store: input.store,
    queues: new RefusingQueue(),
    manifest: loadManifest(),
    logger: input.logger,
    publicUrl: PUBLIC_URL,
    ...(input.sandbox === undefined ? {} : { sandbox: input.sandbox }),
    now: input.now ?? Date.now,
  };
}

export async function listen(app: Express): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The headers a hubspot.fetch of `pathAndQuery` carries, signed over the public URI. */
export function hubspotFetchHeaders(input: {
  method: string;
  pathAndQuery: string;
  body?: string;
  secret?: string;
  timestampMs?: number;
}): Record<string, string> {
  const timestamp = String(input.timestampMs ?? Date.now());
  const signature = hubspotSignatureV3(input.secret ?? HUBSPOT_SECRET, {
    method: input.method,
    uri: `${PUBLIC_URL}${input.pathAndQuery}`,
    rawBody: input.body ?? '',
    timestamp,
  });
  return {
    'x-hubspot-signature-v3': signature,
    'x-hubspot-request-timestamp': timestamp,
    ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
}

/** A stack trace line as V8 prints it: `    at fn (file:line:col)`. */
export const STACK_LINE = /\n\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)/;
