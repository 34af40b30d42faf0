import { expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { leadSchema } from '../../shared/schemas/lead.ts';
import { createRedisLeadHistory } from '../../shared/store/redis-lead-history.ts';
import type { Store } from '../../shared/store/store.ts';
import { makeActivity, makeLead, uniqueTenantId } from './store-test-support.ts';

/**
 * The store's main operations, written once and run both on a single Redis and on a three-node
 * Redis Cluster: on the cluster any multi-key command or transaction that strayed outside one
 * tenant's hash slot would fail with CROSSSLOT.
 */
export function storeContract(
  getStore: () => Store,
  tenants: string[],
  /** Every key matching a glob, on every node, read with raw SCAN (not through the store). */
  scanAll: (pattern: string) => Promise<string[]>,
): void {
  const tenant = () => {
    const id = uniqueTenantId();
    tenants.push(id);
    return id;
  };

  it('stores leads idempotently and scans them in id order, in batches', async () => {
    const store = getStore();
    const tenantId = tenant();
    const leads = Array.from({ length: 25 }, (_, index) =>
      makeLead(tenantId, `L${String(index).padStart(3, '0')}`),
    );
    const first = await store.leads.upsertMany(tenantId, leads);
    expect(first).toEqual({ written: 25, unchanged: 0, rejected: [] });
    const again = await store.leads.upsertMany(tenantId, leads);
    expect(again).toEqual({ written: 0, unchanged: 25, rejected: [] });
    const batches: string[][] = [];
    for await (const batch of store.leads.scan(tenantId, 10)) batches.push(batch.map((lead) => lead.id));
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(leads.map((lead) => lead.id));
    expect(await store.leads.get(tenantId, 'L007')).toEqual(leadSchema.parse(leads[7]));
    expect(await store.leads.count(tenantId)).toBe(25);
  });

  it('deletes a lead with its activities, outcomes, identity links and index entries', async () => {
    const store = getStore();
    const tenantId = tenant();
    await store.leads.upsertMany(tenantId, [makeLead(tenantId, 'GONE'), makeLead(tenantId, 'KEPT')]);
    await store.activities.upsertMany(tenantId, [
      makeActivity(tenantId, 'GONE', 'A1', '2026-03-01T00:00:00.000Z'),
      makeActivity(tenantId, 'KEPT', 'A2', '2026-03-01T00:00:00.000Z'),
    ]);
    await store.outcomes.upsertMany(tenantId, [
      { tenantId, leadId: 'GONE', kind: 'converted', occurredAt: '2026-04-01T00:00:00.000Z', amount: null },
    ]);
    await store.identity.link(tenantId, 'GONE', 'KEPT');
    expect(await store.leads.delete(tenantId, ['GONE', 'NEVER-SYNCED'])).toBe(1);
    expect(await store.leads.get(tenantId, 'GONE')).toBeUndefined();
    expect(await store.activities.all(tenantId, 'GONE')).toEqual([]);
    expect(await store.outcomes.ofLead(tenantId, 'GONE')).toEqual([]);
    expect(await store.identity.linkedTo(tenantId, 'KEPT')).toEqual([]);
    expect(await store.leads.idsOfAccount(tenantId, 'acme.com')).toEqual(['KEPT']);
    expect((await store.keysOf(tenantId)).filter((key) => key.includes('GONE'))).toEqual([]);
    expect(await store.activities.count(tenantId, 'KEPT')).toBe(1);
  });

  it('removes activities deleted in the CRM by id, leaving the others', async () => {
    const store = getStore();
    const tenantId = tenant();
    await store.activities.upsertMany(tenantId, [
      makeActivity(tenantId, 'L1', 'A1', '2026-03-01T00:00:00.000Z'),
      makeActivity(tenantId, 'L1', 'A2', '2026-03-02T00:00:00.000Z', 'call', 'no answer'),
      makeActivity(tenantId, 'L1', 'A3', '2026-03-03T00:00:00.000Z'),
    ]);
    expect(await store.activities.remove(tenantId, 'L1', ['A2', 'A3', 'UNKNOWN'])).toBe(2);
    expect((await store.activities.all(tenantId, 'L1')).map((activity) => activity.id)).toEqual(['A1']);
  });

  it('reads history point-in-time through the LeadHistorySource', async () => {
    const store = getStore();
    const tenantId = tenant();
    const data = generateDataset({ leads: 40, seed: 11, tenantId, dirtyShare: 0 });
    await store.leads.upsertMany(tenantId, data.leads);
    await store.activities.upsertMany(tenantId, data.activities);
    await store.outcomes.upsertMany(tenantId, data.outcomes);
    await store.intent.upsertMany(tenantId, data.intent);
    const history = createRedisLeadHistory(store);
    const scanned: string[] = [];
    for await (const batch of history.scanLeads(tenantId, 7)) scanned.push(...batch.map((lead) => lead.id));
    expect(scanned).toEqual(data.leads.map((lead) => lead.id).sort());
    const lead = data.leads[3];
    const cut = Date.parse(lead.createdAt) + 7 * 86_400_000;
    const expected = data.activities
      .filter((activity) => activity.leadId === lead.id && Date.parse(activity.occurredAt) < cut)
      .map((activity) => ({ ...activity, occurredAt: new Date(activity.occurredAt).toISOString() }));
    expect(await history.activitiesBefore(tenantId, lead.id, cut)).toEqual(expected);
    expect(await history.lead(tenantId, lead.id)).toMatchObject({ id: lead.id, email: lead.email });
    const account = lead.accountKey ?? '';
    expect(await history.leadIdsOfAccount(tenantId, account)).toEqual(
      data.leads
        .filter((other) => other.accountKey === account)
        .map((other) => other.id)
        .sort(),
    );
    const domain = data.intent[0].domain;
    const intentCut = Date.parse(data.intent[0].observedAt) + 1;
    expect(
      (await history.intentBefore(tenantId, domain, intentCut)).map((signal) => signal.observedAt),
    ).toEqual(
      data.intent
        .filter((signal) => signal.domain === domain && Date.parse(signal.observedAt) < intentCut)
        .map((signal) => signal.observedAt)
        .sort(),
    );
    const converted = data.outcomes[0];
    expect((await history.outcomes(tenantId, converted.leadId)).map((outcome) => outcome.kind)).toEqual(
      data.outcomes.filter((outcome) => outcome.leadId === converted.leadId).map((outcome) => outcome.kind),
    );
  });

  it('keeps tenants with the same lead ids apart, every key under its own tag', async () => {
    const store = getStore();
    const [one, two] = [tenant(), tenant()];
    await store.leads.upsertMany(one, [makeLead(one, 'SAME', { company: 'One Inc' })]);
    await store.leads.upsertMany(two, [makeLead(two, 'SAME', { company: 'Two Ltd' })]);
    await store.activities.upsertMany(one, [makeActivity(one, 'SAME', 'ACT', '2026-03-01T00:00:00.000Z')]);
    await store.cursors.save(two, { object: 'leads', cursor: 'c-2', updatedAt: '2026-03-01T00:00:00.000Z' });
    await store.cursors.save(one, {
      object: 'contacts',
      cursor: 'c-1',
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    expect((await store.leads.get(one, 'SAME'))?.company).toBe('One Inc');
    expect((await store.leads.get(two, 'SAME'))?.company).toBe('Two Ltd');
    expect(await store.activities.all(two, 'SAME')).toEqual([]);
    expect(await store.cursors.get(one, 'leads')).toBeUndefined();
    await store.leads.delete(one, ['SAME']);
    expect((await store.leads.get(two, 'SAME'))?.company).toBe('Two Ltd');
    for (const [self, other] of [
      [one, two],
      [two, one],
    ]) {
      const keys = await scanAll(`*${self}*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys).toEqual(await store.keysOf(self));
      for (const key of keys) {
        expect(key.startsWith(`ls:{${self}}:`)).toBe(true);
        expect(key.includes(other)).toBe(false);
      }
    }
  });
}
