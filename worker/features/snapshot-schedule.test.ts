import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { type Lead, leadSchema } from '../../shared/schemas/lead.ts';
import type { Outcome, OutcomeKind } from '../../shared/schemas/outcome.ts';
import { historyFromRecords } from './in-memory-history.ts';
import {
  DAY_MS,
  leadSnapshots,
  negativeKeepRate,
  parseSnapshotOptions,
  type SnapshotOptionsInput,
  samplingDraw,
} from './snapshot-schedule.ts';
import { GAP, splitByTime, TEST, TRAIN, VALID } from './time-split.ts';
import { buildTrainingExamples } from './training-examples.ts';

const TENANT = 'sf:00D000000000001AAA';
const END_MS = Date.parse('2026-10-31T23:59:59.999Z');

function lead(createdAt: string): Lead {
  return leadSchema.parse({
    id: 'lead-1',
    tenantId: TENANT,
    crmId: 'lead-1',
    objectType: 'Lead',
    email: null,
    firstName: null,
    lastName: null,
    company: null,
    domain: null,
    title: null,
    industry: null,
    employees: null,
    annualRevenue: null,
    country: null,
    leadSource: null,
    status: null,
    createdAt,
    updatedAt: createdAt,
    consentToTracking: false,
    accountKey: null,
  });
}

function outcome(kind: OutcomeKind, occurredAt: string): Outcome {
  return {
    tenantId: TENANT,
    leadId: 'lead-1',
    kind,
    occurredAt,
    amount: kind === 'won' || kind === 'lost' ? 1000 : null,
  };
}

function snapshots(createdAt: string, outcomes: Outcome[], extra: Partial<SnapshotOptionsInput> = {}) {
  const options = parseSnapshotOptions({ dataEndMs: END_MS, ...extra });
  return leadSnapshots(lead(createdAt), outcomes, options).map((snapshot) => [
    new Date(snapshot.atMs).toISOString().slice(0, 10),
    snapshot.label,
  ]);
}

