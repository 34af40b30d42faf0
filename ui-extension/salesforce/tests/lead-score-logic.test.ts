import { describe, expect, it } from 'vitest';
import { FIELDS, PANEL_OBJECTS } from '../force-app/main/default/lwc/leadScoreFields/leadScoreFields.js';
import {
  errorText,
  formatModel,
  formatProbability,
  formatScoredAt,
  LeadScorePanelError,
  mapRecord,
  parseDetail,
  parseFactorText,
  recordFieldsFor,
  type ScoreDetail,
  scoreRows,
  signedPoints,
  sparkline,
  type UiRecord,
} from '../force-app/main/default/lwc/leadScoreLogic/leadScoreLogic.js';

const lead = FIELDS.Lead;

function uiRecord(values: Partial<Record<keyof typeof lead, unknown>>): UiRecord {
  const fields: NonNullable<UiRecord['fields']> = {};
  for (const [key, value] of Object.entries(values)) {
    fields[lead[key as keyof typeof lead]] = { value, displayValue: null };
  }
  return { fields };
}

/** The API's LeadRecord as the Apex class passes it on. */
function apiRecord(overrides: Record<string, unknown> = {}) {
  return {
    leadId: '00Q000000000001AAA',
    crmId: '00Q000000000001AAA',
    score: 73,
    tier: 'hot',
    probability: 0.124,
    segment: { id: 'smb', name: 'SMB', hotThreshold: 70, warmThreshold: 40 },
    baseline: 31,
    factors: [
      {
        featureId: 'pricing_views_30d',
        label: '3 pricing-page views in the last 30 days',
        points: 18,
        text: '+18 · 3',
      },
      { featureId: 'title_seniority', label: 'Title: VP of Sales', points: 12, text: '+12 · VP' },
      { featureId: 'days_since_activity', label: '21 days since last activity', points: -4, text: '-4 · 21' },
    ],
    other: { points: 16, text: '+16 · Other factors' },
    recommendation: 'Call today: three pricing-page views this week.',
    history: [
      { at: '2026-11-20T10:00:00.000Z', score: 41, modelVersion: 'v3' },
      { at: '2026-11-10T10:00:00.000Z', score: 20, modelVersion: 'v3' },
      { at: '2026-11-30T10:00:00.000Z', score: 73, modelVersion: 'v4' },
    ],
    model: { version: 'v4', source: 'model', trainedAt: '2026-11-27T00:00:00.000Z', ageDays: 3 },
    dataSufficiency: null,
    holdout: false,
    scoredAt: '2026-11-30T10:00:00.000Z',
    ...overrides,
  };
}

function detailOf(overrides: Record<string, unknown> = {}): ScoreDetail {
  const answer = parseDetail(JSON.stringify({ status: 'scored', record: apiRecord(overrides) }));
  if (answer.status !== 'scored') throw new Error('expected a scored answer');
  return answer.detail;
}

