import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../../../shared/schemas/settings.ts';
import { validateSettings } from '../../../../shared/scoring/validate-settings.ts';
import { PanelApiError } from '../api/client.ts';
import { auditRows, changeText } from './audit-trail.ts';
import { pathOf, previewChartGeometry } from './preview-chart.ts';
import {
  addSegment,
  draftOf,
  idFromName,
  listOf,
  moveSegment,
  removeSegment,
  settingsOfDraft,
  updateSegment,
} from './settings-draft.ts';
import { formFieldOf, mapProblems, problemsOf } from './settings-problems.ts';
import {
  createDebouncer,
  createLatestGate,
  curveOf,
  type PreviewSegment,
  previewCandidate,
  previewSummary,
  sweepRequests,
  thresholdOf,
} from './threshold-preview.ts';
import { saveStateOfError } from './use-settings.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('the settings draft', () => {
  it('gives back the settings it was made from, unchanged', () => {
    const settings = { ...defaultSettings(), horizonDays: 60 };
    settings.segments[0] = { ...settings.segments[0], industries: ['Software', 'SaaS'], holdoutShare: 0.125 };
    const draft = draftOf(settings);
    expect(draft.segments[0]?.industries).toBe('Software, SaaS');
    expect(draft.segments[0]?.holdoutPercent).toBe('12.5');
    expect(settingsOfDraft(draft)).toEqual(settings);
    const checked = validateSettings(settingsOfDraft(draft));
    expect(checked.ok).toBe(true);
  });

  it('adds a segment before the catch-all with a unique id that follows its name until edited', () => {
    const draft = addSegment(draftOf(defaultSettings()));
    expect(draft.segments.map((segment) => segment.id)).toEqual([
      'smb',
      'enterprise',
      'new-segment-4',
      'other',
    ]);
    const added = draft.segments[2];
    expect(added?.savedId).toBeNull();
    const renamed = updateSegment(draft, added?.key ?? '', { name: 'Mid market (EMEA)' });
    expect(renamed.segments[2]?.id).toBe('mid-market-emea');
    // The name of another segment taken as an id gets a suffix.
    const clash = updateSegment(renamed, added?.key ?? '', { name: 'SMB' });
    expect(clash.segments[2]?.id).toBe('smb-2');
    const typed = updateSegment(clash, added?.key ?? '', { id: 'mid' });
    expect(updateSegment(typed, added?.key ?? '', { name: 'Anything' }).segments[2]?.id).toBe('mid');
    // A saved segment keeps its id when renamed.
    expect(updateSegment(draft, 's0', { name: 'Small business' }).segments[0]?.id).toBe('smb');
  });

  it('removes and moves segments by key', () => {
    const draft = draftOf(defaultSettings());
    expect(removeSegment(draft, 's1').segments.map((segment) => segment.id)).toEqual(['smb', 'other']);
    expect(moveSegment(draft, 's2', -1).segments.map((segment) => segment.id)).toEqual([
      'smb',
      'other',
      'enterprise',
    ]);
    expect(moveSegment(draft, 's0', -1)).toBe(draft);
  });

  it('sends what was typed, so the server can name what is wrong', () => {
    const draft = draftOf(defaultSettings());
    const edited = updateSegment(draft, 's0', {
      hotThreshold: '',
      maxEmployees: 'lots',
      countries: ' DE, , FR ,',
    });
    const sent = settingsOfDraft(edited).segments as Record<string, unknown>[];
    expect(sent[0]).toMatchObject({ hotThreshold: null, maxEmployees: 'lots', countries: ['DE', 'FR'] });
    expect(listOf(' a ,b,, ')).toEqual(['a', 'b']);
    expect(idFromName('  Ünïcode & Co. ')).toBe('unicode-co');
  });
});

