import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantKeys } from '../../../shared/store/keys.ts';
import { createFailFastRedis } from '../../../shared/store/redis-connection.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { salesforceChangeSignature } from './salesforce-changes.ts';
import { salesforceWebhooksRouter } from './salesforce-webhooks.ts';
import { postSalesforce, RecordingQueue, serve, webhookDeps } from './webhook-test-support.ts';

const suffix = String(Math.floor(Math.random() * 900_000) + 100_000);
const orgId = `00D000000${suffix}AAA`;
const tenantId = `sf:${orgId}`;
const secret = 'c2FuZGJveC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5';
let redis: Redis;
let server: { url: string; close: () => Promise<void> };
const queue = new RecordingQueue();

beforeAll(async () => {
  redis = new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((resolve) => redis.once('ready', resolve));
  await redis.hset(tenantKeys(tenantId).tenant, 'provider', 'salesforce');
  server = await serve(
    salesforceWebhooksRouter(webhookDeps(redis, queue, 'unused', 'http://unused'), {
      secretFor: async (asked) => (asked === tenantId ? secret : undefined),
    }),
  );
});

afterAll(async () => {
  await server.close();
  const keys = await redis.keys(tenantKeys(tenantId).pattern);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

function batch(batchId: string, count = 2): string {
  return JSON.stringify({
    batchId,
    changes: Array.from({ length: count }, (_, index) => ({
      sobject: index % 2 === 0 ? 'Task' : 'Lead',
      recordId: index % 2 === 0 ? `00T00000000${String(index).padStart(4, '0')}AAA` : '00Q000000000001AAA',
      leadId: '00Q000000000001AAA',
      change: 'insert',
    })),
  });
}

describe('the Salesforce change webhook', () => {
  it('signs as the contract says: base64 HMAC-SHA256 of timestamp "." body', () => {
    const expected = createHmac('sha256', 'k').update('1767225600000.{"a":1}').digest('base64');
    expect(salesforceChangeSignature('k', '1767225600000', '{"a":1}')).toBe(expected);
  });

  it('a valid batch: 202 with the changes accepted, its lead waiting for one rescore job', async () => {
    const answer = await postSalesforce(server.url, batch(`valid-${suffix}-000001`), { secret, orgId });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ accepted: 2 });
    const pending = await redis.zrange(tenantKeys(tenantId).rescorePending, '0', '-1');
    expect(pending).toEqual(['00Q000000000001AAA']);
    const jobs = [...queue.jobs.values()];
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ queue: 'rescore', payload: { tenantId, reason: 'webhook' } });
  });

  it('keeps the kinds of activity the batch can bring: a Task change reads Tasks, a Lead change nothing', async () => {
    const taskOnly = JSON.stringify({
      batchId: `kinds-${suffix}-0000001`,
      changes: [
        { sobject: 'Task', recordId: '00T000000000001AAA', leadId: '00Q000000000002AAA', change: 'update' },
      ],
    });
    expect((await postSalesforce(server.url, taskOnly, { secret, orgId })).status).toBe(202);
    const kinds = await redis.smembers(tenantKeys(tenantId).rescorePendingKinds);
    // A Task change lists no field change: its lead is not fetched again (earlier tests' Lead changes stay pending).
    expect(kinds.filter((kind) => !kind.startsWith('fields:')).sort()).toEqual([
      'call',
      'email',
      'fields-listed',
      'task',
      'web',
    ]);
    expect(kinds).not.toContain('fields:00Q000000000002AAA');
  });

  it('records which leads had their own Lead or Contact fields changed, so only those are fetched', async () => {
    const mixed = JSON.stringify({
      batchId: `fields-${suffix}-000001`,
      changes: [
        { sobject: 'Lead', recordId: '00Q000000000003AAA', leadId: '00Q000000000003AAA', change: 'update' },
        { sobject: 'Event', recordId: '00U000000000001AAA', leadId: '00Q000000000004AAA', change: 'insert' },
      ],
    });
    expect((await postSalesforce(server.url, mixed, { secret, orgId })).status).toBe(202);
    const kinds = await redis.smembers(tenantKeys(tenantId).rescorePendingKinds);
    expect(kinds).toContain('fields:00Q000000000003AAA');
    expect(kinds).not.toContain('fields:00Q000000000004AAA');
    expect(kinds).toContain('meeting');
  });

  it('Redis unreachable: 503 within a second, nothing taken, so the retry counts', async () => {
    const down = createFailFastRedis('redis://127.0.0.1:1', { retryStrategy: () => null });
    down.on('error', () => {});
    const own = await serve(
      salesforceWebhooksRouter(webhookDeps(down, queue, 'unused', 'http://unused'), {
        secretFor: async () => secret,
      }),
    );
    try {
      const started = performance.now();
      const answer = await postSalesforce(own.url, batch(`down-${suffix}-00000001`), { secret, orgId });
      expect(answer.status).toBe(503);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(await redis.exists(tenantKeys(tenantId).webhookBatch(`down-${suffix}-00000001`))).toBe(0);
    } finally {
      await own.close();
      down.disconnect();
    }
  });

  it('a wrong signature or a stale timestamp: 401', async () => {
    const body = batch(`wrong-${suffix}-000001`);
    const wrong = await postSalesforce(server.url, body, { secret: `${secret}x`, orgId });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ message: 'signature does not match' });
    const stale = await postSalesforce(server.url, body, {
      secret,
      orgId,
      timestamp: Date.now() - 6 * 60_000,
    });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({
      message: 'request timestamp is more than 5 minutes from now',
    });
  });

  it('an org without a tenant: 404', async () => {
    const answer = await postSalesforce(server.url, batch(`unknown-${suffix}-001`), {
      secret,
      orgId: '00D000000999999AAA',
    });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: 'unknown_org' });
  });

  it('more than 200 changes: 400 naming the limit', async () => {
    const answer = await postSalesforce(server.url, batch(`big-${suffix}-0000001`, 201), { secret, orgId });
    expect(answer.status).toBe(400);
    expect((await answer.json()).message).toBe(
      'changes: must list at most 200 changes (send more in further POSTs)',
    );
  });

  it('a malformed body: 400 naming the field', async () => {
    const body = JSON.stringify({ batchId: 'short', changes: [] });
    const answer = await postSalesforce(server.url, body, { secret, orgId });
    expect(answer.status).toBe(400);
    expect((await answer.json()).message).toBe(
      'batchId: must be 16-64 characters of A-Z, a-z, 0-9, "_" or "-"; changes: must list at least one change',
    );
  });

  it('a duplicate batch id (a Salesforce retry): 202 with nothing accepted twice', async () => {
    const body = batch(`dup-${suffix}-00000001`);
    const first = await postSalesforce(server.url, body, { secret, orgId });
    const retry = await postSalesforce(server.url, body, { secret, orgId });
    expect(await first.json()).toEqual({ accepted: 2 });
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ accepted: 0, duplicate: true });
  });
});
