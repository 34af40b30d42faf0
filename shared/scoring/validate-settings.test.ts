import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../schemas/settings.ts';
import { segmentOf } from './segment-rules.ts';
import { validateSettings } from './validate-settings.ts';

const lead = (
  employees: number | null,
  extra: { industry?: string; country?: string; leadSource?: string } = {},
) => ({
  employees,
  industry: extra.industry ?? null,
  country: extra.country ?? null,
  leadSource: extra.leadSource ?? null,
});

const catchAll = { id: 'rest', name: 'Everyone else', hotThreshold: 80, warmThreshold: 50 };

function problemsOf(input: unknown) {
  const result = validateSettings(input);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('segments', () => {
  it('puts leads below 200 employees in SMB, from 200 in enterprise, and unknown sizes in the catch-all', () => {
    const settings = defaultSettings();
    expect(segmentOf(settings, lead(0))).toBe('smb');
    expect(segmentOf(settings, lead(199))).toBe('smb');
    expect(segmentOf(settings, lead(200))).toBe('enterprise');
    expect(segmentOf(settings, lead(50_000))).toBe('enterprise');
    expect(segmentOf(settings, lead(null))).toBe('other');
  });

  it('gives defaults with no holdout, tasks on hot, the nurture flag on warm and no routing of already-hot leads', () => {
    const settings = defaultSettings();
    expect(validateSettings(settings)).toEqual({ ok: true, settings });
    expect(settings.routeAlreadyHot).toBe(false);
    expect(settings.segments.map((segment) => [segment.holdoutShare, segment.onHot, segment.onWarm])).toEqual(
      [
        [0, 'task', 'nurture'],
        [0, 'task', 'nurture'],
        [0, 'task', 'nurture'],
      ],
    );
  });

  it('evaluates rules in order and matches lists without regard to case or spaces', () => {
    const settings = validateSettings({
      segments: [
        {
          id: 'ent-software',
          name: 'Enterprise software',
          minEmployees: 200,
          industries: [' Software '],
          hotThreshold: 70,
          warmThreshold: 40,
        },
        { id: 'enterprise', name: 'Enterprise', minEmployees: 200, hotThreshold: 75, warmThreshold: 45 },
        {
          id: 'partners',
          name: 'Partner referrals in Iberia',
          countries: ['Portugal', 'Spain'],
          leadSources: ['Partner'],
          hotThreshold: 60,
          warmThreshold: 30,
        },
        catchAll,
      ],
    });
    if (!settings.ok) throw new Error(JSON.stringify(settings.problems));
    expect(segmentOf(settings.settings, lead(500, { industry: 'SOFTWARE' }))).toBe('ent-software');
    expect(segmentOf(settings.settings, lead(500, { industry: 'Retail' }))).toBe('enterprise');
    expect(segmentOf(settings.settings, lead(20, { country: 'spain', leadSource: 'partner' }))).toBe(
      'partners',
    );
    expect(segmentOf(settings.settings, lead(20, { country: 'Spain', leadSource: 'Web' }))).toBe('rest');
    expect(segmentOf(settings.settings, lead(20, { country: 'Spain' }))).toBe('rest');
  });
});

describe('validateSettings', () => {
  it('names the segment and the field when warm is above hot', () => {
    const settings = defaultSettings();
    settings.segments[1] = { ...settings.segments[1], warmThreshold: 80, hotThreshold: 75 };
    expect(problemsOf(settings)).toEqual([
      {
        segment: 'enterprise',
        field: 'warmThreshold',
        message: 'segment "enterprise": warmThreshold 80 must not be above hotThreshold 75',
      },
    ]);
  });

  it('rejects thresholds outside 0-100 and holdout shares above one half, with the value given', () => {
    const settings = defaultSettings();
    settings.segments[0] = { ...settings.segments[0], hotThreshold: 120, holdoutShare: 0.6 };
    const problems = problemsOf(settings);
    expect(problems).toContainEqual({
      segment: 'smb',
      field: 'hotThreshold',
      message: 'segment "smb": hotThreshold must be between 0 and 100 (got 120)',
    });
    expect(problems).toContainEqual({
      segment: 'smb',
      field: 'holdoutShare',
      message: 'segment "smb": holdoutShare must be at most 0.5 (half the leads) (got 0.6)',
    });
  });

  it('rejects settings whose last segment is not a catch-all instead of adding one', () => {
    const settings = defaultSettings();
    expect(problemsOf({ ...settings, segments: settings.segments.slice(0, 2) })).toEqual([
      {
        segment: 'enterprise',
        field: 'rule',
        message:
          'segment "enterprise": rule must be empty: the last segment is the catch-all that takes every lead no earlier segment matched',
      },
    ]);
  });

  it('rejects an empty rule before the last segment and a duplicate id', () => {
    const problems = problemsOf({
      segments: [catchAll, { ...catchAll, name: 'Again' }],
    });
    expect(problems.map((problem) => [problem.segment, problem.field])).toEqual([
      ['rest', 'id'],
      ['rest', 'rule'],
    ]);
    expect(problems[0].message).toBe('segment "rest": id is also used by segment #1: ids must be unique');
  });

  it('rejects a segment an earlier one makes unreachable', () => {
    const problems = problemsOf({
      segments: [
        { id: 'big', name: 'Big', minEmployees: 100, hotThreshold: 80, warmThreshold: 50 },
        {
          id: 'huge-software',
          name: 'Huge software',
          minEmployees: 1000,
          industries: ['Software'],
          hotThreshold: 80,
          warmThreshold: 50,
        },
        catchAll,
      ],
    });
    expect(problems).toEqual([
      {
        segment: 'huge-software',
        field: 'rule',
        message:
          'segment "huge-software": rule can never match: every lead it matches goes to the earlier segment "big"',
      },
    ]);
  });

  it('rejects employee ranges that overlap on otherwise equal rules', () => {
    const problems = problemsOf({
      segments: [
        { id: 'smb', name: 'SMB', maxEmployees: 250, hotThreshold: 80, warmThreshold: 50 },
        { id: 'enterprise', name: 'Enterprise', minEmployees: 200, hotThreshold: 75, warmThreshold: 45 },
        catchAll,
      ],
    });
    expect(problems).toEqual([
      {
        segment: 'enterprise',
        field: 'minEmployees',
        message:
          'segment "enterprise": minEmployees overlaps the earlier segment "smb" (employees 200+ overlaps 0-249): leads in both go to "smb"',
      },
    ]);
  });

  it('rejects industry lists that overlap on otherwise equal rules, but allows narrow before broad', () => {
    const segment = (id: string, industries: string[]) => ({
      id,
      name: id,
      industries,
      hotThreshold: 80,
      warmThreshold: 50,
    });
    const problems = problemsOf({
      segments: [
        segment('tech', ['Software', 'Fintech']),
        segment('health', ['Health', 'fintech']),
        catchAll,
      ],
    });
    expect(problems.map((problem) => [problem.segment, problem.field])).toEqual([['health', 'industries']]);
    expect(
      validateSettings({
        segments: [
          { ...segment('ent-tech', ['Software']), minEmployees: 200 },
          segment('tech', ['Software', 'Fintech']),
          catchAll,
        ],
      }).ok,
    ).toBe(true);
  });

  it('names tenant-level fields without a segment', () => {
    expect(problemsOf({ ...defaultSettings(), horizonDays: 3, retrainCron: 'weekly' })).toEqual([
      { field: 'horizonDays', message: 'horizonDays must be between 7 and 730 days (got 3)' },
      {
        field: 'retrainCron',
        message: 'retrainCron must be a five-field cron expression such as "0 3 * * 0"',
      },
    ]);
    expect(problemsOf({ ...defaultSettings(), label: 'lost' })[0]).toMatchObject({ field: 'label' });
    expect(problemsOf(null)[0]).toMatchObject({ field: 'settings' });
  });
});
