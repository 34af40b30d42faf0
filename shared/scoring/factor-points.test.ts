import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { type Contribution, explainScore, splitProportionally, topFactors } from './factor-points.ts';
import { ScoreScale } from './score-scale.ts';

const sigmoid = (raw: number) => 1 / (1 + Math.exp(-raw));

/** A score function like production's: percentile of a calibrated sigmoid. */
function scoreFunction(random: () => number, calibrate: (p: number) => number) {
  const population = Array.from({ length: 400 }, () => calibrate(sigmoid(-3 + 2.5 * (random() * 2 - 1) * 2)));
  const scale = ScoreScale.fromProbabilities(population);
  return (raw: number) => scale.scoreOf(calibrate(sigmoid(raw)));
}

/** Isotonic-like calibration: a monotone step function. */
const stepCalibration = (p: number) => Math.min(1, Math.round(p * 20) / 20);

describe('splitProportionally', () => {
  it('splits by largest remainder into whole parts that add up exactly', () => {
    expect(splitProportionally(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitProportionally(-10, [3, 1, 1])).toEqual([-6, -2, -2]);
    expect(splitProportionally(7, [0.5, 0.25, 0.25])).toEqual([3, 2, 2]);
    expect(splitProportionally(0, [2, 1])).toEqual([0, 0]);
    expect(splitProportionally(3, [0, 0])).toEqual([2, 1]);
  });
});

describe('explainScore', () => {
  it('gives the example from the design: baseline from the bias, points in proportion to φ', () => {
    const toScore = (raw: number) => Math.max(0, Math.min(100, Math.round(50 + 10 * raw)));
    const explained = explainScore({
      bias: -1,
      contributions: [
        { featureId: 'demo_requests_90d', phi: 2 },
        { featureId: 'pricing_page_views_30d', phi: 1 },
        { featureId: 'free_email_domain', phi: -0.5 },
        { featureId: 'country', phi: 0 },
      ],
      toScore,
    });
    // baseline 40, score 65; gain = ½[(70−40) + (65−35)] = 30, loss = −5.
    expect(explained.baseline).toBe(40);
    expect(explained.score).toBe(65);
    expect(explained.points.map(({ featureId, points }) => [featureId, points])).toEqual([
      ['demo_requests_90d', 20],
      ['pricing_page_views_30d', 10],
      ['free_email_domain', -5],
      ['country', 0],
    ]);
  });

  it('keeps points on the score scale when positive and negative contributions nearly cancel', () => {
    const toScore = (raw: number) => Math.max(0, Math.min(100, Math.round(50 + 10 * raw)));
    const explained = explainScore({
      bias: 0,
      contributions: [
        { featureId: 'a', phi: 2 },
        { featureId: 'b', phi: -1.9 },
      ],
      toScore,
    });
    expect(explained.score - explained.baseline).toBe(1);
    expect(explained.points.map(({ points }) => points)).toEqual([20, -19]);
  });

  it('gives every factor zero when the score equals the baseline', () => {
    const toScore = () => 42;
    const explained = explainScore({ bias: 0.3, contributions: [{ featureId: 'a', phi: 1 }], toScore });
    expect(explained).toEqual({ score: 42, baseline: 42, points: [{ featureId: 'a', phi: 1, points: 0 }] });
  });

  it('refuses a score function that decreases', () => {
    const toScore = (raw: number) => Math.round(50 - 10 * raw);
    expect(() => explainScore({ bias: 0, contributions: [{ featureId: 'a', phi: 1 }], toScore })).toThrow(
      /never decrease/,
    );
  });

  it('property: on random contributions and scales, baseline + Σ points = score and signs follow φ', () => {
    const random = seededRandom(20261201);
    for (let round = 0; round < 1000; round += 1) {
      const toScore = scoreFunction(random, round % 2 === 0 ? (p) => p : stepCalibration);
      const count = 1 + Math.floor(random() * 40);
      const contributions: Contribution[] = Array.from({ length: count }, (_, index) => {
        const kind = random();
        const phi = kind < 0.15 ? 0 : (random() * 2 - 1) * (kind < 0.5 ? 0.05 : 1.5);
        return { featureId: `f${String(index).padStart(2, '0')}`, phi };
      });
      const bias = -4 + random() * 4;
      const explained = explainScore({ bias, contributions, toScore });
      const total = explained.points.reduce((sum, { points }) => sum + points, 0);
      expect(explained.baseline + total).toBe(explained.score);
      expect(explained.score).toBe(toScore(bias + contributions.reduce((sum, { phi }) => sum + phi, 0)));
      for (const { phi, points } of explained.points) {
        expect(Number.isInteger(points)).toBe(true);
        expect(points * phi).toBeGreaterThanOrEqual(0);
        expect(Math.abs(points)).toBeLessThanOrEqual(100);
      }
      const { top, otherPoints } = topFactors(explained.points);
      expect(explained.baseline + top.reduce((sum, { points }) => sum + points, 0) + otherPoints).toBe(
        explained.score,
      );
      const shownSize = Math.min(5, contributions.filter(({ phi }) => phi !== 0).length);
      expect(top).toHaveLength(shownSize);
      const smallestShown = Math.min(...top.map(({ points }) => Math.abs(points)));
      for (const rest of explained.points.filter((contribution) => !top.includes(contribution))) {
        expect(Math.abs(rest.points)).toBeLessThanOrEqual(smallestShown);
      }
    }
  });
});

describe('topFactors', () => {
  it('takes the five largest |points|, breaking ties by |φ| then feature id, and sums the rest', () => {
    const points = [
      { featureId: 'g', phi: 0.1, points: 1 },
      { featureId: 'b', phi: -0.9, points: -9 },
      { featureId: 'c', phi: 0.5, points: 5 },
      { featureId: 'e', phi: 0.3, points: 5 },
      { featureId: 'a', phi: 0.5, points: 5 },
      { featureId: 'd', phi: 0.2, points: 3 },
      { featureId: 'f', phi: -0.2, points: -3 },
      { featureId: 'z', phi: 0, points: 0 },
    ];
    const { top, otherPoints } = topFactors(points);
    expect(top.map(({ featureId }) => featureId)).toEqual(['b', 'a', 'c', 'e', 'd']);
    expect(otherPoints).toBe(-2);
  });
});
