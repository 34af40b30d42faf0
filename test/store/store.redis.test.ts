import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../shared/store/store.ts';
import { StoreError } from '../../shared/store/store-error.ts';
import { storeContract } from './store-contract.ts';
import {
  connectTestRedis,
  makeActivity,
  makeLead,
  scanNode,
  storeOn,
  uniqueTenantId,
} from './store-test-support.ts';

let redis: Redis;
let store: Store;
const tenants: string[] = [];
const tenant = () => {
  const id = uniqueTenantId();
  tenants.push(id);
  return id;
};

beforeAll(() => {
  redis = connectTestRedis();
  store = storeOn(redis);
});

afterAll(async () => {
  for (const tenantId of tenants) await store.purgeTenant(tenantId);
  for (const tenantId of tenants) expect(await store.keysOf(tenantId)).toEqual([]);
  await redis.quit();
});

async function bytesOf(tenantId: string): Promise<number> {
  let total = 0;
  for (const key of await store.keysOf(tenantId))
    total += (await redis.memory('USAGE', key, 'SAMPLES', '0')) ?? 0;
  return total;
}

describe('store on one Redis', () => {
  storeContract(
    () => store,
    tenants,
    (pattern) => scanNode(redis, pattern),
  );

  it('takes the same memory after a replay of the same leads, activities, outcomes and intent', async () => {
    const tenantId = tenant();
    const leads = [makeLead(tenantId, 'L1'), makeLead(tenantId, 'L2', { accountKey: 'other.io' })];
    const activities = [
      makeActivity(tenantId, 'L1', 'A1', '2026-03-01T00:00:00.000Z'),
      makeActivity(tenantId, 'L1', 'A2', '2026-03-02T00:00:00.000Z', 'email_open', null),
    ];
    const outcomes = [
      { tenantId, leadId: 'L1', kind: 'won', occurredAt: '2026-05-01T00:00:00.000Z', amount: 24_000 },
    ];
    const intent = [
      { domain: 'acme.com', topic: 'crm software', surgeScore: 70, observedAt: '2026-02-01T00:00:00.000Z' },
    ];
    const load = async () => [
      await store.leads.upsertMany(tenantId, leads),
      await store.activities.upsertMany(tenantId, activities),
      await store.outcomes.upsertMany(tenantId, outcomes),
      await store.intent.upsertMany(tenantId, intent),
    ];
    await load();
    const keys = await store.keysOf(tenantId);
    const bytes = await bytesOf(tenantId);
    const [leadReport, activityReport, , intentReport] = await load();
    expect(leadReport).toEqual({ written: 0, unchanged: 2, rejected: [] });
    expect(activityReport).toEqual({ written: 0, unchanged: 2, rejected: [] });
    expect(intentReport).toEqual({ written: 0, unchanged: 1, rejected: [] });
    expect(await store.keysOf(tenantId)).toEqual(keys);
    expect(await bytesOf(tenantId)).toBe(bytes);
    expect(await store.activities.count(tenantId, 'L1')).toBe(2);
  });

  it('reports bad records by field and stores the good ones', async () => {
    const tenantId = tenant();
    const report = await store.leads.upsertMany(tenantId, [
      makeLead(tenantId, 'GOOD'),
      { ...makeLead(tenantId, 'BAD'), email: 'not-an-email' },
      makeLead(uniqueTenantId(), 'FOREIGN'),
    ]);
    expect(report.written).toBe(1);
    expect(report.rejected.map((rejected) => [rejected.id, rejected.problems[0].field])).toEqual([
      ['BAD', 'email'],
      ['FOREIGN', 'tenantId'],
    ]);
    expect(await store.leads.count(tenantId)).toBe(1);
    await expect(store.leads.get('acme', 'GOOD')).rejects.toThrow(StoreError);
    const badId = await store.leads.upsertMany(tenantId, [makeLead(tenantId, 'has space', { email: null })]);
    expect(badId.rejected[0].problems[0]).toMatchObject({
      field: 'id',
      reason: expect.stringMatching(/without spaces/),
    });
  });

  it('moves a lead between account indexes when its account key changes', async () => {
    const tenantId = tenant();
    await store.leads.upsertMany(tenantId, [makeLead(tenantId, 'L1'), makeLead(tenantId, 'L2')]);
    await store.leads.upsertMany(tenantId, [
      makeLead(tenantId, 'L2', { accountKey: 'globex.com', domain: 'globex.com' }),
    ]);
    expect(await store.leads.idsOfAccount(tenantId, 'acme.com')).toEqual(['L1']);
    expect(await store.leads.idsOfAccount(tenantId, 'globex.com')).toEqual(['L2']);
    expect((await store.leads.get(tenantId, 'L2'))?.accountKey).toBe('globex.com');
  });

  it('leaves a lead in exactly one account index when writers race on it', async () => {
    const tenantId = tenant();
    const versions = Array.from({ length: 12 }, (_, index) => {
      const domain = index % 2 === 0 ? 'acme.com' : 'globex.com';
      return makeLead(tenantId, 'RACED', { domain, accountKey: domain, title: `Title ${index}` });
    });
    await Promise.all(versions.map((version) => store.leads.upsertMany(tenantId, [version])));
    const stored = await store.leads.get(tenantId, 'RACED');
    const other = stored?.accountKey === 'acme.com' ? 'globex.com' : 'acme.com';
    expect(await store.leads.idsOfAccount(tenantId, stored?.accountKey ?? '')).toEqual(['RACED']);
    expect(await store.leads.idsOfAccount(tenantId, other)).toEqual([]);
  });

  it('returns activities strictly before a time, and between two times', async () => {
    const tenantId = tenant();
    const t = (day: number) => `2026-03-${String(day).padStart(2, '0')}T00:00:00.000Z`;
    await store.activities.upsertMany(tenantId, [
      makeActivity(tenantId, 'L1', 'A3', t(3), 'meeting', ''),
      makeActivity(tenantId, 'L1', 'A1', t(1), 'email_click', null),
      makeActivity(tenantId, 'L1', 'A2', t(2), 'content_download', 'whitepaper'),
      makeActivity(tenantId, 'L1', 'A4', t(4)),
    ]);
    const s = Date.parse(t(3));
    expect((await store.activities.before(tenantId, 'L1', s)).map((activity) => activity.id)).toEqual([
      'A1',
      'A2',
    ]);
    expect((await store.activities.before(tenantId, 'L1', s + 1)).map((activity) => activity.id)).toEqual([
      'A1',
      'A2',
      'A3',
    ]);
    expect(
      (await store.activities.between(tenantId, 'L1', Date.parse(t(2)), Date.parse(t(4)))).map((a) => a.id),
    ).toEqual(['A2', 'A3']);
    const all = await store.activities.all(tenantId, 'L1');
    expect(all.map((activity) => [activity.type, activity.detail])).toEqual([
      ['email_click', null],
      ['content_download', 'whitepaper'],
      ['meeting', ''],
      ['page_view', '/pricing'],
    ]);
  });

  it('replaces an activity that comes back with the same id and a new time or detail', async () => {
    const tenantId = tenant();
    await store.activities.upsertMany(tenantId, [
      makeActivity(tenantId, 'L1', 'A1', '2026-03-01T00:00:00.000Z'),
    ]);
    const report = await store.activities.upsertMany(tenantId, [
      makeActivity(tenantId, 'L1', 'A1', '2026-03-05T00:00:00.000Z', 'call', 'connected'),
    ]);
    expect(report.written).toBe(1);
    expect(await store.activities.all(tenantId, 'L1')).toEqual([
      makeActivity(tenantId, 'L1', 'A1', '2026-03-05T00:00:00.000Z', 'call', 'connected'),
    ]);
  });

  it('keeps one outcome per lead and kind, oldest first', async () => {
    const tenantId = tenant();
    const outcome = (kind: string, day: number, amount: number | null) => ({
      tenantId,
      leadId: 'L1',
      kind,
      occurredAt: `2026-04-${String(day).padStart(2, '0')}T00:00:00.000Z`,
      amount,
    });
    await store.outcomes.upsertMany(tenantId, [outcome('won', 9, 1000), outcome('converted', 2, null)]);
    await store.outcomes.upsertMany(tenantId, [outcome('won', 10, 1500.5)]);
    expect(await store.outcomes.ofLead(tenantId, 'L1')).toEqual([
      outcome('converted', 2, null),
      outcome('won', 10, 1500.5),
    ]);
  });

  it('replaces an intent signal whose surge score was corrected and reads strictly before a time', async () => {
    const tenantId = tenant();
    const signal = (topic: string, day: number, surgeScore: number) => ({
      domain: 'acme.com',
      topic,
      surgeScore,
      observedAt: `2026-02-${String(day).padStart(2, '0')}T00:00:00.000Z`,
    });
    await store.intent.upsertMany(tenantId, [
      signal('crm', 1, 40),
      signal('ai', 1, 55),
      signal('crm', 8, 60),
    ]);
    await store.intent.upsertMany(tenantId, [signal('crm', 1, 45)]);
    expect(await store.intent.before(tenantId, 'acme.com', Date.parse('2026-02-08T00:00:00.000Z'))).toEqual([
      signal('ai', 1, 55),
      signal('crm', 1, 45),
    ]);
  });

  it('keeps a sync cursor per object family', async () => {
    const tenantId = tenant();
    await store.cursors.save(tenantId, {
      object: 'leads',
      cursor: '2026-03-01T00:00:00Z',
      updatedAt: '2026-03-01T00:00:01Z',
    });
    await store.cursors.save(tenantId, {
      object: 'activities',
      cursor: 'page-7',
      updatedAt: '2026-03-01T00:00:02Z',
    });
    await store.cursors.save(tenantId, {
      object: 'leads',
      cursor: '2026-03-02T00:00:00Z',
      updatedAt: '2026-03-02T00:00:01Z',
    });
    expect((await store.cursors.all(tenantId)).map((cursor) => [cursor.object, cursor.cursor])).toEqual([
      ['activities', 'page-7'],
      ['leads', '2026-03-02T00:00:00Z'],
    ]);
    await store.cursors.reset(tenantId, 'activities');
    expect(await store.cursors.get(tenantId, 'activities')).toBeUndefined();
  });
});
