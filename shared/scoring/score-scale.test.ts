import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { ScoreScale, tierOf } from './score-scale.ts';

describe('ScoreScale', () => {
  it('gives the percent of the population at or below the probability, rounded down', () => {
    // 0.001, 0.002, ..., 1.000: one probability per thousandth.
    const population = Array.from({ length: 1000 }, (_, index) => (index + 1) / 1000);
    const scale = ScoreScale.fromProbabilities(population);
    expect(scale.scoreOf(0)).toBe(0);
    expect(scale.scoreOf(0.0095)).toBe(0);
    expect(scale.scoreOf(0.0105)).toBe(1);
    expect(scale.scoreOf(0.5005)).toBe(50);
    expect(scale.scoreOf(0.8999)).toBe(89);
    // The population's maximum is itself in the top percentile: the middle of [99, 100].
    expect(scale.scoreOf(1)).toBe(99);
    expect(ScoreScale.fromProbabilities(population.slice(0, 500)).scoreOf(0.9)).toBe(100);
  });

  it('matches floor(100 × share at or below) on random populations away from the cut points', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 20; round += 1) {
      const size = 50 + Math.floor(random() * 3000);
      const population = Array.from({ length: size }, () => random() ** 3);
      const scale = ScoreScale.fromProbabilities(population);
      for (let probe = 0; probe < 200; probe += 1) {
        const probability = random();
        if (population.includes(probability)) continue;
        const share = population.filter((value) => value <= probability).length / size;
        expect(scale.scoreOf(probability)).toBe(Math.floor(100 * share + 1e-9));
      }
    }
  });

  it('puts a plateau of equal probabilities in the middle of the range it spans', () => {
    // Isotonic calibration: 60 % of the population at 0.02, 30 % at 0.10, 10 % at 0.40.
    const population = [...Array(600).fill(0.02), ...Array(300).fill(0.1), ...Array(100).fill(0.4)];
    const scale = ScoreScale.fromProbabilities(population);
    expect(scale.scoreOf(0.02)).toBe(30);
    expect(scale.scoreOf(0.1)).toBe(75);
    expect(scale.scoreOf(0.4)).toBe(95);
    expect(scale.scoreOf(0.01)).toBe(0);
    expect(scale.scoreOf(0.05)).toBe(60);
    expect(scale.scoreOf(0.9)).toBe(100);
  });

  it('weights examples so sampled-down negatives count as the population they stand for', () => {
    // 100 negatives at 0.01 standing for 900 leads, 100 positives at 0.5 for 100 leads.
    const probabilities = [...Array(100).fill(0.01), ...Array(100).fill(0.5)];
    const weights = [...Array(100).fill(9), ...Array(100).fill(1)];
    const scale = ScoreScale.fromProbabilities(probabilities, weights);
    expect(scale.scoreOf(0.2)).toBe(90);
    expect(ScoreScale.fromProbabilities(probabilities).scoreOf(0.2)).toBe(50);
  });

  it('never decreases as the probability grows', () => {
    const random = seededRandom(11);
    const scale = ScoreScale.fromProbabilities(Array.from({ length: 777 }, () => random()));
    let previous = 0;
    for (let probability = 0; probability <= 1; probability += 0.0005) {
      const score = scale.scoreOf(probability);
      expect(score).toBeGreaterThanOrEqual(previous);
      previous = score;
    }
  });

  it('survives a JSON round trip with the same scores, and refuses data that is not a scale', () => {
    const random = seededRandom(3);
    const scale = ScoreScale.fromProbabilities(Array.from({ length: 500 }, () => random()));
    const saved = JSON.parse(JSON.stringify(scale));
    expect(saved.cutPoints).toHaveLength(100);
    const loaded = ScoreScale.fromJSON(saved);
    for (let probe = 0; probe < 100; probe += 1) {
      const probability = random();
      expect(loaded.scoreOf(probability)).toBe(scale.scoreOf(probability));
    }
    expect(() => ScoreScale.fromJSON({ kind: 'percentile-cut-points', cutPoints: [0.5, 0.1] })).toThrow(
      /not a score scale/,
    );
    const decreasing = { ...saved, cutPoints: [...saved.cutPoints].reverse() };
    expect(() => ScoreScale.fromJSON(decreasing)).toThrow(/non-decreasing/);
  });

  it('refuses probabilities outside [0, 1] and an empty population', () => {
    expect(() => ScoreScale.fromProbabilities([])).toThrow(/at least one/);
    expect(() => ScoreScale.fromProbabilities([0.2, Number.NaN])).toThrow(/\[0, 1\]/);
    expect(() => ScoreScale.fromProbabilities([0.2]).scoreOf(1.5)).toThrow(/\[0, 1\]/);
  });
});

describe('tierOf', () => {
  it('is hot at and above the hot threshold, warm at and above the warm one, else cold', () => {
    const segment = { hotThreshold: 75, warmThreshold: 45 };
    expect([100, 75, 74, 45, 44, 0].map((score) => tierOf(score, segment))).toEqual([
      'hot',
      'hot',
      'warm',
      'warm',
      'cold',
      'cold',
    ]);
  });
});
