import { describe, expect, it } from 'vitest';
import type { Activity } from '../../shared/schemas/activity.ts';
import type { IntentSignal } from '../../shared/schemas/intent-signal.ts';
import type { Outcome } from '../../shared/schemas/outcome.ts';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { segmentFor } from '../../shared/scoring/segment-rules.ts';
import { historyFromRecords } from '../../worker/features/in-memory-history.ts';
import { TRAIN } from '../../worker/features/time-split.ts';
import { buildTrainingExamples } from '../../worker/features/training-examples.ts';
import { distinctLeadCounts, rowsOf } from '../../worker/modelling/example-rows.ts';
import { MODEL_MINIMUMS, POOLED_SEGMENT } from '../../worker/modelling/train-tenant.ts';
import { DEMO_TENANTS, generateDemoData, shiftDataset } from './demo-data.ts';

const endMs = Date.parse('2026-12-01T18:30:12.345Z');

/** Every record time, but the activities the generator dates after the end on purpose (a defect). */
function times(data: ReturnType<typeof generateDemoData>['salesforce']): number[] {
  const late = new Set(
    data.dirty.filter((defect) => defect.kind === 'activity_after_end').map((defect) => defect.id),
  );
  return [
    ...data.leads.flatMap((lead) => [Date.parse(lead.createdAt), Date.parse(lead.updatedAt)]),
    ...data.activities
      .filter((activity) => !late.has(activity.id))
      .map((activity) => Date.parse(activity.occurredAt)),
    ...data.outcomes.map((outcome) => Date.parse(outcome.occurredAt)),
    ...data.intent.map((signal) => Date.parse(signal.observedAt)),
  ].filter((ms) => !Number.isNaN(ms));
}

describe('the demo CRM data', () => {
  it('ends at the moment given, nothing after it, and starts 48 months before', () => {
    const data = generateDemoData({ leadsPerCrm: 600, seed: 5, endMs });
    expect(data.salesforce.leads[0]?.tenantId).toBe(DEMO_TENANTS.salesforce);
    expect(data.hubspot.leads[0]?.tenantId).toBe(DEMO_TENANTS.hubspot);
    for (const dataset of [data.salesforce, data.hubspot]) {
      const all = times(dataset);
      expect(Math.max(...all)).toBeLessThanOrEqual(endMs);
      // The newest record is recent: within the last few days (the generator spreads 600 leads thinly).
      expect(endMs - Math.max(...all)).toBeLessThan(10 * 86_400_000);
      expect(Math.min(...all)).toBeGreaterThanOrEqual(data.startMs - 60 * 86_400_000);
    }
    expect(new Date(data.startMs).toISOString().slice(0, 10)).toBe('2022-11-30');
  });

  it('moves every time by the same amount, so the order and gaps of events stay as generated', () => {
    const data = generateDemoData({ leadsPerCrm: 200, seed: 9, endMs });
    const shifted = shiftDataset(data.salesforce, 3_600_000);
    const before = times(data.salesforce);
    const after = times(shifted);
    expect(after).toEqual(before.map((ms) => ms + 3_600_000));
    expect(shifted.leads.map((lead) => lead.id)).toEqual(data.salesforce.leads.map((lead) => lead.id));
  });

  // The reason for 48 months: on 22 (the generator's default) 5,000 leads gave 46 converting leads
  // in the first training window, below the 50 a model needs.
  it('gives 5,000 leads enough labelled and converting leads for a first model', async () => {
    const data = generateDemoData({ leadsPerCrm: 5_000, seed: 2026, endMs });
    const dataset = data.salesforce;
    const tenantId = DEMO_TENANTS.salesforce;
    const history = historyFromRecords({
      leads: dataset.leads,
      activities: dataset.activities as Activity[],
      outcomes: dataset.outcomes as Outcome[],
      intent: dataset.intent as IntentSignal[],
    });
    const settings = defaultSettings();
    const examples = await buildTrainingExamples(history, tenantId, {
      dataEndMs: endMs,
      label: settings.label,
      horizonDays: settings.horizonDays,
    });
    const pooled = distinctLeadCounts(rowsOf(examples, TRAIN));
    expect(pooled.leads).toBeGreaterThanOrEqual(MODEL_MINIMUMS.leads);
    expect(pooled.conversions).toBeGreaterThanOrEqual(MODEL_MINIMUMS.conversions);
    const segmentOf = new Map<string, string>();
    for (const leadId of new Set(examples.leadIds)) {
      const lead = await history.lead(tenantId, leadId);
      segmentOf.set(leadId, lead === undefined ? POOLED_SEGMENT : segmentFor(settings, lead).id);
    }
    const enterprise = distinctLeadCounts(
      rowsOf(examples, TRAIN, (row) => segmentOf.get(examples.leadIds[row] ?? '') === 'enterprise'),
    );
    expect(enterprise.leads).toBeGreaterThanOrEqual(MODEL_MINIMUMS.leads);
    expect(enterprise.conversions).toBeGreaterThanOrEqual(MODEL_MINIMUMS.conversions);
  }, 60_000);
});
