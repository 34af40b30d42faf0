import { describe, expect, it } from 'vitest';
import {
  calibrationGeometry,
  calibrationName,
  calibrationSummary,
  liftGeometry,
  liftName,
  liftSummary,
  niceLiftMax,
  niceShareMax,
} from './evaluation-charts.ts';
import { defaultSelection, lagText, rollbackPlan, statusesOf, versionRows } from './health-model.ts';
import { evaluation, histories, models, names } from './health-test-fixtures.ts';
import { dialogKeyAction, planText } from './RollbackDialog.tsx';

describe('the model versions table', () => {
  it('calls the champion Champion, the newest other version Challenger and the rest Retired', () => {
    expect(Object.fromEntries(statusesOf(models))).toEqual({
      'smb-v1': 'Retired',
      'smb-v2': 'Champion',
      'smb-v3': 'Challenger',
      'pooled-v1': 'Champion',
      'enterprise-v1': 'Challenger',
      'gone-v1': 'Challenger',
    });
  });

  it('orders rows by the settings segments, pooled after them, newest first, with readable metrics', () => {
    const rows = versionRows(models, names, histories);
    expect(rows.map((row) => row.id)).toEqual([
      'smb-v3',
      'smb-v2',
      'smb-v1',
      'enterprise-v1',
      'pooled-v1',
      'gone-v1',
    ]);
    expect(rows[0]).toEqual({
      id: 'smb-v3',
      segment: 'smb',
      segmentName: 'SMB',
      status: 'Challenger',
      rocAuc: '0.812',
      prAuc: '0.300',
      calibrationError: '0.021',
      testWindow: '1,234 (80 converted)',
      trainedAt: '15 Sept 2026, 03:00 UTC',
      canRollBack: false,
    });
    // Only an earlier champion can be rolled back to: SMB's v1; never the unpromoted challenger v3.
    expect(rows.map((row) => row.canRollBack)).toEqual([false, false, true, false, false, false]);
    expect(versionRows(models, names).some((row) => row.canRollBack)).toBe(false);
    expect(rows[4]?.segmentName).toBe('All segments (pooled)');
    expect(rows[5]?.segmentName).toBe('gone (no longer in the settings)');
    expect(defaultSelection(rows)).toBe('smb-v2');
  });
});

describe('rolling back', () => {
  const champions = { segment: 'smb', champion: 'smb-v3', earlier: ['smb-v2', 'smb-v1'] };

  it('takes one rollback per earlier champion up to the chosen one', () => {
    expect(rollbackPlan('smb-v2', champions)).toEqual({
      kind: 'steps',
      steps: 1,
      restores: 'smb-v2',
      replaces: 'smb-v3',
      passes: [],
    });
    expect(rollbackPlan('smb-v1', champions)).toEqual({
      kind: 'steps',
      steps: 2,
      restores: 'smb-v1',
      replaces: 'smb-v3',
      passes: ['smb-v2'],
    });
    const request = {
      segment: 'smb',
      segmentName: 'SMB',
      version: 'smb-v1',
      plan: { status: 'ready' as const, plan: rollbackPlan('smb-v1', champions) },
      running: false,
      error: null,
    };
    expect(planText(request)).toBe(
      "smb-v1 becomes the champion of SMB again, replacing smb-v3. This takes 2 rollbacks, one champion at a time: smb-v2 is restored on the way and replaced again. The segment's leads are then rescored with it.",
    );
  });

  it('says why a version that never was champion cannot be restored', () => {
    const plan = rollbackPlan('smb-v4', champions);
    expect(plan.kind).toBe('unreachable');
    expect(plan.kind === 'unreachable' && plan.reason).toContain(
      'never one of this segment’s earlier champions (smb-v2, smb-v1)',
    );
    expect(rollbackPlan('smb-v3', champions)).toEqual({
      kind: 'unreachable',
      reason: 'smb-v3 is already the champion.',
    });
  });

  it('closes on Escape (not while running) and keeps Tab inside the dialog', () => {
    expect(dialogKeyAction('Escape', false, 0, 2, false)).toBe('close');
    expect(dialogKeyAction('Escape', false, 0, 2, true)).toBeNull();
    expect(dialogKeyAction('Tab', false, 1, 2, false)).toBe('focus-first');
    expect(dialogKeyAction('Tab', true, 0, 2, false)).toBe('focus-last');
    expect(dialogKeyAction('Tab', true, -1, 2, false)).toBe('focus-last');
    expect(dialogKeyAction('Tab', false, 0, 2, false)).toBeNull();
    expect(dialogKeyAction('Enter', false, 0, 2, false)).toBeNull();
  });
});