describe('snapshot times and labels', () => {
  it('takes an open lead every 14 days on the tenant grid for 180 days after creation', () => {
    const taken = snapshots('2026-01-01T12:00:00Z', []);
    expect(taken).toHaveLength(13);
    expect(taken[0]).toEqual(['2026-01-12', 0]);
    expect(taken[12]).toEqual(['2026-06-29', 0]);
  });

  it('stops at the conversion and labels the snapshots whose horizon holds it', () => {
    expect(snapshots('2026-01-01T12:00:00Z', [outcome('converted', '2026-03-01T10:00:00Z')])).toEqual([
      ['2026-01-12', 1],
      ['2026-01-26', 1],
      ['2026-02-09', 1],
      ['2026-02-23', 1],
    ]);
    const late = snapshots('2026-01-01T12:00:00Z', [outcome('converted', '2026-05-20T00:00:00Z')]);
    expect(late.map(([, label]) => label)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('keeps a lead open at s when its outcome falls exactly at s', () => {
    expect(snapshots('2026-01-01T12:00:00Z', [outcome('converted', '2026-01-26T00:00:00Z')])).toEqual([
      ['2026-01-12', 1],
      ['2026-01-26', 1],
    ]);
  });

  it('labels nothing positive for a disqualified lead and stops at the disqualification', () => {
    expect(snapshots('2026-01-01T12:00:00Z', [outcome('disqualified', '2026-02-01T00:00:00Z')])).toEqual([
      ['2026-01-12', 0],
      ['2026-01-26', 0],
    ]);
  });

  it('labels a won opportunity within the horizon when the label is "won"', () => {
    const outcomes = [outcome('converted', '2026-03-01T10:00:00Z'), outcome('won', '2026-04-15T00:00:00Z')];
    expect(snapshots('2026-01-01T12:00:00Z', outcomes, { label: 'won' })).toEqual([
      ['2026-01-12', 0],
      ['2026-01-26', 1],
      ['2026-02-09', 1],
      ['2026-02-23', 1],
    ]);
  });

  it('takes no snapshot whose horizon runs past the end of the data', () => {
    expect(snapshots('2026-07-20T00:00:00Z', [])).toEqual([['2026-07-27', 0]]);
    expect(snapshots('2026-08-03T00:00:00Z', [])).toEqual([]);
    expect(snapshots('2026-07-20T00:00:00Z', [], { horizonDays: 30 }).at(-1)).toEqual(['2026-09-21', 0]);
  });

  it('follows the configured interval and lead age', () => {
    const taken = snapshots('2026-01-01T12:00:00Z', [], { intervalDays: 7, maxLeadAgeDays: 30 });
    expect(taken.map(([day]) => day)).toEqual(['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26']);
  });

  it('refuses options outside their range, naming them', () => {
    expect(() => parseSnapshotOptions({ dataEndMs: END_MS, horizonDays: 3 })).toThrow(/horizonDays/);
    expect(() => parseSnapshotOptions({ dataEndMs: END_MS, intervalDays: 0 })).toThrow(/intervalDays/);
  });
});

describe('negative sampling above the cap', () => {
  it('keeps every example under the cap and enough negatives to fill it above', () => {
    expect(negativeKeepRate(100, 900, 1000)).toBe(1);
    expect(negativeKeepRate(100, 900, 500)).toBeCloseTo(400 / 900, 12);
  });

  it('draws the same number for the same lead and time, uniformly over leads', () => {
    expect(samplingDraw(7, 'lead-1', 1000)).toBe(samplingDraw(7, 'lead-1', 1000));
    expect(samplingDraw(7, 'lead-1', 1000)).not.toBe(samplingDraw(8, 'lead-1', 1000));
    let below = 0;
    for (let i = 0; i < 20_000; i += 1) if (samplingDraw(1, `lead-${i}`, 1_700_000_000_000) < 0.3) below += 1;
    expect(below / 20_000).toBeGreaterThan(0.29);
    expect(below / 20_000).toBeLessThan(0.31);
  });

  it('samples negatives down with weights 1 / keep rate, the same way every run', async () => {
    const dataset = generateDataset({ leads: 600, seed: 4, conversionRate: 0.1 });
    const history = historyFromRecords(dataset);
    const tenantId = dataset.leads[0].tenantId;
    const all = await buildTrainingExamples(history, tenantId, { dataEndMs: END_MS });
    const cap = Math.round(all.numRows / 4);
    const capped = await buildTrainingExamples(history, tenantId, { dataEndMs: END_MS, maxExamples: cap });
    const again = await buildTrainingExamples(history, tenantId, { dataEndMs: END_MS, maxExamples: cap });
    const positives = all.labels.reduce((sum, label) => sum + label, 0);
    expect(positives).toBeGreaterThan(50);
    expect(capped.labels.reduce((sum, label) => sum + label, 0)).toBe(positives);
    const rate = capped.candidates.negativeKeepRate;
    expect(rate).toBeCloseTo((cap - positives) / (all.numRows - positives), 12);
    expect(Math.abs(capped.numRows - cap) / cap).toBeLessThan(0.1);
    let negativeWeight = 0;
    capped.labels.forEach((label, row) => {
      expect(capped.weights[row]).toBe(label === 1 ? 1 : 1 / rate);
      if (label === 0) negativeWeight += capped.weights[row];
    });
    expect(Math.abs(negativeWeight - (all.numRows - positives)) / (all.numRows - positives)).toBeLessThan(
      0.1,
    );
    expect(again.leadIds).toEqual(capped.leadIds);
    expect(Array.from(all.weights).every((weight) => weight === 1)).toBe(true);
  });
});

describe('time split', () => {
  it('puts the newest snapshots in test, the next in validation and the oldest in train, a horizon apart', () => {
    const start = Date.UTC(2026, 0, 5);
    const times: number[] = [];
    for (let k = 0; k < 10; k += 1)
      for (let row = 0; row < 100; row += 1) times.push(start + k * 14 * DAY_MS);
    const split = splitByTime(times, 28 * DAY_MS, 0.15, 0.15);
    expect(split.testStartMs).toBe(start + 8 * 14 * DAY_MS);
    expect(split.validStartMs).toBe(start + 5 * 14 * DAY_MS);
    expect(split.counts).toEqual({ train: 400, valid: 200, test: 200, gap: 200 });
    const partOfTime = (k: number) => split.parts[k * 100];
    expect([...Array(10).keys()].map(partOfTime)).toEqual([
      TRAIN,
      TRAIN,
      TRAIN,
      TRAIN,
      GAP,
      VALID,
      VALID,
      GAP,
      TEST,
      TEST,
    ]);
  });
});
