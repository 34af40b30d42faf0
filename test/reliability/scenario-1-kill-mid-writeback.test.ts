import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSalesforceToSandbox } from '../../connector/sandbox/connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import { createStore } from '../../shared/store/store.ts';
import { WritebackStateRepository } from '../../shared/store/writeback-state.repository.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { scoreContentHash } from '../../worker/writeback/content-hash.ts';
import { testRedisUrl } from '../support/redis.ts';
import { scenarioOneScore } from './support/scenario-1-scores.ts';

const tenantId: TenantId = 'sf:00D000000000S01AAA';
const prefix = `{lsq-s1-${randomBytes(4).toString('hex')}}`;
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const store = createStore(redis);
const state = new WritebackStateRepository(redis);
const queues = new BullmqJobQueue({ connection: redis, prefix, backoffDelayMs: 200 });
let sandbox: RunningSandbox;
let leads: Lead[] = [];

/** Runs the worker process; with `crashAtCall`, SIGKILLs it once that call is confirmed but unrecorded. */
async function runWorker(
  crashAtCall?: number,
): Promise<{ lines: string[]; code: number | null; signal: string | null }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'support/scenario-1-worker.ts')],
    {
      env: {
        ...process.env,
        REDIS_URL: testRedisUrl,
        QUEUE_PREFIX: prefix,
        SANDBOX_URL: sandbox.baseUrl,
        SANDBOX_HOST: sandbox.host,
        CRASH_AT_CALL: String(crashAtCall ?? 0),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += String(chunk);
    if (output.includes('crash-point')) child.kill('SIGKILL');
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  return { lines: output.split('\n').filter(Boolean), code, signal };
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { salesforce: generateDataset({ leads: 520, seed: 1, tenantId }) } });
  const { connector } = await connectSalesforceToSandbox(sandbox, { tenantId });
  await connector.ensureFields();
  const synced: Lead[] = [];
  for await (const page of connector.syncLeads({ cursor: null })) synced.push(...page.records);
  leads = synced.slice(0, 450);
  await store.purgeTenant(tenantId);
  await store.leads.upsertMany(tenantId, leads);
});

afterAll(async () => {
  await queues.obliterate();
  await queues.close();
  await store.purgeTenant(tenantId);
  await redis.quit();
  await sandbox.close();
});

describe('scenario 1: kill -9 mid-writeback', () => {
  it('scenario 1: kill -9 the worker mid-writeback (400 of 450 leads written, 200 of them unrecorded) → after restart every lead has exactly one current score and the CRM received one effective write per lead', async () => {
    expect(leads).toHaveLength(450);
    const jobId = await queues.enqueue('writeback', {
      tenantId,
      modelVersion: 'm-scenario-1',
      leadIds: leads.map((lead) => lead.id),
    });
    const writes = sandbox.salesforce.store.scoreWrites;
    const writesOf = (slice: Lead[]) => slice.map((lead) => writes.get(lead.crmId) ?? 0);

    // Calls of 200, 200 and 50: killed once the CRM confirmed the second, before it was recorded.
    const first = await runWorker(2);
    expect(first.signal).toBe('SIGKILL');
    expect(first.lines).toContain('recorded 1 200');
    expect(first.lines.some((line) => line.startsWith('recorded 2'))).toBe(false);
    expect(
      (
        await state.lastWritten(
          tenantId,
          leads.map((lead) => lead.id),
        )
      ).size,
    ).toBe(200);
    expect(writesOf(leads.slice(0, 400))).toEqual(leads.slice(0, 400).map(() => 1));
    expect(writesOf(leads.slice(400))).toEqual(leads.slice(400).map(() => 0));

    // Restarted: BullMQ finds the job stalled (its lock lapsed) and runs it again.
    const second = await runWorker();
    expect(second.code).toBe(0);
    expect(second.lines).toContain('completed');
    // The first 200 were recorded, so skipped; the unrecorded 200 are sent again, then the last 50.
    expect(second.lines).toContain('recorded 1 200');
    expect(second.lines).toContain('recorded 2 250');
    expect(await (await queues.queue('writeback').getJob(jobId))?.getState()).toBe('completed');

    // One effective write per lead: the 200 whose confirmation was lost received the same values
    // again (an update to the values they already held); every other lead exactly one write.
    expect(writesOf(leads.slice(0, 200))).toEqual(leads.slice(0, 200).map(() => 1));
    expect(writesOf(leads.slice(200, 400))).toEqual(leads.slice(200, 400).map(() => 2));
    expect(writesOf(leads.slice(400))).toEqual(leads.slice(400).map(() => 1));

    // Every lead has exactly one current score: in the CRM and in the write-back state.
    const recorded = await state.lastWritten(
      tenantId,
      leads.map((lead) => lead.id),
    );
    expect(recorded.size).toBe(450);
    for (const lead of leads) {
      const expected = scenarioOneScore(lead.id);
      const record = sandbox.salesforce.store.get(lead.crmId);
      expect(record?.LeadScore_Score__c).toBe(expected.score);
      expect(record?.LeadScore_Model_Version__c).toBe('m-scenario-1');
      expect(recorded.get(lead.id)?.contentHash).toBe(scoreContentHash(expected));
    }

    // Enqueueing the same work again adds no job while the completed one is kept.
    const replayId = await queues.enqueue('writeback', {
      tenantId,
      modelVersion: 'm-scenario-1',
      leadIds: leads.map((lead) => lead.id),
    });
    expect(replayId).toBe(jobId);
  }, 120_000);
});