describe('the evaluation charts', () => {
  it('rounds axes up to round numbers', () => {
    expect([niceShareMax(0.03), niceShareMax(0.5), niceShareMax(0.51), niceShareMax(3)]).toEqual([
      0.05, 0.5, 0.75, 1,
    ]);
    expect([niceLiftMax(0.4), niceLiftMax(3.33), niceLiftMax(4)]).toEqual([1.5, 3.5, 4]);
  });

  it('places calibration points by predicted and observed conversion, sized by examples', () => {
    const geometry = calibrationGeometry(evaluation.calibration?.bins ?? []);
    // Largest value 0.5: axes 0-50%. Plot x 46-306, y 220-14.
    expect(geometry.axisMax).toBe(0.5);
    expect(geometry.plot).toEqual({ x0: 46, x1: 306, y0: 220, y1: 14 });
    expect(geometry.points).toEqual([
      { bin: 0, cx: 62.34, cy: 190.57, r: 8 },
      { bin: 1, cx: 98, cy: 117, r: 5.67 },
      { bin: 4, cx: 254, cy: 14, r: 4.89 },
    ]);
    expect(geometry.diagonal).toEqual({ x1: 46, y1: 220, x2: 306, y2: 14 });
    expect(geometry.ticks.map((tick) => tick.label)).toEqual(['0%', '25%', '50%']);
  });

  it('draws lift bars against the base rate line', () => {
    const geometry = liftGeometry(evaluation.lift);
    // Top lift 3.33: axis to 3.5. Plot x 40-310 (27 per decile), y 180-14.
    expect(geometry.axisMax).toBe(3.5);
    expect(geometry.baselineY).toBe(132.57);
    expect(geometry.bars[0]).toEqual({ decile: 1, x: 44.05, y: 21.9, width: 18.9, height: 158.1 });
    expect(geometry.bars[3]?.height).toBe(0);
    expect(geometry.labels[9]?.x).toBe(296.5);
  });

  it('names and summarises both charts in words', () => {
    expect(calibrationName(evaluation)).toBe(
      'Calibration plot of smb-v2: observed against predicted conversion per probability bin on 20 test examples, calibration error 0.068',
    );
    expect(calibrationSummary(evaluation)).toEqual([
      'Predicted 0% to 10% (14 examples): 3.1% predicted on average, 7.1% converted.',
      'Predicted 10% to 20% (4 examples): 10% predicted on average, 25% converted.',
      'Predicted 40% to 50% (2 examples): 40% predicted on average, 50% converted.',
    ]);
    expect(liftName(evaluation)).toBe(
      'Lift by decile of smb-v2: the top tenth by score converts at 3.3× the base rate of 15%',
    );
    expect(liftSummary(evaluation)[0]).toBe(
      'Decile 1 (score 95, 2 examples): 50% converted, 3.3× the base rate.',
    );
    expect(liftSummary(evaluation)[3]).toBe(
      'Decile 4 (score 50, 2 examples): 0% converted, 0× the base rate.',
    );
    expect(
      calibrationSummary({
        ...evaluation,
        calibration: null,
        calibrationNote: 'model version "x-v1" has no score scale',
      }),
    ).toEqual(['model version "x-v1" has no score scale']);
  });
});

describe('sync lag', () => {
  it('reads in the largest sensible units', () => {
    expect([
      lagText(45),
      lagText(60),
      lagText(725),
      lagText(3600),
      lagText(3900),
      lagText(86_400),
      lagText(93_600),
    ]).toEqual([
      '45 seconds',
      '1 minute',
      '12 minutes',
      '1 hour',
      '1 hour 5 minutes',
      '1 day',
      '1 day 2 hours',
    ]);
  });
});
