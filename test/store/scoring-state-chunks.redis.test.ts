import { afterAll, describe, expect, it } from 'vitest';
import { RoutingStateRepository } from '../../shared/store/routing-state.repository.ts';
import { WritebackStateRepository } from '../../shared/store/writeback-state.repository.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from './store-test-support.ts';

/** A whole tenant's routing or write-back state goes through in chunks, whatever its size. */
const redis = connectTestRedis();
const store = storeOn(redis);
const tenantId = uniqueTenantId();
const leadIds = Array.from({ length: 150_000 }, (_, index) => `00Q${String(index).padStart(12, '0')}AAA`);

afterAll(async () => {
  await store.purgeTenant(tenantId);
  await redis.quit();
});

describe('scoring state of 150,000 leads', () => {
  it('saves and reads routing states of every lead', async () => {
    const routing = new RoutingStateRepository(redis);
    const states = new Map(
      leadIds.map((leadId, index) => [
        leadId,
        {
          aboveHot: index % 3 === 0,
          crossings: index % 5,
          nurture: index % 2 === 0,
          pendingTask: index % 7 === 0 ? { crossing: 1, subject: `LeadScore hot lead ref ${index}` } : null,
        },
      ]),
    );
    await routing.saveStates(tenantId, states);
    const read = await routing.states(tenantId, leadIds);
    expect(read.size).toBe(leadIds.length);
    expect(read.get(leadIds[7])).toEqual(states.get(leadIds[7]));
    expect(read.get(leadIds[149_999])).toEqual(states.get(leadIds[149_999]));
  });

  it('reads the write-back state of every lead', async () => {
    const writeback = new WritebackStateRepository(redis);
    const entries = leadIds.map((leadId, index) => ({
      leadId,
      state: { contentHash: index.toString(16), modelVersion: 'smb-v2', idempotencyKey: '' },
    }));
    for (let start = 0; start < entries.length; start += 200) {
      await writeback.recordWritten(tenantId, entries.slice(start, start + 200));
    }
    const read = await writeback.lastWritten(tenantId, leadIds);
    expect(read.size).toBe(leadIds.length);
    expect(read.get(leadIds[255])).toMatchObject({ contentHash: 'ff', modelVersion: 'smb-v2' });
    expect(read.get(leadIds[255])?.idempotencyKey).toHaveLength(32);
  });
});
