import { describe, expect, it } from 'vitest';
import { binaryReport } from './binary-report.ts';
import { createMetric, isImprovement } from './create-metric.ts';
import { atThreshold, brierScore, logLoss } from './probability-metrics.ts';
import { averagePrecision, liftAtTopFraction, rocAuc } from './ranking-metrics.ts';

// Five rows with a tie between a positive and a negative at 0.8.
const labels = [1, 0, 1, 0, 1];
const scores = [0.9, 0.8, 0.8, 0.3, 0.1];

describe('ranking metrics', () => {
  it('counts a tied positive-negative pair as one half in ROC AUC', () => {
    // Pairs (positive, negative): 0.9>0.8, 0.9>0.3, 0.8=0.8 (half), 0.8>0.3, 0.1<0.8, 0.1<0.3 → 3.5 / 6.
    expect(rocAuc(labels, scores)).toBeCloseTo(3.5 / 6, 15);
  });

  it('gives 1 for a perfect ranking, 0 for a reversed one and 0.5 when every score ties', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('weights ROC AUC pairs by the product of row weights', () => {
    // One positive (w=1) at 0.6 beats the negative at 0.5 (w=3), loses to the one at 0.7 (w=2): 3 / 5.
    expect(rocAuc([1, 0, 0], [0.6, 0.7, 0.5], [1, 2, 3])).toBeCloseTo(0.6, 15);
  });

  it('is NaN when a class is missing', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
    expect(averagePrecision([0, 0], [0.2, 0.3])).toBeNaN();
  });

  it('computes average precision step-wise over tied thresholds', () => {
    // Thresholds 0.9, 0.8 (tie), 0.3, 0.1: recall steps of 1/3 at precisions 1, 2/3 and 3/5.
    expect(averagePrecision(labels, scores)).toBeCloseTo(1 / 3 + 2 / 9 + 1 / 5, 15);
    expect(averagePrecision([1, 1, 0], [0.9, 0.8, 0.1])).toBe(1);
  });

  it('computes top-decile lift, sharing a tied group at the cut pro rata', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    const twentyLabels = [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0];
    // Top 2 of 20 rows hold 1 positive (rate 0.5) against 4/20 overall: lift 2.5.
    expect(liftAtTopFraction(twentyLabels, twenty)).toBeCloseTo(2.5, 15);
    // Top row of 10 is a tie between a positive and a negative: half a positive, rate 0.5 vs 0.2.
    const tiedScores = [0.9, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01];
    const tiedLabels = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    expect(liftAtTopFraction(tiedLabels, tiedScores)).toBeCloseTo(2.5, 15);
  });
});

describe('probability metrics', () => {
  it('computes log loss and Brier score as means over rows', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo((-Math.log(0.8) - Math.log(0.6)) / 2, 15);
    expect(brierScore([1, 0], [0.8, 0.4])).toBeCloseTo(0.1, 15);
    expect(logLoss([1, 0], [0.8, 0.4], [3, 1])).toBeCloseTo((-3 * Math.log(0.8) - Math.log(0.6)) / 4, 15);
  });

  it('caps the log loss of a certain wrong prediction at -log(1e-15f), as LightGBM does', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(Math.fround(1e-15)), 12);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(Math.fround(1e-15)), 12);
  });

  it('computes precision and recall at a threshold, calling scores at the threshold positive', () => {
    expect(atThreshold(labels, scores, 0.8)).toEqual({
      truePositive: 2,
      falsePositive: 1,
      trueNegative: 1,
      falseNegative: 1,
      precision: 2 / 3,
      recall: 2 / 3,
    });
    expect(atThreshold(labels, scores, 0.95).precision).toBeNaN();
  });

  it('rejects inputs of different lengths', () => {
    expect(() => logLoss([1, 0], [0.5])).toThrow('metric inputs differ in length: 2 labels but 1 scores');
  });
});

describe('metric factory', () => {
  it('creates metrics by LightGBM name or alias and knows which direction is better', () => {
    const auc = createMetric('auc');
    expect(auc.higherIsBetter).toBe(true);
    expect(auc.evaluate(labels, scores)).toBeCloseTo(3.5 / 6, 15);
    expect(createMetric('logloss').name).toBe('binary_logloss');
    expect(createMetric('binary_logloss').higherIsBetter).toBe(false);
    expect(createMetric('pr_auc').name).toBe('average_precision');
    expect(isImprovement(createMetric('binary_logloss'), 0.3, 0.4)).toBe(true);
    expect(isImprovement(auc, 0.7, 0.8)).toBe(false);
    expect(isImprovement(auc, Number.NaN, 0.8)).toBe(false);
  });

  it('names the known metrics when asked for an unknown one', () => {
    expect(() => createMetric('f1')).toThrow(
      "unknown metric 'f1'; use one of auc, average_precision, binary_logloss, brier, lift_top_decile",
    );
  });

  it('reports every headline metric at once', () => {
    const report = binaryReport([1, 0], [0.8, 0.4]);
    expect(report).toEqual({
      auc: 1,
      prAuc: 1,
      logloss: (-Math.log(0.8) - Math.log(0.6)) / 2,
      brier: report.brier,
      liftTopDecile: 2,
      rows: 2,
      positiveRate: 0.5,
    });
    expect(report.brier).toBeCloseTo(0.1, 15);
  });
});