describe('the record fields the component reads', () => {
  it('asks for every manifest field of the object, namespaced and object-qualified', () => {
    const names = recordFieldsFor(FIELDS, 'Contact');
    expect(names).toHaveLength(12);
    expect(names).toContain('Contact.leadscore__LeadScore_Score__c');
    expect(names).toContain('Contact.leadscore__LeadScore_Factor_5__c');
    expect(PANEL_OBJECTS).toEqual(['Lead', 'Contact']);
  });

  it('refuses an object the panel is not for, saying where it belongs', () => {
    expect(() => recordFieldsFor(FIELDS, 'Account')).toThrow(
      /LeadScore shows on Lead and Contact records, not on Account/,
    );
  });

  it('maps a scored lead: tier label, factors split into points and label, probability', () => {
    const view = mapRecord(
      FIELDS,
      'Lead',
      uiRecord({
        score: 73,
        tier: 'Hot',
        factor1: '+18 · 3 pricing-page views in the last 30 days',
        factor2: '-4 · 21 days since last activity',
        factor3: '',
        factor4: null,
        factor5: 'Manually entered note',
        modelVersion: 'v4',
        scoredAt: '2026-11-30T10:00:00.000Z',
        nurture: false,
        probability: 0.124,
        recommendation: 'Call today.',
      }),
    );
    expect(view).toEqual({
      state: 'scored',
      score: 73,
      tier: 'Hot',
      factors: [
        {
          points: 18,
          label: '3 pricing-page views in the last 30 days',
          text: '+18 · 3 pricing-page views in the last 30 days',
        },
        { points: -4, label: '21 days since last activity', text: '-4 · 21 days since last activity' },
        { points: null, label: 'Manually entered note', text: 'Manually entered note' },
      ],
      modelVersion: 'v4',
      scoredAt: '2026-11-30T10:00:00.000Z',
      nurture: false,
      probability: 0.124,
      recommendation: 'Call today.',
    });
  });

  it('tells a record without a score from one whose score the user may not read', () => {
    expect(mapRecord(FIELDS, 'Lead', uiRecord({ score: null, tier: null }))).toEqual({ state: 'notScored' });
    expect(mapRecord(FIELDS, 'Lead', uiRecord({ tier: 'Hot' }))).toEqual({ state: 'noAccess' });
    expect(mapRecord(FIELDS, 'Lead', undefined)).toEqual({ state: 'noAccess' });
  });

  it('parses a factor text with a zero and with a label that itself holds a middle dot', () => {
    expect(parseFactorText('0 · Industry: Retail · Online')).toEqual({
      points: 0,
      label: 'Industry: Retail · Online',
      text: '0 · Industry: Retail · Online',
    });
  });
});

describe('the detail from LeadScore', () => {
  it('keeps the API answer the panel shows: baseline, factors, other, history, model, cold start', () => {
    const detail = detailOf({
      model: { version: 'rules-1', source: 'rules', trainedAt: null, ageDays: null },
      dataSufficiency: {
        mode: 'rules',
        labelledLeads: 120,
        convertingLeads: 4,
        minLabelledLeads: 1000,
        minConvertingLeads: 50,
        text: 'Scored by rules until 1,000 labelled leads and 50 conversions.',
        countedAt: '2026-11-29T00:00:00.000Z',
      },
    });
    expect(detail.score).toBe(73);
    expect(detail.tier).toBe('Hot');
    expect(detail.factors.map((factor) => factor.points)).toEqual([18, 12, -4]);
    expect(detail.otherPoints).toBe(16);
    expect(detail.model).toEqual({ version: 'rules-1', source: 'rules', ageDays: null });
    expect(detail.coldStart).toBe('Scored by rules until 1,000 labelled leads and 50 conversions.');
    expect(detail.segmentName).toBe('SMB');
  });

  it('passes on a not-yet-scored answer and refuses answers it cannot show', () => {
    expect(parseDetail('{"status":"notScored","message":"Not scored yet."}')).toEqual({
      status: 'notScored',
      message: 'Not scored yet.',
    });
    expect(() => parseDetail('<html>')).toThrow(LeadScorePanelError);
    expect(() => parseDetail('{"status":"scored","record":{"score":"high"}}')).toThrow(
      'LeadScore answered without a score',
    );
    expect(() => parseDetail('{"status":"later"}')).toThrow('unknown status later');
  });
});