describe('validation problems from the API', () => {
  const draft = addSegment(draftOf(defaultSettings()));

  it('maps each server field to the form field that shows it', () => {
    expect(formFieldOf('settings.segments[smb].warmThreshold', draft.segments)).toBe(
      'segment:s0:warmThreshold',
    );
    expect(formFieldOf('settings.segments[#3].industries.0', draft.segments)).toBe('segment:s3:industries');
    expect(formFieldOf('settings.segments[other].holdoutShare', draft.segments)).toBe(
      'segment:s2:holdoutPercent',
    );
    expect(formFieldOf('settings.segments[enterprise].rule', draft.segments)).toBe('segment:s1:rule');
    expect(formFieldOf('settings.horizonDays', draft.segments)).toBe('tenant:horizonDays');
    expect(formFieldOf('settings.segments', draft.segments)).toBeUndefined();
    expect(formFieldOf('body.expectedVersion', draft.segments)).toBeUndefined();
    expect(formFieldOf('settings.segments[gone].name', draft.segments)).toBeUndefined();
  });

  it("places the shared validator's problems on their fields, every message in the alert list", () => {
    const bad = updateSegment(updateSegment(draft, 's0', { warmThreshold: '90' }), 's3', {
      minEmployees: '10',
    });
    const sent = settingsOfDraft({ ...bad, horizonDays: '3' });
    const checked = validateSettings(sent);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    // As the settings route words them (settings.segments[<segment>].<field>, settings.<field>).
    const details = checked.problems.map((problem) => ({
      field:
        problem.segment === undefined
          ? `settings.${problem.field}`
          : `settings.segments[${problem.segment}].${problem.field}`,
      message: problem.message,
    }));
    const mapped = mapProblems(problemsOf(details), bad.segments);
    expect(mapped.byField.get('segment:s0:warmThreshold')).toEqual([
      'segment "smb": warmThreshold 90 must not be above hotThreshold 80',
    ]);
    expect(mapped.byField.get('tenant:horizonDays')?.[0]).toContain('must be between 7 and 730 days');
    expect(mapped.all).toHaveLength(details.length);
  });

  it('turns a 400 into field problems, a 409 into a conflict, anything else into a failure', () => {
    const invalid = saveStateOfError(
      new PanelApiError({
        status: 400,
        code: 'invalid_request',
        message: 'the settings are not valid',
        details: [{ field: 'settings.segments[smb].name', message: 'segment "smb": name is empty' }],
      }),
      draft,
    );
    expect(invalid.status === 'invalid' && invalid.problems.byField.get('segment:s0:name')).toEqual([
      'segment "smb": name is empty',
    ]);
    const conflict = saveStateOfError(
      new PanelApiError({ status: 409, code: 'conflict', message: 'the settings changed since version 3' }),
      draft,
    );
    expect(conflict).toEqual({ status: 'conflict', message: 'the settings changed since version 3' });
    const failed = saveStateOfError(
      new PanelApiError({
        status: 503,
        code: 'unavailable',
        message: 'the store is unreachable',
        requestId: 'r-1',
      }),
      draft,
    );
    expect(failed).toEqual({ status: 'failed', message: 'the store is unreachable', requestId: 'r-1' });
  });
});

const previewOf = (hot: number, warm: number, precision: number | null): PreviewSegment => ({
  segmentId: 'smb',
  modelVersion: 'smb-v3',
  servedBy: 'segment',
  window: {
    from: '2026-06-01T00:00:00.000Z',
    to: '2026-08-24T00:00:00.000Z',
    weeks: 14,
    examples: 1234,
    leads: 900,
    positives: 80,
  },
  hot: { threshold: hot, leadsPerWeek: 12.345, precision, recall: 0.61, examplesAbove: 173 },
  warm: { threshold: warm, leadsPerWeek: 40, precision: 0.12, recall: 0.9, examplesAbove: 560 },
  note: null,
});

