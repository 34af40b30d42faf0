import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { createStore } from '../../shared/store/store.ts';
import { WritebackStateRepository } from '../../shared/store/writeback-state.repository.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { writebackJob } from '../jobs/writeback.job.ts';
import { InlineJobQueue } from '../queues/inline-job-queue.ts';
import { WritebackService } from './writeback-service.ts';
import { factors, RecordingConnector, testLead, testScore } from './writeback-test-support.ts';

const salesforceTenant: TenantId = 'sf:00D5g000004WrBkEAK';
const hubspotTenant: TenantId = 'hs:7700123';
const redis = new Redis(testRedisUrl);
const store = createStore(redis);
const state = new WritebackStateRepository(redis);
const service = new WritebackService({
  state,
  leads: store.leads,
  logger: createLogger({ level: 'silent' }),
});
const ids = (count: number) => Array.from({ length: count }, (_, n) => `L${String(n).padStart(4, '0')}`);

async function seed(tenantId: TenantId, count: number): Promise<string[]> {
  const leadIds = ids(count);
  await store.leads.upsertMany(
    tenantId,
    leadIds.map((id) => testLead(tenantId, id)),
  );
  return leadIds;
}

beforeEach(async () => {
  await store.purgeTenant(salesforceTenant);
  await store.purgeTenant(hubspotTenant);
});
afterAll(async () => {
  await store.purgeTenant(salesforceTenant);
  await store.purgeTenant(hubspotTenant);
  await redis.quit();
});