describe('why this score', () => {
  it('lists Baseline, the factors, Other factors and Score, and the rows above Score add up to it', () => {
    const { rows, sum, addsUp } = scoreRows(detailOf());
    expect(rows.map((row) => [row.label, row.display])).toEqual([
      ['Baseline', '31'],
      ['3 pricing-page views in the last 30 days', '+18'],
      ['Title: VP of Sales', '+12'],
      ['21 days since last activity', '-4'],
      ['Other factors', '+16'],
      ['Score', '73'],
    ]);
    expect(sum).toBe(31 + 18 + 12 - 4 + 16);
    expect(addsUp).toBe(true);
    expect(rows.map((row) => row.barPercent)).toEqual([0, 100, 67, 22, 89, 0]);
    expect(rows.map((row) => row.direction)).toEqual(['neutral', 'up', 'up', 'down', 'up', 'neutral']);
  });

  it('says when the parts do not add up to the score', () => {
    const { sum, addsUp } = scoreRows(detailOf({ baseline: 30 }));
    expect(sum).toBe(72);
    expect(addsUp).toBe(false);
  });

  it('signs points with an ASCII hyphen-minus and leaves zero unsigned', () => {
    expect([signedPoints(5), signedPoints(-5), signedPoints(0)]).toEqual(['+5', '-5', '0']);
    expect(() => signedPoints(1.5)).toThrow('must be a whole number');
  });
});

describe('the history sparkline', () => {
  it('draws the scores oldest first in the box, 100 at the top and 0 at the bottom', () => {
    const line = sparkline(detailOf().history, { width: 108, height: 108, padding: 4 });
    expect(line?.points).toBe('4,84 54,63 104,31');
    expect(line?.last).toEqual({ x: 104, y: 31 });
    expect(line?.label).toBe('Score history: from 20 on 2026-11-10 to 73 on 2026-11-30, 3 scores');
  });

  it('centres a single score and draws nothing without history', () => {
    const line = sparkline([{ at: '2026-11-30T10:00:00.000Z', score: 100 }], {
      width: 100,
      height: 50,
      padding: 5,
    });
    expect(line?.points).toBe('50,5');
    expect(line?.label).toBe('Score history: 100 on 2026-11-30');
    expect(sparkline([])).toBeNull();
  });
});

describe('text on the panel', () => {
  it('formats the probability, the model line and when the score was computed', () => {
    expect(formatProbability(0.124)).toBe('12% likely to convert');
    expect(formatProbability(0.004)).toBe('under 1% likely to convert');
    expect(formatModel({ version: 'v4', source: 'model', ageDays: 3 })).toBe('Model v4, trained 3 days ago');
    expect(formatModel({ version: 'v4', source: 'pooled', ageDays: 1 })).toBe(
      'Pooled model v4, trained 1 day ago',
    );
    expect(formatModel({ version: 'v5', source: 'model', ageDays: 0 })).toBe('Model v5, trained today');
    expect(formatModel({ version: 'rules-1', source: 'rules', ageDays: null })).toBe(
      'Scored by transparent rules (rules-1)',
    );
    const now = Date.parse('2026-11-30T12:00:00.000Z');
    expect(formatScoredAt('2026-11-30T11:55:00.000Z', now)).toBe('scored 5 minutes ago');
    expect(formatScoredAt('2026-11-30T10:00:00.000Z', now)).toBe('scored 2 hours ago');
    expect(formatScoredAt('2026-11-27T12:00:00.000Z', now)).toBe('scored 3 days ago');
    expect(formatScoredAt(null, now)).toBe('');
  });

  it('turns errors into what to do: offline, a record read, an Apex message', () => {
    expect(errorText({ status: 0, body: { message: 'Disconnected or Canceled' } }, 'detail').title).toBe(
      'You seem to be offline',
    );
    const record = errorText({ status: 403, body: [{ message: 'No access to field' }] }, 'record');
    expect(record.title).toBe('LeadScore could not read this record');
    expect(record.detail).toContain('No access to field');
    expect(record.detail).toContain('LeadScore User permission set');
    const apex = errorText(
      { status: 500, body: { message: 'LeadScore is not connected to this org yet: ask your admin.' } },
      'detail',
    );
    expect(apex).toEqual({
      title: 'LeadScore details are unavailable',
      detail: 'LeadScore is not connected to this org yet: ask your admin.',
    });
    expect(errorText(new Error('boom'), 'detail').detail).toBe('boom');
  });
});
