import { describe, expect, it } from 'vitest';
import { evaluateProbabilities, expectedCalibrationError } from './model-metrics.ts';

describe('model metrics', () => {
  it('computes the expected calibration error over ten equal-width bins, weighted by rows', () => {
    // Bin [0.1, 0.2): mean 0.15, observed 1 of 2 → |0.15 − 0.5| = 0.35, share 2/4.
    // Bin [0.9, 1]: probabilities 0.9 and 1.0 (1 joins the last bin), mean 0.95, observed 1 of 2 → 0.45.
    const labels = [0, 1, 1, 0];
    const probabilities = [0.1, 0.2 - 1e-9, 0.9, 1];
    expect(expectedCalibrationError(labels, probabilities)).toBeCloseTo(0.5 * 0.35 + 0.5 * 0.45, 6);
    // A weight of 3 on the first row: bin [0.1, 0.2) has mean (0.3 + 0.2) / 4 = 0.125, observed 1/4.
    expect(expectedCalibrationError(labels, probabilities, [3, 1, 1, 1])).toBeCloseTo(
      (4 / 6) * 0.125 + (2 / 6) * 0.45,
      6,
    );
    expect(expectedCalibrationError([0, 1], [0.5, 0.5])).toBe(0);
  });

  it('reads precision and recall on probabilities or on the 0-100 score, and keeps undefined numbers null', () => {
    const labels = [1, 0, 1, 0, 0];
    const probabilities = [0.9, 0.7, 0.4, 0.2, 0.1];
    const onProbability = evaluateProbabilities(labels, probabilities, undefined, {
      on: 'probability',
      thresholds: [0.5, 0.95],
    });
    expect(onProbability.atThresholds).toEqual([
      { threshold: 0.5, precision: 0.5, recall: 0.5 },
      { threshold: 0.95, precision: null, recall: 0 },
    ]);
    expect(onProbability.rocAuc).toBeCloseTo(5 / 6, 10);
    expect(onProbability.rows).toBe(5);
    expect(onProbability.positives).toBe(2);
    const onScore = evaluateProbabilities(labels, probabilities, undefined, {
      on: 'score',
      thresholds: [30],
      score: (probability) => Math.round(probability * 100),
    });
    expect(onScore.atThresholds).toEqual([{ threshold: 30, precision: 2 / 3, recall: 1 }]);
    const noPositive = evaluateProbabilities([0, 0], [0.2, 0.4], undefined);
    expect(noPositive.rocAuc).toBeNull();
    expect(JSON.parse(JSON.stringify(noPositive))).toEqual(noPositive);
  });
});
