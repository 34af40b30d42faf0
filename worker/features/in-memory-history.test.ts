import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { canonicalLead, historyFromRecords } from './in-memory-history.ts';

const dataset = generateDataset({ leads: 400, seed: 9, dirtyShare: 0.1 });
const history = historyFromRecords(dataset);
const tenantId = dataset.leads[0].tenantId;

describe('the in-memory lead history', () => {
  it('scans every valid lead in batches, in generator order', async () => {
    const batches: number[] = [];
    const ids: string[] = [];
    for await (const batch of history.scanLeads(tenantId, 150)) {
      batches.push(batch.length);
      for (const lead of batch) ids.push(lead.id);
    }
    const valid = dataset.leads.filter((lead) => canonicalLead(lead) !== undefined);
    expect(valid.length).toBeGreaterThan(380);
    expect(ids).toEqual(valid.map((lead) => lead.id));
    expect(batches.slice(0, 2)).toEqual([150, 150]);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(valid.length);
  });

  it('returns activities strictly before the time asked, oldest first', async () => {
    const busy = dataset.activities.find((activity) => activity.type === 'pricing_page_view')!;
    const at = Date.parse(busy.occurredAt);
    const before = await history.activitiesBefore(tenantId, busy.leadId, at);
    const upTo = await history.activitiesBefore(tenantId, busy.leadId, at + 1);
    expect(before.every((activity) => Date.parse(activity.occurredAt) < at)).toBe(true);
    expect(upTo.map((activity) => activity.id)).toContain(busy.id);
    expect(before.map((activity) => activity.id)).not.toContain(busy.id);
    const times = upTo.map((activity) => Date.parse(activity.occurredAt));
    expect(times).toEqual([...times].sort((left, right) => left - right));
  });

  it('answers account members, outcomes and intent by the records given', async () => {
    const account = dataset.accounts.find(
      (candidate) => dataset.leads.filter((lead) => lead.accountKey === candidate.key).length >= 3,
    )!;
    const members = dataset.leads.filter((lead) => lead.accountKey === account.key).map((lead) => lead.id);
    const valid = members.filter((id) => canonicalLead(dataset.leads.find((lead) => lead.id === id)!));
    expect(await history.leadIdsOfAccount(tenantId, account.key)).toEqual(valid);
    const withOutcome = dataset.outcomes[0];
    expect((await history.outcomes(tenantId, withOutcome.leadId)).length).toBe(
      dataset.outcomes.filter((outcome) => outcome.leadId === withOutcome.leadId).length,
    );
    const signal = dataset.intent[0];
    const cut = Date.parse(signal.observedAt);
    expect(await history.intentBefore(tenantId, signal.domain, cut)).not.toContainEqual(signal);
    expect(await history.intentBefore(tenantId, signal.domain, cut + 1)).toContainEqual(signal);
    expect(await history.lead(tenantId, 'no-such-lead')).toBeUndefined();
  });

  it('stores dirty generator leads as the sync would: text in numbers unknown, missing keys null', () => {
    const textEmployees = dataset.dirty.find((dirty) => dirty.kind === 'text_in_employees')!;
    const raw = dataset.leads.find((lead) => lead.id === textEmployees.leadId)!;
    expect(typeof raw.employees).toBe('string');
    expect(canonicalLead(raw)?.employees).toBeNull();
    const missing = dataset.dirty.find((dirty) => dirty.kind === 'missing_required_fields')!;
    const lead = canonicalLead(dataset.leads.find((candidate) => candidate.id === missing.leadId)!);
    expect(lead).toMatchObject({ email: null, company: null });
    const backwards = dataset.dirty.find((dirty) => dirty.kind === 'updated_before_created')!;
    const repaired = canonicalLead(dataset.leads.find((candidate) => candidate.id === backwards.leadId)!);
    expect(repaired?.updatedAt).toBe(repaired?.createdAt);
  });
});
