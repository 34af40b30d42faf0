import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { RoutingStateRepository } from '../../shared/store/routing-state.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { routeJob } from '../jobs/route.job.ts';
import { InlineJobQueue } from '../queues/inline-job-queue.ts';
import { RecordingConnector, testLead, testScore } from '../writeback/writeback-test-support.ts';
import type { SegmentRouting } from './routing-decisions.ts';
import { type RoutingDeps, RoutingService } from './routing-service.ts';

const tenantId: TenantId = 'sf:00D5g000004RoUtEAK';
const hubspotTenant: TenantId = 'hs:7700456';
const redis = new Redis(testRedisUrl);
const store = createStore(redis);
const state = new RoutingStateRepository(redis);
const segments: SegmentRouting[] = [
  { segmentId: 'smb', hot: 80, warm: 50, action: 'both' },
  { segmentId: 'ent', hot: 70, warm: 40, action: 'task' },
];
let clock = Date.parse('2026-02-01T09:00:00.000Z');
const service = (extra: Partial<RoutingDeps> = {}) =>
  new RoutingService({
    state,
    leads: store.leads,
    logger: createLogger({ level: 'silent' }),
    now: () => new Date(clock),
    ...extra,
  });

async function seed(tenant: TenantId, ids: string[]): Promise<void> {
  await store.leads.upsertMany(
    tenant,
    ids.map((id) => testLead(tenant, id, `005OWNER${id}`)),
  );
}

/** Routes once with a baseline of everyone cold, so later runs count crossings. */
async function baseline(crm: RecordingConnector, ids: string[], tenant: TenantId = tenantId): Promise<void> {
  await service().route({
    tenantId: tenant,
    connector: crm,
    segments,
    scores: ids.map((id) => testScore(id, 10)),
  });
}

beforeEach(async () => {
  clock = Date.parse('2026-02-01T09:00:00.000Z');
  await store.purgeTenant(tenantId);
  await store.purgeTenant(hubspotTenant);
});
afterAll(async () => {
  await store.purgeTenant(tenantId);
  await store.purgeTenant(hubspotTenant);
  await redis.quit();
});

