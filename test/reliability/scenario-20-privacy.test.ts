import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../connector/providers/hubspot/hubspot-mappers.ts';
import {
  dumpKeys,
  type RunningApi,
  seedScoredTenant,
  startApi,
  uniqueHubspotTenantId,
} from '../../connector/server/api/api-test-support.ts';
import type { Caller } from '../../connector/server/auth/caller.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import { erasePerson } from '../../shared/store/erase-person.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { ModelsRepository } from '../../shared/store/models.repository.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { BullmqJobQueue } from '../../worker/queues/bullmq-job-queue.ts';
import { queueNames } from '../../worker/queues/queue-names.ts';
import { makeScore } from '../store/scoring-test-support.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../store/store-test-support.ts';
import { testRedisUrl } from '../support/redis.ts';

/**
 * Scenario 20 (a person's deletion; tenant uninstall is tested with the install flow): before
 * deletion the export returns the person's score, model version and factors; after the API's
 * DELETE (one person) and after erasePerson called directly (as the HubSpot privacy-deletion webhook
 * does, another person), no key of the tenant, no job and no stored test window names either person
 * by id or email, and the other leads are as they were.
 */
const redis = connectTestRedis();
const store = storeOn(redis);
const models = new ModelsRepository(redis);
const scores = new ScoresRepository(redis);
const tenantId = uniqueTenantId() as TenantId;
const admin: Caller = { tenantId, userId: 'u-admin', role: 'admin', via: 'canvas' };
const prefix = `{ls-s20-${randomBytes(4).toString('hex')}}`;
const queueRedis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const queues = new BullmqJobQueue({ connection: queueRedis, prefix });
let api: RunningApi;
/** Erased through the API, erased through erasePerson, and a bystander who stays. */
let viaApi: Lead;
let direct: Lead;
let bystander: Lead;

async function championTestWindowLeads(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const meta of await models.list(tenantId)) {
    for (const example of (await models.testWindow(tenantId, meta.id)) ?? []) {
      counts.set(example.leadId, (counts.get(example.leadId) ?? 0) + 1);
    }
  }
  return counts;
}

async function allJobData(): Promise<{ queue: string; id: string; data: string }[]> {
  const found: { queue: string; id: string; data: string }[] = [];
  for (const name of queueNames) {
    const queue = new Queue(name, { connection: queueRedis, prefix });
    for (const job of await queue.getJobs())
      found.push({ queue: name, id: job.id ?? '', data: JSON.stringify(job.data) });
    await queue.close();
  }
  return found;
}

async function queueKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await queueRedis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

beforeAll(async () => {
  const { leads } = await seedScoredTenant({ redis, store, tenantId, leads: 3_000, seed: 51 });
  const stored = await scores.get(
    tenantId,
    leads.map((lead) => lead.id),
  );
  const inWindow = await championTestWindowLeads();
  const emailCounts = new Map<string, number>();
  for (const lead of leads)
    if (lead.email) emailCounts.set(lead.email, (emailCounts.get(lead.email) ?? 0) + 1);
  const candidates: Lead[] = [];
  for (const lead of leads) {
    if (!stored.has(lead.id) || !inWindow.has(lead.id) || lead.email === null) continue;
    if (emailCounts.get(lead.email) !== 1 || (await store.activities.count(tenantId, lead.id)) === 0)
      continue;
    if ((await store.identity.linkedTo(tenantId, lead.id)).length > 0) continue;
    candidates.push(lead);
    if (candidates.length === 3) break;
  }
  [viaApi, direct, bystander] = candidates as [Lead, Lead, Lead];
  const version = stored.get(viaApi.id)?.modelVersion ?? 'smb-v1';
  // Pending work naming the people, as the pipeline would queue it (ids only).
  await queues.enqueue('writeback', { tenantId, modelVersion: version, leadIds: [viaApi.id, bystander.id] });
  await queues.enqueue('route', { tenantId, modelVersion: version, leadId: viaApi.id });
  await queues.enqueue('score', { tenantId, leadIds: [direct.id] });
  await queues.enqueue(
    'writeback',
    { tenantId, modelVersion: version, leadIds: [direct.id, bystander.id] },
    { delayMs: 60_000 },
  );
  api = await startApi({ redis, store, queues, queuePrefix: prefix });
}, 240_000);

afterAll(async () => {
  await api?.close();
  await queues.obliterate();
  await queues.close();
  await queueRedis.quit();
  await store.purgeTenant(tenantId);
  await redis.quit();
});

/** Every key of the tenant and of the queues that still mentions the person by id or email. */
async function mentionsOf(person: Lead): Promise<string[]> {
  const dump = await dumpKeys(redis, [...(await store.keysOf(tenantId)), ...(await queueKeys())]);
  return [...dump.entries()]
    .filter(
      ([key, text]) =>
        `${key} ${text}`.includes(person.id) || (person.email !== null && text.includes(person.email)),
    )
    .map(([key]) => key);
}