describe('write-back service', () => {
  it('writes 450 Salesforce records in calls of 200, 200 and 50, then nothing while the content stays', async () => {
    const leadIds = await seed(salesforceTenant, 450);
    const crm = new RecordingConnector('salesforce');
    const scores = leadIds.map((id, n) => testScore(id, n % 101));
    const first = await service.writeBack({ tenantId: salesforceTenant, connector: crm, scores });
    expect(first).toMatchObject({ writes: 450, skippedUnchanged: 0, failed: 0, calls: 3 });
    expect(crm.writtenIds().map((call) => call.length)).toEqual([200, 200, 50]);
    expect(crm.scoreCalls[0]?.[0]).toEqual({ crmId: 'crm-L0000', objectType: 'Lead', score: scores[0] });

    // A new model version and a new scoredAt with the same score, tier and factors: no write.
    const rescored = leadIds.map((id, n) =>
      testScore(id, n % 101, { modelVersion: 'm-2', scoredAt: '2026-02-02T10:00:00.000Z' }),
    );
    const second = await service.writeBack({ tenantId: salesforceTenant, connector: crm, scores: rescored });
    expect(second).toMatchObject({ writes: 0, skippedUnchanged: 450, calls: 0 });
    expect(crm.scoreCalls).toHaveLength(3);
  });

  it('writes again only the leads whose score, tier, factor order or points changed', async () => {
    const leadIds = await seed(salesforceTenant, 5);
    const crm = new RecordingConnector('salesforce');
    await service.writeBack({
      tenantId: salesforceTenant,
      connector: crm,
      scores: leadIds.map((id) => testScore(id, 60)),
    });
    const changed = [
      testScore('L0000', 61),
      testScore('L0001', 60, { tier: 'hot' }),
      testScore('L0002', 60, { factors: [factors[1]!, factors[0]!, ...factors.slice(2)] }),
      testScore('L0003', 60, { factors: [{ ...factors[0]!, points: 11 }, ...factors.slice(1)] }),
      testScore('L0004', 60, { modelVersion: 'm-9' }),
    ];
    const figures = await service.writeBack({ tenantId: salesforceTenant, connector: crm, scores: changed });
    expect(figures).toMatchObject({ writes: 4, skippedUnchanged: 1, calls: 1 });
    expect(crm.writtenIds()[1]).toEqual(['crm-L0000', 'crm-L0001', 'crm-L0002', 'crm-L0003']);
  });

  it('sizes HubSpot batches to 100 and skips holdout leads', async () => {
    const leadIds = await seed(hubspotTenant, 260);
    const crm = new RecordingConnector('hubspot');
    const figures = await service.writeBack({
      tenantId: hubspotTenant,
      connector: crm,
      scores: leadIds.map((id) => testScore(id, 70)),
      inHoldout: (leadId) => Number(leadId.slice(1)) % 10 === 0,
    });
    expect(figures).toMatchObject({ writes: 234, skippedHoldout: 26, calls: 3 });
    expect(crm.writtenIds().map((call) => call.length)).toEqual([100, 100, 34]);
    expect(crm.writtenIds().flat()).not.toContain('crm-L0010');
    expect(crm.scoreCalls[0]?.[0]?.objectType).toBe('contact');
  });

  it('retries the 3 retryable failures of 200 alone and reports a permanent one by lead id and reason', async () => {
    const leadIds = await seed(salesforceTenant, 200);
    const crm = new RecordingConnector('salesforce');
    for (const id of ['crm-L0007', 'crm-L0100', 'crm-L0199'])
      crm.fail(id, 'TEMPORARY', 'UNABLE_TO_LOCK_ROW', 1);
    crm.fail('crm-L0042', 'INVALID_INPUT', 'FIELD_CUSTOM_VALIDATION_EXCEPTION: score locked');
    const figures = await service.writeBack({
      tenantId: salesforceTenant,
      connector: crm,
      scores: leadIds.map((id) => testScore(id, 90)),
    });
    expect(figures).toMatchObject({ writes: 199, failed: 1, calls: 2 });
    expect(figures.failures).toEqual([
      { leadId: 'L0042', code: 'INVALID_INPUT', reason: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: score locked' },
    ]);
    expect(crm.writtenIds()[1]).toEqual(['crm-L0007', 'crm-L0100', 'crm-L0199']);
    // The permanent failure was not recorded: the next run tries it (and only it) again.
    expect((await state.lastWritten(salesforceTenant, ['L0042', 'L0007'])).has('L0042')).toBe(false);
    const again = await service.writeBack({
      tenantId: salesforceTenant,
      connector: crm,
      scores: leadIds.map((id) => testScore(id, 90)),
    });
    expect(again).toMatchObject({ writes: 0, skippedUnchanged: 199, failed: 1, calls: 1 });
  });

  it('throws the retryable code once its rounds are spent, keeping what was confirmed', async () => {
    const leadIds = await seed(salesforceTenant, 10);
    const crm = new RecordingConnector('salesforce');
    crm.fail('crm-L0003', 'RATE_LIMITED', 'REQUEST_LIMIT_EXCEEDED', 3);
    const scores = leadIds.map((id) => testScore(id, 55));
    const error = await service
      .writeBack({ tenantId: salesforceTenant, connector: crm, scores })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('RATE_LIMITED');
    expect(crm.writtenIds().map((call) => call.length)).toEqual([10, 1, 1]);
    expect((await state.lastWritten(salesforceTenant, leadIds)).size).toBe(9);
    const retried = await service.writeBack({ tenantId: salesforceTenant, connector: crm, scores });
    expect(retried).toMatchObject({ writes: 1, skippedUnchanged: 9, calls: 1 });
  });

  it('runs as the writeback job: a replayed job writes nothing more', async () => {
    const leadIds = await seed(salesforceTenant, 30);
    const crm = new RecordingConnector('salesforce');
    const scores = new Map(leadIds.map((id) => [id, testScore(id, 81)]));
    const queue = new InlineJobQueue({
      handlers: {
        writeback: writebackJob({
          service,
          connectorFor: async () => crm,
          scoresFor: async (_tenant, wanted) => wanted.flatMap((id) => scores.get(id) ?? []),
        }),
      },
    });
    const payload = { tenantId: salesforceTenant, modelVersion: 'm-1', leadIds };
    await queue.enqueue('writeback', payload);
    await queue.runUntilIdle();
    expect(crm.writtenIds().flat()).toHaveLength(30);
    await service.writeBack({ tenantId: salesforceTenant, connector: crm, scores: [...scores.values()] });
    expect(crm.scoreCalls).toHaveLength(1);
  });
});
