import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingQueue } from '../../connector/server/webhooks/webhook-test-support.ts';
import { ConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { createRedisLeadHistory } from '../../shared/store/redis-lead-history.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { SettingsRepository } from '../../shared/store/settings.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { parseJobPayload } from '../queues/job-payloads.ts';
import { emptyWritebackFigures } from '../writeback/writeback-service.ts';
import { PendingRescores, rescoreTiming } from './pending-rescores.ts';
import { type RescoreConnector, RescoreService } from './rescore-service.ts';

const tenantId = `hs:98${Math.floor(Math.random() * 90_000) + 10_000}` as TenantId;
const redis = new Redis(testRedisUrl);
const store = createStore(redis);

afterAll(async () => {
  await store.purgeTenant(tenantId);
  redis.disconnect();
});

describe('the rescore service', () => {
  it("keeps a failed window's leads for the retry, which rescores the same leads, then forgets them", async () => {
    await store.purgeTenant(tenantId);
    await redis.hset(tenantKeys(tenantId).tenant, 'provider', 'hubspot');
    const asked: string[][] = [];
    let failNext = true;
    const connector: RescoreConnector = {
      provider: 'hubspot',
      fetchLeads: async (crmIds) => {
        asked.push([...crmIds]);
        if (failNext) {
          failNext = false;
          throw new ConnectorError('TEMPORARY', 'HubSpot answered 502');
        }
        // The contacts were deleted meanwhile: nothing to score, and the window is done.
        return { records: [], rejected: [] };
      },
      activitiesForLeads: async () => ({ records: [], rejected: [] }),
      writeScores: async () => [],
      createTasks: async () => [],
      findTasks: async () => new Map(),
      setNurtureFlags: async () => [],
    };
    const queue = new RecordingQueue();
    const pending = new PendingRescores(redis);
    const service = new RescoreService({
      store,
      hygiene: new SyncHygieneRepository(redis),
      pending,
      queues: queue,
      settings: new SettingsRepository(redis),
      champions: { champions: async () => new Map() },
      connectorFor: async () => connector,
      delivery: {
        history: createRedisLeadHistory(store),
        identity: store.identity,
        scores: new ScoresRepository(redis),
        writeback: { writeBack: async () => emptyWritebackFigures() },
        routing: {
          route: async () => {
            throw new Error('nothing to route');
          },
        },
      },
      logger: createLogger({ level: 'silent' }),
    });
    const events = ['c1', 'c2'].map((crmId) => ({
      dedupKey: tenantKeys(tenantId).webhookEvent(crmId),
      crmIds: [crmId],
    }));
    const accepted = await pending.accept(queue, tenantId, events, 10_000, rescoreTiming.eventTtlSeconds);
    expect(accepted).toMatchObject({ status: 'accepted', fresh: [true, true] });
    const [job] = [...queue.jobs.values()];
    const payload = parseJobPayload('rescore', job?.payload);

    await expect(service.rescore(payload, 'rescore.job-1')).rejects.toThrow('HubSpot answered 502');
    const result = await service.rescore(payload, 'rescore.job-1');
    expect(asked).toEqual([
      ['c1', 'c2'],
      ['c1', 'c2'],
    ]);
    expect(result).toMatchObject({ taken: 2, fetched: 0, eventToWriteSeconds: [] });
    expect(
      await redis.exists(tenantKeys(tenantId).rescoreTaken('10000'), tenantKeys(tenantId).rescorePending),
    ).toBe(0);
  });
});
