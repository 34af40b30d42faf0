import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { applyCalibrator, fitCalibrator } from './calibrate.ts';
import { parseCalibrator } from './calibrator.ts';
import { applyIsotonic, fitIsotonic } from './isotonic-calibration.ts';
import { fitPlatt } from './platt-calibration.ts';

describe('isotonic calibration', () => {
  it('pools adjacent violators into their weighted mean', () => {
    const calibrator = fitIsotonic([1, 2, 3, 4, 5], [0, 1, 0, 1, 1], { input: 'raw_score' });
    // Rows 2 and 3 violate the order (1 then 0) and pool to 0.5 over scores 2..3.
    expect(calibrator).toEqual({
      kind: 'isotonic',
      input: 'raw_score',
      x: [1, 2, 3, 4, 5],
      y: [0, 0.5, 0.5, 1, 1],
    });
  });

  it('interpolates between blocks and holds the end values outside the fitted range', () => {
    const calibrator = fitIsotonic([1, 2, 3, 4, 5], [0, 1, 0, 1, 1], { input: 'raw_score' });
    expect(applyIsotonic(calibrator, 1.5)).toBe(0.25);
    expect(applyIsotonic(calibrator, 2.7)).toBe(0.5);
    expect(applyIsotonic(calibrator, 3.5)).toBe(0.75);
    expect(applyIsotonic(calibrator, -10)).toBe(0);
    expect(applyIsotonic(calibrator, 99)).toBe(1);
  });

  it('gives tied scores one value and weighs rows by their weights', () => {
    expect(fitIsotonic([1, 1, 2], [0, 1, 1], { input: 'probability' }).y).toEqual([0.5, 1]);
    // Weighted: the 0 at score 2 weighs 3, pooling scores 1..2 to (1·1 + 3·0) / 4.
    const weighted = fitIsotonic([1, 2, 3], [1, 0, 1], { input: 'raw_score', weights: [1, 3, 1] });
    expect(weighted.x).toEqual([1, 2, 3]);
    expect(weighted.y).toEqual([0.25, 0.25, 1]);
  });

  it('produces a non-decreasing map on noisy data', () => {
    const random = new SeededRandom(4);
    const scores = Array.from({ length: 2000 }, () => random.nextFloat() * 6 - 3);
    const labels = scores.map((score) => (random.nextFloat() < 1 / (1 + Math.exp(-score)) ? 1 : 0));
    const calibrator = fitIsotonic(scores, labels, { input: 'raw_score' });
    const grid = Array.from({ length: 601 }, (_, i) => -3.5 + i / 86);
    const values = applyCalibrator(calibrator, grid);
    for (let i = 1; i < values.length; i += 1) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    for (let i = 1; i < calibrator.x.length; i += 1)
      expect(calibrator.x[i]).toBeGreaterThan(calibrator.x[i - 1]);
  });
});

describe('Platt calibration', () => {
  it('fits two points exactly to Platt’s smoothed targets 1/3 and 2/3', () => {
    const calibrator = fitPlatt([-1, 1], [0, 1], { input: 'raw_score' });
    expect(calibrator.slope).toBeCloseTo(Math.log(2), 8);
    expect(calibrator.intercept).toBeCloseTo(0, 8);
    const [low, high] = applyCalibrator(calibrator, [-1, 1]);
    expect(low).toBeCloseTo(1 / 3, 8);
    expect(high).toBeCloseTo(2 / 3, 8);
  });

  it('recovers a known sigmoid from samples drawn from it', () => {
    const random = new SeededRandom(17);
    const scores = Array.from({ length: 40_000 }, () => random.nextFloat() * 8 - 4);
    const labels = scores.map((score) =>
      random.nextFloat() < 1 / (1 + Math.exp(-(1.7 * score - 0.6))) ? 1 : 0,
    );
    const calibrator = fitPlatt(scores, labels, { input: 'raw_score' });
    expect(calibrator.slope).toBeGreaterThan(1.6);
    expect(calibrator.slope).toBeLessThan(1.8);
    expect(calibrator.intercept).toBeGreaterThan(-0.7);
    expect(calibrator.intercept).toBeLessThan(-0.5);
  });

  it('stays finite on perfectly separated data thanks to the smoothed targets', () => {
    const calibrator = fitPlatt([-3, -2, -1, 1, 2, 3], [0, 0, 0, 1, 1, 1], { input: 'raw_score' });
    expect(Number.isFinite(calibrator.slope)).toBe(true);
    expect(applyCalibrator(calibrator, [3])[0]).toBeLessThan(1);
    expect(applyCalibrator(calibrator, [3])[0]).toBeGreaterThan(0.75);
  });
});

describe('calibrator files', () => {
  it('round-trips both kinds through JSON', () => {
    for (const method of ['isotonic', 'platt'] as const) {
      const calibrator = fitCalibrator(method, [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { input: 'probability' });
      const loaded = parseCalibrator(JSON.stringify(calibrator));
      expect(loaded).toEqual(calibrator);
      expect(Array.from(applyCalibrator(loaded, [0.2, 0.5]))).toEqual(
        Array.from(applyCalibrator(calibrator, [0.2, 0.5])),
      );
    }
  });

  it('names what is wrong with a file that is not a calibrator', () => {
    expect(() => parseCalibrator({ kind: 'isotonic', input: 'raw_score', x: [1, 2], y: [0.5] })).toThrow(
      'invalid calibrator',
    );
    expect(() => parseCalibrator({ kind: 'platt', input: 'raw_score', slope: 'x', intercept: 0 })).toThrow(
      'invalid calibrator: slope',
    );
  });

  it('refuses inputs of different lengths and non-finite scores', () => {
    expect(() => fitCalibrator('platt', [1, 2], [1], { input: 'raw_score' })).toThrow(
      'calibration inputs differ in length: 2 scores but 1 labels',
    );
    expect(() => fitCalibrator('isotonic', [1, Number.NaN], [1, 0], { input: 'raw_score' })).toThrow(
      'calibration score at row 1 is not a finite number',
    );
  });
});
