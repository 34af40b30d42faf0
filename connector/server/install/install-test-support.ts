import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { type Router } from 'express';
import { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../../shared/config.ts';
import { createLogger, type Logger } from '../../../shared/logger.ts';
import { loadManifest } from '../../../shared/manifest.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { oauthStateKey } from '../../../shared/store/keys.ts';
import { createStore, type Store } from '../../../shared/store/store.ts';
import { createTokenKeyRing } from '../../../shared/store/token-crypto.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { BullmqJobQueue } from '../../../worker/queues/bullmq-job-queue.ts';
import type { RunningSandbox } from '../../sandbox/start-sandbox.ts';
import { type Caller, setCaller } from '../auth/caller.ts';
import type { ServerDependencies } from '../server-dependencies.ts';

/** Test support for the install routes: a real Redis and BullMQ, the routers on their own express app. */

export const testTokenKey = 'a1'.repeat(32);
export const testSigningKey = 'b2'.repeat(32);

/** A Salesforce org id (and so tenant `sf:<id>`) no other test run uses. */
export function uniqueOrgId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const suffix = [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `00D${suffix}AAA`;
}

export function uniquePortalId(): number {
  return 900_000_000 + Math.floor(Math.random() * 99_999_999);
}

/** Every log line, in memory, to search for secrets. */
export class MemoryLog extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    callback();
  }
  text(): string {
    return this.lines.join('');
  }
}

export interface InstallHarness {
  deps: ServerDependencies;
  baseUrl: string;
  redis: Redis;
  store: Store;
  queues: BullmqJobQueue;
  log: MemoryLog;
  /** Sets who calls the API routes mounted after `mount` (the real auth middleware stands in here). */
  caller: Caller | undefined;
  mount(router: Router): void;
  close(): Promise<void>;
}

export async function startInstallHarness(
  options: { sandbox?: RunningSandbox; config?: Record<string, string>; now?: () => number } = {},
): Promise<InstallHarness> {
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  const store = createStore(redis, { keyRing: createTokenKeyRing(testTokenKey) });
  const queues = new BullmqJobQueue({
    connection: redis,
    prefix: `{lsq-install-${randomBytes(4).toString('hex')}}`,
  });
  const log = new MemoryLog();
  const logger: Logger = createLogger({ level: 'debug' }, log);
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    TOKEN_ENCRYPTION_KEY: testTokenKey,
    SESSION_SIGNING_KEY: testSigningKey,
    SALESFORCE_CLIENT_ID: 'sandbox-client',
    SALESFORCE_CLIENT_SECRET: 'sandbox-client-secret-value',
    HUBSPOT_CLIENT_ID: 'sandbox-client',
    HUBSPOT_CLIENT_SECRET: 'sandbox-client-secret-value',
    ...options.config,
  });
  const app = express();
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const harness: InstallHarness = {
    deps: {
      config,
      redis,
      store,
      queues,
      manifest: loadManifest(),
      logger,
      publicUrl: baseUrl,
      ...(options.sandbox === undefined
        ? {}
        : { sandbox: { baseUrl: options.sandbox.baseUrl, host: options.sandbox.host } }),
      now: options.now ?? Date.now,
    },
    baseUrl,
    redis,
    store,
    queues,
    log,
    caller: undefined,
    mount: (router) => {
      app.use((_request, response, next) => {
        if (harness.caller !== undefined) setCaller(response, harness.caller);
        next();
      });
      app.use(router);
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.obliterate();
      await queues.close();
      await redis.quit();
    },
  };
  return harness;
}

/** The nonce inside a state this server issued (`<base64url JSON>.<signature>`). */
export function nonceOf(state: string): string {
  const payload = JSON.parse(Buffer.from(state.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
    n: string;
  };
  return payload.n;
}

/**
 * Every key an install could have written or consumed: the tenants' keys, their registry entries,
 * and the nonces of the given states (other test files issue states of their own at the same time,
 * so the whole `ls:{oauth}:` space is not this test's to compare).
 */
export async function installKeys(
  redis: Redis,
  tenantIds: readonly TenantId[],
  states: readonly string[] = [],
): Promise<string[]> {
  const keys = new Set<string>();
  for (const tenantId of tenantIds) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `ls:{${tenantId}}:*`, 'COUNT', 1000);
      for (const key of found) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  if (tenantIds.length > 0) {
    const registered = await redis.zmscore('ls:{registry}:tenants', ...tenantIds);
    tenantIds.forEach((id, index) => {
      if (registered[index] !== null) keys.add(`registry:${id}`);
    });
  }
  for (const state of states) {
    const key = oauthStateKey(nonceOf(state));
    if ((await redis.exists(key)) === 1) keys.add(key);
  }
  return [...keys].sort();
}

/** The state a callback URL carries. */
export function stateOf(url: string): string {
  return new URL(url).searchParams.get('state') ?? '';
}

/** Follows one redirect by hand: the Location of a 302, or a failure naming what came instead. */
export async function redirectOf(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`expected a 302 from ${url}, got ${response.status}: ${await response.text()}`);
  }
  return location;
}

export async function callJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The install, as an admin's browser goes: install → the CRM's consent (the sandbox) → callback. */
export async function installThroughSandbox(
  harness: InstallHarness,
  provider: 'salesforce' | 'hubspot',
): Promise<{ status: number; body: Record<string, unknown>; callbackUrl: string }> {
  const authorize = await redirectOf(`${harness.baseUrl}/oauth/${provider}/install`);
  const callbackUrl = await redirectOf(authorize);
  return { ...(await callJson(callbackUrl)), callbackUrl };
}
