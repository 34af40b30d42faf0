import { expect, it } from 'vitest';
import { RecordingQueue } from '../../connector/server/webhooks/webhook-test-support.ts';
import type { ActivityKind } from '../../shared/crm-connector.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import type { RedisClient } from '../../shared/store/store.ts';
import { PendingRescores, rescoreTiming } from './pending-rescores.ts';

/** The behaviour of the pending set and its windows, on a single Redis and on a cluster alike. */
export function pendingRescoresContract(redis: () => RedisClient, tenantPrefix: string): void {
  const tenant = (n: number) => `${tenantPrefix}${n}` as TenantId;
  const install = async (tenantId: TenantId) => {
    await redis().del(
      ...Object.values(tenantKeys(tenantId)).filter((key): key is string => typeof key === 'string'),
    );
    await redis().hset(tenantKeys(tenantId).tenant, 'provider', 'hubspot');
  };
  const event = (tenantId: TenantId, id: string, crmIds: string[]) => ({
    dedupKey: tenantKeys(tenantId).webhookEvent(id),
    crmIds,
  });

  it("coalesces a tenant's events within the window into one job, due when the window ends", async () => {
    const tenantId = tenant(1);
    await install(tenantId);
    const pending = new PendingRescores(redis());
    const queue = new RecordingQueue();
    const start = 1_767_225_600_000;
    const ids = new Set<string | null>();
    for (let i = 0; i < 10; i += 1) {
      const result = await pending.accept(
        queue,
        tenantId,
        [event(tenantId, `e${i}`, [`c${i % 4}`])],
        start + i * 30,
        60,
      );
      if (result.status === 'accepted') ids.add(result.jobId);
    }
    expect(ids.size).toBe(1);
    expect(queue.jobs.size).toBe(1);
    const [job] = [...queue.jobs.values()];
    expect(job?.payload).toEqual({
      tenantId,
      window: start,
      since: new Date(start - rescoreTiming.lookbackMs).toISOString(),
      reason: 'webhook',
    });
    expect(job?.delayMs).toBe(rescoreTiming.windowMs);
    const taken = await pending.take(tenantId, start);
    // Each lead once, with its first event's receive time, oldest first.
    expect([...taken.leads]).toEqual([
      ['c0', start],
      ['c1', start + 30],
      ['c2', start + 60],
      ['c3', start + 90],
    ]);
    expect(taken.left).toBe(0);
  });

  it('takes an event once; a retried job gets the leads its first run took; events after the take open a new window', async () => {
    const tenantId = tenant(2);
    await install(tenantId);
    const pending = new PendingRescores(redis());
    const queue = new RecordingQueue();
    const first = await pending.accept(queue, tenantId, [event(tenantId, 'e1', ['c1'])], 1_000, 60);
    const again = await pending.accept(queue, tenantId, [event(tenantId, 'e1', ['c1'])], 1_010, 60);
    expect(first).toMatchObject({ status: 'accepted', fresh: [true] });
    expect(again).toMatchObject({ status: 'accepted', fresh: [false] });
    const taken = await pending.take(tenantId, 1_000);
    expect([...taken.leads.keys()]).toEqual(['c1']);
    const later = await pending.accept(queue, tenantId, [event(tenantId, 'e2', ['c2'])], 1_050, 60);
    expect(queue.jobs.size).toBe(2);
    // The first job fails and runs again: the same lead, not the newer window's.
    expect([...(await pending.take(tenantId, 1_000)).leads.keys()]).toEqual(['c1']);
    await pending.finish(tenantId, 1_000);
    expect([...(await pending.take(tenantId, 1_050)).leads.keys()]).toEqual(['c2']);
    expect(later).toMatchObject({ fresh: [true] });
    // A duplicate once nothing is pending asks for no job.
    await pending.finish(tenantId, 1_050);
    const late = await pending.accept(queue, tenantId, [event(tenantId, 'e2', ['c2'])], 5_000, 60);
    expect(late).toEqual({ status: 'accepted', fresh: [false], jobId: null });
    expect(queue.jobs.size).toBe(2);
  });

  it("leaves leads past one job's share pending and opens the next window for them", async () => {
    const tenantId = tenant(3);
    await install(tenantId);
    const pending = new PendingRescores(redis());
    const queue = new RecordingQueue();
    const crmIds = Array.from({ length: rescoreTiming.maxLeadsPerJob + 20 }, (_, i) => `c${i}`);
    await pending.accept(queue, tenantId, [event(tenantId, 'big', crmIds)], 2_000, 60);
    const taken = await pending.take(tenantId, 2_000);
    expect(taken.leads.size).toBe(rescoreTiming.maxLeadsPerJob);
    expect(taken.left).toBe(20);
    await pending.finish(tenantId, 2_000);
    expect(await pending.reopen(queue, tenantId, 3_000)).not.toBeNull();
    expect((await pending.take(tenantId, 3_000)).leads.size).toBe(20);
  });

  it('takes with its leads the kinds of activity their changes named: none for lead fields, any when unsaid', async () => {
    const tenantId = tenant(5);
    await install(tenantId);
    const pending = new PendingRescores(redis());
    const queue = new RecordingQueue();
    const withKinds = (id: string, kinds: ActivityKind[] | undefined) => ({
      ...event(tenantId, id, ['c1']),
      ...(kinds === undefined ? {} : { kinds }),
    });
    await pending.accept(queue, tenantId, [withKinds('k1', []), withKinds('k2', ['meeting'])], 100, 60);
    await pending.accept(queue, tenantId, [withKinds('k3', ['email', 'meeting'])], 120, 60);
    const first = await pending.take(tenantId, 100);
    expect(first.kinds?.sort()).toEqual(['email', 'meeting']);
    // A retry gets the same kinds.
    expect((await pending.take(tenantId, 100)).kinds?.sort()).toEqual(['email', 'meeting']);
    await pending.finish(tenantId, 100);
    await pending.accept(queue, tenantId, [withKinds('k4', [])], 1_000, 60);
    expect((await pending.take(tenantId, 1_000)).kinds).toEqual([]);
    await pending.finish(tenantId, 1_000);
    await pending.accept(queue, tenantId, [withKinds('k5', undefined), withKinds('k6', ['call'])], 2_000, 60);
    expect((await pending.take(tenantId, 2_000)).kinds).toBeUndefined();
  });

  it('records nothing for a tenant that is not installed', async () => {
    const tenantId = tenant(4);
    await redis().del(tenantKeys(tenantId).tenant);
    const pending = new PendingRescores(redis());
    const queue = new RecordingQueue();
    expect(await pending.accept(queue, tenantId, [event(tenantId, 'x', ['c1'])], 1, 60)).toEqual({
      status: 'unknown-tenant',
    });
    expect(
      await redis().exists(tenantKeys(tenantId).webhookEvent('x'), tenantKeys(tenantId).rescorePending),
    ).toBe(0);
    expect(queue.jobs.size).toBe(0);
  });
}
