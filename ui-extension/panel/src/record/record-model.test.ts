import { describe, expect, it } from 'vitest';
import { historyLabel, pointsDetail, recordModel, scoreRows } from './record-model.ts';
import { leadRecord, NOW_MS, rulesRecord } from './record-test-support.ts';

describe('the record view model', () => {
  it('lists Baseline, the factors in order, Other factors and the Score they add up to', () => {
    const { rows, addsUp } = scoreRows(leadRecord());
    expect(rows.map((row) => [row.label, row.pointsText])).toEqual([
      ['Baseline', '12'],
      ['3 pricing-page views in the last 30 days', '+18'],
      ['1 meeting in the last 90 days', '+9'],
      ['Title seniority: VP', '+6'],
      ['Personal email address', '-4'],
      ['12 days since the last activity', '-2'],
      ['Other factors', '+34'],
      ['Score', '73'],
    ]);
    expect(addsUp).toBe(true);
    const sum = rows.slice(0, -1).reduce((total, row) => total + row.points, 0);
    expect(sum).toBe(73);
  });

  it('scales every bar by the largest signed row, Other factors included', () => {
    const { rows } = scoreRows(leadRecord());
    expect(rows[0]?.bar).toBeNull();
    expect(rows[6]?.bar).toEqual({ x: 50, width: 50, direction: 'positive' });
    expect(rows[1]?.bar?.width).toBe(26.47);
    expect(rows[4]?.bar).toEqual({ x: 44.12, width: 5.88, direction: 'negative' });
    expect(rows[7]?.bar).toBeNull();
  });

  it('says when the rows do not add up to the score, with both numbers', () => {
    const model = recordModel(leadRecord({ score: 75 }), NOW_MS);
    expect(model.addsUp).toBe(false);
    const mismatch = model.notices.find((notice) => notice.kind === 'mismatch');
    expect(mismatch?.text).toContain('sum to 73, not 75');
  });

  it('words each row’s effect', () => {
    expect([18, 1, -1, -4, 0].map(pointsDetail)).toEqual([
      'raises the score by 18 points',
      'raises the score by 1 point',
      'lowers the score by 1 point',
      'lowers the score by 4 points',
      'does not move the score',
    ]);
  });

  it('summarises the score history for its accessible name', () => {
    expect(historyLabel(leadRecord().history)).toBe(
      'Score history: 41 to 73 over 30 days, lowest 41, highest 73',
    );
    expect(historyLabel([{ at: '2026-10-31T12:00:00.000Z', score: 60 }])).toBe(
      'Score history: one score, 60 on 31 Oct 2026',
    );
    expect(historyLabel([])).toBe('Score history: no scores yet');
  });

  it('sorts the history by time before drawing it', () => {
    const record = leadRecord();
    const model = recordModel({ ...record, history: [...record.history].reverse() }, NOW_MS);
    expect(model.history.first).toBe(41);
    expect(model.history.last).toBe(73);
    expect(model.history.path.startsWith('M4 ')).toBe(true);
  });

  it('shows the meter value, tier, model version and age', () => {
    const model = recordModel(leadRecord(), NOW_MS);
    expect(model.valueText).toBe('73 of 100, hot');
    expect(model.tierLabel).toBe('Hot');
    expect(model.modelLine).toBe('model v12, trained 3 days ago');
    expect(model.scoredLine).toBe('Scored 2 hours ago');
    expect(model.segmentText).toBe('Segment Enterprise (hot from 70, warm from 40)');
    expect(model.probabilityText).toBe('Conversion probability 12%');
    expect(model.notices).toEqual([]);
  });

  it('explains the cold-start rules with the counts the model waits for', () => {
    const model = recordModel(rulesRecord(), NOW_MS);
    expect(model.modelLine).toBe('Rules rules-v1, no trained model yet');
    const notice = model.notices.find((candidate) => candidate.kind === 'rules');
    expect(notice?.title).toBe('Scored by transparent rules');
    expect(notice?.text).toContain(
      'The model trains once there are 1,000 labelled leads and 50 converting leads',
    );
    expect(notice?.text).toContain(
      'So far there are 420 labelled leads and 12 converting leads (counted 30 Oct 2026)',
    );
  });

  it('explains the rules before any training counted the leads, and for a model in rules mode', () => {
    const noCounts = recordModel({ ...rulesRecord(), dataSufficiency: null }, NOW_MS);
    expect(noCounts.notices[0]?.text).toContain('1,000 labelled leads and 50 converting leads');
    expect(noCounts.notices[0]?.text).toContain('No training has counted');
    const record = leadRecord();
    const sufficiency = rulesRecord().dataSufficiency;
    const modelInRulesMode = recordModel({ ...record, dataSufficiency: sufficiency }, NOW_MS);
    expect(modelInRulesMode.notices.map((notice) => notice.kind)).toEqual(['rules']);
  });

  it('tells the rep about the holdout and the pooled model', () => {
    const record = leadRecord();
    const model = recordModel(
      { ...record, holdout: true, model: { ...record.model, source: 'pooled', version: 'v7', ageDays: 40 } },
      NOW_MS,
    );
    expect(model.notices.map((notice) => notice.kind)).toEqual(['pooled', 'holdout']);
    expect(model.modelLine).toBe('pooled model v7, trained 5 weeks ago');
  });
});
