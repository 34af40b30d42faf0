import { createHmac, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotWebhooksRouter } from '../../connector/server/webhooks/hubspot-webhooks.ts';
import {
  hubspotEvent,
  postHubspot,
  RecordingQueue,
  serve,
  webhookDeps,
} from '../../connector/server/webhooks/webhook-test-support.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { testRedisUrl } from '../support/redis.ts';

const secret = 'hs-scenario-13-secret';
const publicUrl = 'https://leadscore.example.com';
const portalId = 9_000_000 + Math.floor(Math.random() * 900_000);
const tenantId = `hs:${portalId}`;
let redis: Redis;
let server: { url: string; close: () => Promise<void> };
const queue = new RecordingQueue();
const erased: string[] = [];

beforeAll(async () => {
  redis = new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((resolve) => redis.once('ready', resolve));
  await redis.hset(tenantKeys(tenantId).tenant, 'provider', 'hubspot');
  const router = hubspotWebhooksRouter(webhookDeps(redis, queue, secret, publicUrl), {
    erasePerson: async (_tenant, leadId) => {
      erased.push(leadId);
    },
  });
  server = await serve(router);
});

afterAll(async () => {
  await server.close();
  const keys = await redis.keys(tenantKeys(tenantId).pattern);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const body = (eventId: number) => JSON.stringify([hubspotEvent({ eventId, portalId, objectId: 501 })]);
const post = (raw: string | Buffer, options: Parameters<typeof postHubspot>[2] = { secret }) =>
  postHubspot(server.url, raw, { publicUrl, ...options });

describe('scenario 13: HubSpot webhook signature v3', () => {
  it('an independently computed test vector is the signature the server accepts', async () => {
    const timestamp = '1767225600000';
    const uri = 'https://leadscore.example.com/webhooks/hubspot';
    const raw = '[{"eventId":1}]';
    const vector = createHmac('sha256', 'hs-test-secret-0001')
      .update(`POST${uri}${raw}${timestamp}`)
      .digest('base64');
    expect(vector).toBe('8ZlI1HxPKIvos+3ziidFP6kDkeaTdqVyaQqpbuoufG0=');
    const fixed = {
      ...webhookDeps(redis, queue, 'hs-test-secret-0001', publicUrl),
      now: () => 1767225601000,
    };
    const own = await serve(hubspotWebhooksRouter(fixed, { erasePerson: async () => {} }));
    try {
      const accepted = await fetch(`${own.url}/webhooks/hubspot`, {
        method: 'POST',
        headers: { 'x-hubspot-signature-v3': vector, 'x-hubspot-request-timestamp': timestamp },
        body: raw,
      });
      // Signed right; the one event lacks HubSpot's fields, so it is reported and skipped.
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toMatchObject({ received: 1, rejected: 1, accepted: 0 });
      const oneByteOff = await fetch(`${own.url}/webhooks/hubspot`, {
        method: 'POST',
        headers: { 'x-hubspot-signature-v3': vector, 'x-hubspot-request-timestamp': timestamp },
        body: '[{"eventId":2}]',
      });
      expect(oneByteOff.status).toBe(401);
    } finally {
      await own.close();
    }
  });

  it('a valid delivery passes and its event is taken', async () => {
    const response = await post(body(1301));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: 1, accepted: 1, duplicates: 0 });
    expect(queue.jobs.size).toBe(1);
  });

  it('one changed byte in the body, the uri, a wrong secret, an old timestamp or a missing header: 401', async () => {
    const raw = body(1302);
    const timestamp = Date.now();
    // Sign one body, send another that differs in one byte.
    const changedBody = await fetch(`${server.url}/webhooks/hubspot`, {
      method: 'POST',
      headers: signedHeaders(raw, `${publicUrl}/webhooks/hubspot`, secret, timestamp),
      body: raw.replace('1302', '1303'),
    });
    const changedUri = await fetch(`${server.url}/webhooks/hubspot`, {
      method: 'POST',
      headers: signedHeaders(raw, `${publicUrl}/webhooks/hubspoT`, secret, timestamp),
      body: raw,
    });
    const wrongSecret = await post(raw, { secret: `${secret}x` });
    const old = await post(raw, { secret, timestamp: Date.now() - 5 * 60_000 - 5_000 });
    const noSignature = await post(raw, { secret, headers: { 'x-hubspot-signature-v3': null } });
    const noTimestamp = await post(raw, { secret, headers: { 'x-hubspot-request-timestamp': null } });
    const answers = [changedBody, changedUri, wrongSecret, old, noSignature, noTimestamp];
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401]);
    const messages = await Promise.all(answers.map(async (answer) => (await answer.json()).message));
    expect(messages).toEqual([
      'signature does not match',
      'signature does not match',
      'signature does not match',
      'request timestamp is more than 5 minutes from now',
      'missing x-hubspot-signature-v3 header',
      'missing x-hubspot-request-timestamp header',
    ]);
  });

  it('fuzzed bodies, signed and unsigned, never crash the server nor answer 500 with a stack', async () => {
    const seen = new Map<number, number>();
    const bodies: Buffer[] = [];
    for (let i = 0; i < 300; i += 1) bodies.push(randomBytes(1 + (i % 200)));
    const malformed = [
      '',
      '[',
      '{}',
      'null',
      '[null]',
      '[1,2,3]',
      '"text"',
      '[{"eventId":-1}]',
      `[${'['.repeat(5_000)}`,
      JSON.stringify([{ ...hubspotEvent({ eventId: 1, portalId, objectId: 1 }), portalId: 'x' }]),
      JSON.stringify(Array.from({ length: 1_001 }, () => ({}))),
    ];
    for (const text of malformed) bodies.push(Buffer.from(text));
    for (const [index, raw] of bodies.entries()) {
      const signed = index % 2 === 0;
      const response = signed
        ? await post(raw)
        : await fetch(`${server.url}/webhooks/hubspot`, { method: 'POST', body: new Uint8Array(raw) });
      const text = await response.text();
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      expect(response.status).not.toBe(500);
      expect(text).not.toMatch(/at .+\.(ts|js):\d+/);
    }
    // Unsigned bodies are refused; signed random bytes are malformed JSON.
    expect(seen.get(401)).toBeGreaterThanOrEqual(155);
    expect((seen.get(400) ?? 0) + (seen.get(200) ?? 0)).toBeGreaterThanOrEqual(150);
    // Still serving.
    expect((await post(body(1399))).status).toBe(200);
  });
});

function signedHeaders(raw: string, uri: string, key: string, timestamp: number): Record<string, string> {
  const signature = createHmac('sha256', key).update(`POST${uri}${raw}${timestamp}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
}