describe('routing service', () => {
  it("takes the tenant's first scoring as the baseline: no tasks, warm leads flagged for nurture", async () => {
    await seed(tenantId, ['A', 'B', 'C', 'D']);
    const crm = new RecordingConnector('salesforce');
    const figures = await service().route({
      tenantId,
      connector: crm,
      segments,
      scores: [testScore('A', 91), testScore('B', 85), testScore('C', 60), testScore('D', 20)],
    });
    expect(figures).toMatchObject({ baseline: true, crossings: 2, tasksCreated: 0, nurtureSet: 1, calls: 1 });
    expect(crm.taskCalls).toHaveLength(0);
    expect(crm.nurtureCalls).toEqual([[{ crmId: 'crm-C', objectType: 'Lead', nurture: true }]]);
    // Still hot on the next run: not a crossing, so still no task.
    const again = await service().route({ tenantId, connector: crm, segments, scores: [testScore('A', 95)] });
    expect(again).toMatchObject({ baseline: false, crossings: 0, tasksCreated: 0, calls: 0 });
  });

  it('routes already-hot leads of the first scoring when routeAlreadyHot is on', async () => {
    await seed(tenantId, ['A', 'B']);
    const crm = new RecordingConnector('salesforce');
    const figures = await service().route({
      tenantId,
      connector: crm,
      segments,
      routeAlreadyHot: true,
      scores: [testScore('A', 91), testScore('B', 30)],
    });
    expect(figures).toMatchObject({ baseline: true, tasksCreated: 1 });
    expect(crm.taskCalls[0]?.map((task) => task.crmId)).toEqual(['crm-A']);
  });

  it('creates exactly one task for the owner per crossing: a replayed or duplicated job creates none', async () => {
    await seed(tenantId, ['A', 'B']);
    const crm = new RecordingConnector('salesforce');
    await baseline(crm, ['A', 'B']);
    const scores = [testScore('A', 88), testScore('B', 79)];
    const first = await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-1' });
    expect(first).toMatchObject({ crossings: 1, tasksCreated: 1, nurtureSet: 1 });
    const [task] = crm.taskCalls[0] ?? [];
    expect(task).toMatchObject({
      crmId: 'crm-A',
      objectType: 'Lead',
      ownerCrmId: '005OWNERA',
      dueDate: '2026-02-02',
    });
    expect(task?.subject).toMatch(/^LeadScore hot lead \(score 88\) ref [0-9a-f]{12}$/);
    expect(task?.body.split('\n')).toEqual([
      'Score 88/100, now hot in segment smb.',
      '- +12 · Viewed pricing 3 times',
      '- +8 · VP of Sales',
      '- +4 · 120 employees',
      '- -3 · No email opens',
      '- +2 · Came from a webinar',
    ]);
    await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-1' });
    await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-2' });
    expect(crm.taskCalls).toHaveLength(1);
    expect(crm.tasks.size).toBe(1);
  });

  it('gives a lead that falls below hot and crosses again a new task', async () => {
    await seed(tenantId, ['A']);
    const crm = new RecordingConnector('salesforce');
    await baseline(crm, ['A']);
    for (const value of [90, 60, 95, 96]) {
      await service().route({ tenantId, connector: crm, segments, scores: [testScore('A', value)] });
    }
    expect(crm.taskCalls.flat().map((task) => task.subject.replace(/ ref .*/, ''))).toEqual([
      'LeadScore hot lead (score 90)',
      'LeadScore hot lead (score 95)',
    ]);
    expect(new Set(crm.taskCalls.flat().map((task) => task.subject)).size).toBe(2);
    // 90 hot (flag stays off), 60 warm (flag on), 95 hot (flag off again).
    expect(crm.nurtureCalls.flat().map((write) => write.nurture)).toEqual([true, false]);
    expect((await state.states(tenantId, ['A'])).get('A')).toEqual({
      aboveHot: true,
      crossings: 2,
      nurture: false,
      pendingTask: null,
    });
  });

  it('neither writes nor routes holdout leads and leaves segments with tasks only unflagged', async () => {
    await seed(tenantId, ['A', 'B', 'C']);
    const crm = new RecordingConnector('salesforce');
    await baseline(crm, ['A', 'B', 'C']);
    const figures = await service().route({
      tenantId,
      connector: crm,
      segments,
      inHoldout: (leadId) => leadId === 'A',
      scores: [
        testScore('A', 95),
        testScore('B', 55, { segment: 'ent' }),
        testScore('C', 99, { segment: 'ent' }),
      ],
    });
    expect(figures).toMatchObject({ skippedHoldout: 1, tasksCreated: 1, nurtureSet: 0 });
    expect(crm.taskCalls.flat().map((task) => task.crmId)).toEqual(['crm-C']);
    expect(crm.nurtureCalls).toHaveLength(0);
    expect((await state.states(tenantId, ['A'])).get('A')?.aboveHot).toBe(false);
  });

  it('after a crash between creation and record, finds the task in the CRM instead of creating another', async () => {
    await seed(tenantId, ['A', 'B']);
    const crm = new RecordingConnector('salesforce');
    await baseline(crm, ['A', 'B']);
    const scores = [testScore('A', 90), testScore('B', 92)];
    const crashing = service({
      afterTasksCreated: () => {
        throw new Error('worker killed');
      },
    });
    await expect(
      crashing.route({ tenantId, connector: crm, segments, scores, attemptId: 'job-7' }),
    ).rejects.toThrow('worker killed');
    expect(crm.tasks.size).toBe(2);
    // Another job inside the claim's lease leaves the tasks to the attempt that claimed them.
    const other = await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-8' });
    expect(other).toMatchObject({ tasksInFlight: 2, tasksCreated: 0, tasksRecovered: 0 });
    const resumed = await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-7' });
    expect(resumed).toMatchObject({ tasksRecovered: 2, tasksCreated: 0 });
    expect(crm.taskCalls).toHaveLength(1);
    expect([...(await state.claims(tenantId)).values()].map((claim) => claim.status)).toEqual([
      'created',
      'created',
    ]);
  });

  it('creates the task when the interrupted call never reached the CRM, once the lease ran out', async () => {
    await seed(tenantId, ['A']);
    const crm = new RecordingConnector('salesforce');
    await baseline(crm, ['A']);
    const lost = Object.assign(Object.create(crm) as RecordingConnector, {
      createTasks: async () => {
        throw new ConnectorError('TEMPORARY', 'socket hang up');
      },
    });
    const scores = [testScore('A', 90)];
    await expect(
      service().route({ tenantId, connector: lost, segments, scores, attemptId: 'job-1' }),
    ).rejects.toMatchObject({ code: 'TEMPORARY' });
    const early = await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-2' });
    expect(early).toMatchObject({ tasksInFlight: 1, tasksCreated: 0 });
    clock += 11 * 60_000;
    const later = await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-2' });
    expect(later).toMatchObject({ tasksRecovered: 0, tasksCreated: 1 });
    expect(crm.tasks.size).toBe(1);
  });

  it('retries a task the CRM refused for now and reports a permanent refusal by lead id', async () => {
    await seed(tenantId, ['A', 'B', 'C']);
    const crm = new RecordingConnector('salesforce');
    await baseline(crm, ['A', 'B', 'C']);
    crm.fail('crm-A', 'RATE_LIMITED', 'REQUEST_LIMIT_EXCEEDED', 1);
    crm.fail('crm-B', 'INVALID_INPUT', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
    const scores = ['A', 'B', 'C'].map((id) => testScore(id, 90));
    await expect(
      service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-1' }),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const retried = await service().route({ tenantId, connector: crm, segments, scores, attemptId: 'job-1' });
    expect(retried).toMatchObject({ tasksCreated: 1, tasksAlreadyCreated: 0, failed: 0 });
    expect(crm.taskCalls.map((call) => call.map((task) => task.crmId))).toEqual([
      ['crm-A', 'crm-B', 'crm-C'],
      ['crm-A'],
    ]);
    expect(crm.tasks.size).toBe(2);
    const claims = await state.claims(tenantId);
    expect(claims.get('B:1')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('INVALID_CROSS'),
    });
  });

  it('creates HubSpot tasks in batches of 100 through the route job', async () => {
    const ids = Array.from({ length: 250 }, (_, n) => `C${n}`);
    await seed(hubspotTenant, ids);
    const crm = new RecordingConnector('hubspot');
    await baseline(crm, ids, hubspotTenant);
    const scores = new Map(ids.map((id) => [id, testScore(id, 90)]));
    const queue = new InlineJobQueue({
      handlers: {
        route: routeJob({
          service: service(),
          connectorFor: async () => crm,
          scoresFor: async (_tenant, wanted) => wanted.flatMap((id) => scores.get(id) ?? []),
          routingFor: async () => ({ segments, routeAlreadyHot: false }),
        }),
      },
    });
    await queue.enqueue('route', {
      tenantId: hubspotTenant,
      modelVersion: 'm-1',
      leadIds: ids.slice(0, 200),
    });
    await queue.enqueue('route', { tenantId: hubspotTenant, modelVersion: 'm-1', leadIds: ids.slice(150) });
    await queue.runUntilIdle();
    expect(crm.taskCalls.map((call) => call.length)).toEqual([100, 100, 50]);
    expect(new Set(crm.taskCalls.flat().map((task) => task.crmId)).size).toBe(250);
  });
});
