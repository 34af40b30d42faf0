import { describe, expect, it } from 'vitest';
import {
  calibrationGeometry,
  calibrationMethod,
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
    // Low base rates get axes of their own size, not 0-100%.
    expect([niceShareMax(0), niceShareMax(0.0042), niceShareMax(0.013), niceShareMax(0.021)]).toEqual([
      0.001, 0.005, 0.02, 0.025,
    ]);
    expect([niceLiftMax(0.4), niceLiftMax(3.33), niceLiftMax(4)]).toEqual([1.5, 3.5, 4]);
  });

  it('places calibration points by predicted and observed conversion, sized by examples', () => {
    const geometry = calibrationGeometry(evaluation.calibration?.bins ?? []);
    // Largest value 0.4 (the top of the second bin's range): axes 0-50%. Plot x 46-306 (520 per unit),
    // y 220-14 (412 per unit).
    expect(geometry.axisMax).toBe(0.5);
    expect(geometry.plot).toEqual({ x0: 46, x1: 306, y0: 220, y1: 14 });
    expect(geometry.points).toEqual([
      { bin: 0, cx: 56.4, cy: 178.8, r: 8 },
      { bin: 1, cx: 120.88, cy: 137.6, r: 8 },
    ]);
    expect(geometry.path).toBe('M56.4 178.8 L120.88 137.6');
    expect(geometry.ranges).toEqual([
      { bin: 0, x1: 56.4, x2: 56.4, y: 178.8 },
      { bin: 1, x1: 77.2, x2: 254, y: 137.6 },
    ]);
    expect(geometry.diagonal).toEqual({ x1: 46, y1: 220, x2: 306, y2: 14 });
    expect(geometry.ticks.map((tick) => tick.label)).toEqual(['0%', '25%', '50%']);
  });

  it('scales both axes to a low base rate', () => {
    // Ten equal-count bins of a window converting at about 1.3%: the largest value is 4.1%, so both
    // axes run 0-5% (5,200 per unit across, 4,120 per unit up) rather than 0-100%.
    const bins = Array.from({ length: 10 }, (_, bin) => ({
      from: 0.001 + bin * 0.003,
      to: 0.003 + bin * 0.003,
      examples: 100,
      weight: 100,
      positives: bin < 8 ? 1 : 3,
      predicted: 0.002 + bin * 0.003,
      observed: bin < 8 ? 0.01 : 0.03,
    }));
    bins[9] = { ...bins[9], to: 0.041 };
    const geometry = calibrationGeometry(bins);
    expect(geometry.axisMax).toBe(0.05);
    expect(geometry.ticks.map((tick) => tick.label)).toEqual(['0%', '2.5%', '5%']);
    expect(geometry.points).toHaveLength(10);
    expect(geometry.points[0]).toEqual({ bin: 0, cx: 56.4, cy: 178.8, r: 8 });
    expect(geometry.points[9]).toEqual({ bin: 9, cx: 196.8, cy: 96.4, r: 8 });
    expect(geometry.ranges[9]).toEqual({ bin: 9, x1: 191.6, x2: 259.2, y: 96.4 });
    // Nothing predicted or converted: the axes still have a size.
    const flat = calibrationGeometry([
      { ...bins[0], from: 0, to: 0, predicted: 0, observed: 0, positives: 0 },
    ]);
    expect(flat.axisMax).toBe(0.001);
    expect(flat.ticks.map((tick) => tick.label)).toEqual(['0%', '0.05%', '0.1%']);
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
      'Calibration plot of smb-v2: observed against predicted conversion in 2 equal-count bins of predicted probability on 20 test examples, calibration error 0.068',
    );
    expect(calibrationSummary(evaluation)).toEqual([
      'Predicted 2% (10 examples): 2% predicted on average, 10% converted.',
      'Predicted 6% to 40% (10 examples): 14% predicted on average, 20% converted.',
    ]);
    const low = {
      ...evaluation,
      calibration: {
        bins: [
          { from: 0.0012, to: 0.0049, examples: 1, weight: 1, positives: 0, predicted: 0.00314, observed: 0 },
        ],
        error: 0.00314,
        probabilities: 'score-scale' as const,
      },
    };
    expect(calibrationName(low)).toContain('in 1 equal-count bin of predicted probability');
    expect(calibrationSummary(low)).toEqual([
      'Predicted 0.12% to 0.49% (1 example): 0.31% predicted on average, 0% converted.',
    ]);
    expect(calibrationMethod(evaluation)).not.toContain('approximate');
    expect(calibrationMethod(low)).toContain('read back from the scores and are approximate; retrain');
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
