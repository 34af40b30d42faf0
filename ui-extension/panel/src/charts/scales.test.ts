import { describe, expect, it } from 'vitest';
import { gaugeDash, linearScale, linePath, signedBar, sparklinePoints } from './scales.ts';

describe('chart scales', () => {
  it('maps a domain onto a range, inverted ranges included, and a flat domain to the middle', () => {
    const y = linearScale([0, 100], [44, 4]);
    expect([y(0), y(50), y(100)]).toEqual([44, 24, 4]);
    expect(linearScale([5, 5], [0, 10])(5)).toBe(5);
    expect(() => linearScale([0, Number.NaN], [0, 1])).toThrow(/finite numbers/);
  });

  it('draws positive bars right of the centre and negative ones left, scaled by the largest', () => {
    expect(signedBar(18, 18, 100)).toEqual({ x: 50, width: 50, direction: 'positive' });
    expect(signedBar(-9, 18, 100)).toEqual({ x: 25, width: 25, direction: 'negative' });
    expect(signedBar(6, 18, 100)).toEqual({ x: 50, width: 16.67, direction: 'positive' });
    expect(signedBar(0, 18, 100)).toEqual({ x: 50, width: 0, direction: 'none' });
  });

  it('places a sparkline on the full 0-100 axis in time order', () => {
    const day = 86_400_000;
    const points = sparklinePoints(
      [
        { atMs: 0, score: 0 },
        { atMs: 10 * day, score: 50 },
        { atMs: 30 * day, score: 100 },
      ],
      { width: 240, height: 48, padding: 4 },
    );
    expect(points).toEqual([
      { x: 4, y: 44 },
      { x: 81.33, y: 24 },
      { x: 236, y: 4 },
    ]);
    expect(linePath(points)).toBe('M4 44 L81.33 24 L236 4');
    expect(sparklinePoints([{ atMs: 5, score: 100 }], { width: 240, height: 48, padding: 4 })).toEqual([
      { x: 120, y: 4 },
    ]);
  });

  it('fills a gauge to the score share of its circumference', () => {
    expect(gaugeDash(50, 100, 52)).toEqual({ filled: 163.36, circumference: 326.73 });
    expect(gaugeDash(140, 100, 52).filled).toBe(326.73);
    expect(gaugeDash(-3, 100, 52).filled).toBe(0);
  });
});
