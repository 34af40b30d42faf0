import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.ts';

describe('SeededRandom', () => {
  it('repeats the same stream for the same seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    for (let i = 0; i < 100; i++) expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('gives different streams for neighbouring seeds', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(2);
    let same = 0;
    for (let i = 0; i < 100; i++) if (a.nextUint32() === b.nextUint32()) same++;
    expect(same).toBe(0);
  });

  it('draws floats uniformly in [0, 1)', () => {
    const random = new SeededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = random.nextFloat();
      if (x < 0 || x >= 1) outside++;
      else buckets[Math.floor(x * 10)]++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('samples exactly the requested number of sorted distinct indices', () => {
    const sample = new SeededRandom(3).sampleSorted(1000, 250);
    expect(sample.length).toBe(250);
    for (let i = 1; i < sample.length; i++) expect(sample[i]).toBeGreaterThan(sample[i - 1]);
    expect(sample[sample.length - 1]).toBeLessThan(1000);
  });
});