describe('scenario 20: privacy deletion leaves nothing of the person in Redis, job data or training snapshots', () => {
  let bystanderBefore: { score: unknown; activities: number; lead: unknown; examples: number | undefined };

  it('picked three people with scores, activities and test-window examples, named in queued jobs', async () => {
    expect([viaApi, direct, bystander].every((lead) => lead !== undefined)).toBe(true);
    for (const person of [viaApi, direct]) expect((await mentionsOf(person)).length).toBeGreaterThan(4);
    const jobs = await allJobData();
    expect(jobs.filter((job) => job.data.includes(viaApi.id))).toHaveLength(2);
    expect(jobs.filter((job) => job.data.includes(direct.id))).toHaveLength(2);
    bystanderBefore = {
      score: (await scores.get(tenantId, [bystander.id])).get(bystander.id),
      activities: await store.activities.count(tenantId, bystander.id),
      lead: await store.leads.get(tenantId, bystander.id),
      examples: (await championTestWindowLeads()).get(bystander.id),
    };
  });

  it("exports the person's score, model version and factors before deletion", async () => {
    const response = await api.call(admin, 'GET', `/privacy/export?leadId=${viaApi.id}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      profile: { email: string };
      score: { score: number; model: { version: string }; factors: { label: string; text: string }[] };
      activities: unknown[];
    };
    const stored = (await scores.get(tenantId, [viaApi.id])).get(viaApi.id);
    expect(body.profile.email).toBe(viaApi.email);
    expect(body.score.score).toBe(stored?.score);
    expect(body.score.model.version).toBe(stored?.modelVersion);
    expect(body.score.factors.map((factor) => factor.label)).toEqual(
      stored?.factors.map((factor) => factor.label),
    );
    expect(body.score.factors.every((factor) => factor.text.endsWith(factor.label))).toBe(true);
    expect(body.activities).toHaveLength(await store.activities.count(tenantId, viaApi.id));
    const rep = { ...admin, role: 'rep' as const };
    expect((await api.call(rep, 'GET', `/privacy/export?leadId=${viaApi.id}`)).status).toBe(403);
  });

  it('erases the person through DELETE /api/v1/privacy/leads/:leadId', async () => {
    expect((await api.call({ ...admin, role: 'rep' }, 'DELETE', `/privacy/leads/${viaApi.id}`)).status).toBe(
      403,
    );
    const response = await api.call(admin, 'DELETE', `/privacy/leads/${viaApi.id}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      removedKeys: number;
      testWindowExamples: number;
      removedJobs: number;
      updatedJobs: number;
    };
    expect(report.removedKeys).toBeGreaterThan(0);
    expect(report.testWindowExamples).toBeGreaterThan(0);
    expect(report.removedJobs).toBe(1);
    expect(report.updatedJobs).toBe(1);
    expect(await mentionsOf(viaApi)).toEqual([]);
    expect((await api.call(admin, 'GET', `/records/${viaApi.id}`)).status).toBe(404);
    expect((await api.call(admin, 'GET', `/privacy/export?leadId=${viaApi.id}`)).status).toBe(404);
    expect((await api.call(admin, 'DELETE', `/privacy/leads/${viaApi.id}`)).status).toBe(404);
  });

  it('erases the person through erasePerson, as the privacy-deletion webhook calls it', async () => {
    const report = await erasePerson({ redis, store, queuePrefix: prefix }, tenantId, direct.id);
    expect(report.leadFound).toBe(true);
    expect(report.removedJobs).toBe(1);
    expect(report.updatedJobs).toBe(1);
    expect(await mentionsOf(direct)).toEqual([]);
    const again = await erasePerson({ redis, store, queuePrefix: prefix }, tenantId, direct.id);
    expect(again).toMatchObject({
      leadFound: false,
      removedKeys: 0,
      removedEntries: 0,
      testWindowExamples: 0,
      removedJobs: 0,
    });
  });

  it('erases a HubSpot contact deleted before its privacy deletion: its contact id leaves the pending rescores and sync jobs', async () => {
    const hubspot = uniqueHubspotTenantId();
    const leadId = leadIdFor(hubspot, '7071');
    const keys = tenantKeys(hubspot);
    try {
      await redis.zadd(keys.rescorePending, 1, '7071', 2, '7072');
      await scores.put(hubspot, [makeScore(leadId)]);
      await queues.enqueue('sync', {
        tenantId: hubspot,
        mode: 'records',
        reason: 'webhook',
        crmIds: ['7071', '7072'],
      });
      const report = await erasePerson({ redis, store, queuePrefix: prefix }, hubspot, leadId);
      expect(report).toMatchObject({ leadFound: false, removedJobs: 0, updatedJobs: 1 });
      expect(await redis.zrange(keys.rescorePending, 0, '-1')).toEqual(['7072']);
      expect((await scores.get(hubspot, [leadId])).size).toBe(0);
      const syncJobs = (await allJobData()).filter((job) => job.data.includes(hubspot));
      expect(syncJobs.map((job) => JSON.parse(job.data).crmIds)).toEqual([['7072']]);
    } finally {
      await store.purgeTenant(hubspot);
    }
  });

  it('leaves no job data and no test-window example of either person, and the other leads as they were', async () => {
    const jobs = await allJobData();
    for (const person of [viaApi, direct]) {
      expect(jobs.filter((job) => job.data.includes(person.id))).toEqual([]);
    }
    // The two writebacks go on for the bystander alone.
    const writebacks = jobs.filter((job) => job.queue === 'writeback');
    expect(writebacks.map((job) => JSON.parse(job.data).leadIds)).toEqual([[bystander.id], [bystander.id]]);
    const inWindow = await championTestWindowLeads();
    expect(inWindow.has(viaApi.id)).toBe(false);
    expect(inWindow.has(direct.id)).toBe(false);
    expect({
      score: (await scores.get(tenantId, [bystander.id])).get(bystander.id),
      activities: await store.activities.count(tenantId, bystander.id),
      lead: await store.leads.get(tenantId, bystander.id),
      examples: inWindow.get(bystander.id),
    }).toEqual(bystanderBefore);
    expect(await store.leads.count(tenantId)).toBeGreaterThan(2_900);
  });
});