describe('the threshold preview', () => {
  it('asks only for whole thresholds from 0 to 100 with warm at most hot, on saved segments', () => {
    expect([
      thresholdOf('80'),
      thresholdOf(' 0 '),
      thresholdOf('101'),
      thresholdOf('7.5'),
      thresholdOf(''),
    ]).toEqual([80, 0, undefined, undefined, undefined]);
    const draft = addSegment(draftOf(defaultSettings()));
    const smb = draft.segments[0];
    expect(smb === undefined ? undefined : previewCandidate(smb)).toEqual({
      kind: 'ready',
      request: { segments: [{ segmentId: 'smb', hotThreshold: 80, warmThreshold: 50 }] },
      hot: 80,
      warm: 50,
    });
    const warmAbove = updateSegment(draft, 's0', { warmThreshold: '85' }).segments[0];
    expect(warmAbove === undefined ? undefined : previewCandidate(warmAbove).kind).toBe('blocked');
    const added = draft.segments[2];
    expect(added === undefined ? '' : JSON.stringify(previewCandidate(added))).toContain(
      'Save the new segment',
    );
  });

  it('sweeps every tenth threshold in six calls of hot/warm pairs', () => {
    const requests = sweepRequests(['smb', 'enterprise']);
    expect(
      requests.map((request) => [request.segments[0]?.hotThreshold, request.segments[0]?.warmThreshold]),
    ).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
      [70, 30],
      [60, 40],
      [50, 50],
    ]);
    expect(requests.every((request) => request.segments.length === 2)).toBe(true);
    expect(sweepRequests([])).toEqual([]);
  });

  it('merges answers into one point per threshold, newest last, in threshold order', () => {
    const curve = curveOf(
      [
        { segments: [previewOf(90, 10, 0.5)] },
        { segments: [previewOf(80, 20, 0.4), { ...previewOf(70, 30, 0.3), segmentId: 'other' }] },
        { segments: [previewOf(80, 50, 0.45)] },
      ],
      'smb',
    );
    expect(curve.map((point) => [point.threshold, point.precision])).toEqual([
      [10, 0.12],
      [20, 0.12],
      [50, 0.12],
      [80, 0.45],
      [90, 0.5],
    ]);
  });

  it('says leads per week, precision and recall of the hot threshold being edited', () => {
    expect(previewSummary('SMB', previewOf(80, 50, 0.3449))).toBe(
      'Hot threshold 80 for SMB: 12.3 leads per week, precision 34%, recall 61%. ' +
        'Warm threshold 50: 40 leads per week, precision 12%, recall 90%. ' +
        'Measured on the test window of model smb-v3 (1,234 examples, 900 leads over 14 weeks).',
    );
    expect(
      previewSummary('SMB', {
        ...previewOf(80, 50, null),
        hot: null,
        note: 'no model yet: the segment is scored by the rules',
      }),
    ).toBe('No preview for SMB: no model yet: the segment is scored by the rules.');
  });

  it('runs only the last of quick calls, 250 ms after it', () => {
    vi.useFakeTimers();
    const runs: number[] = [];
    const debouncer = createDebouncer(250);
    debouncer.schedule(() => runs.push(1));
    vi.advanceTimersByTime(200);
    debouncer.schedule(() => runs.push(2));
    vi.advanceTimersByTime(249);
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual([2]);
    debouncer.schedule(() => runs.push(3));
    debouncer.cancel();
    vi.advanceTimersByTime(1000);
    expect(runs).toEqual([2]);
  });

  it('applies only the newest answer', () => {
    const gate = createLatestGate();
    const first = gate.ticket();
    const second = gate.ticket();
    expect([gate.isLatest(first), gate.isLatest(second)]).toEqual([false, true]);
  });

  it('lays the chart out on known coordinates', () => {
    const geometry = previewChartGeometry(
      [
        { threshold: 0, leadsPerWeek: 100, precision: 0.1, recall: 1 },
        { threshold: 50, leadsPerWeek: 50, precision: 0.5, recall: null },
        { threshold: 100, leadsPerWeek: 0, precision: null, recall: 0 },
      ],
      50,
      20,
    );
    // Plot from x 40 to 316, y 150 (0) to 12 (100%).
    expect(geometry.plot).toEqual({ x0: 40, x1: 316, y0: 150, y1: 12 });
    expect(geometry.hotX).toBe(178);
    expect(geometry.warmX).toBe(95.2);
    expect(geometry.precisionPath).toBe('M40 136.2 L178 81');
    expect(geometry.recallPath).toBe('M40 12 M316 150');
    expect(geometry.bars.map((bar) => [bar.y, bar.height])).toEqual([
      [12, 138],
      [81, 69],
      [150, 0],
    ]);
    expect(geometry.maxLeadsPerWeek).toBe(100);
    expect(
      pathOf([
        { x: 1, y: 2 },
        { x: 3, y: null },
        { x: 5, y: 6 },
        { x: 7, y: 8 },
      ]),
    ).toBe('M1 2 M5 6 L7 8');
  });
});

describe('the audit trail', () => {
  it('says who changed what and when, old value to new', () => {
    expect(changeText({ path: 'segments.smb.hotThreshold', from: 80, to: 85 })).toBe(
      'segments.smb.hotThreshold: 80 → 85',
    );
    expect(changeText({ path: 'segments.mid', to: { id: 'mid', name: 'Mid-market' } })).toBe(
      'segments.mid: added segment "Mid-market"',
    );
    expect(changeText({ path: 'segments.order', from: ['a', 'b'], to: ['b', 'a'] })).toBe(
      'segments.order: "a", "b" → "b", "a"',
    );
    const rows = auditRows({
      entries: [
        {
          version: 4,
          previousVersion: 3,
          userId: '005xx0000012345',
          at: '2026-12-01T18:05:00.000Z',
          changes: [],
        },
      ],
    });
    expect(rows).toEqual([
      {
        key: '4-2026-12-01T18:05:00.000Z',
        who: '005xx0000012345',
        when: '1 Dec 2026, 18:05 UTC',
        version: 'Version 4 (from 3)',
        changes: ['no field changed'],
      },
    ]);
  });
});
