import { describe, expect, it } from 'vitest';
import { formatExact, formatG, formatShort, parseDouble, parseInteger } from './number-format.ts';

describe('LightGBM number text', () => {
  it('writes %.17g exactly as C does', () => {
    expect(formatExact(766.5000000000001)).toBe('766.50000000000011');
    expect(formatExact(Math.fround(1e-35))).toBe('1.0000000180025095e-35');
    expect(formatExact(-0.50004806824324566)).toBe('-0.50004806824324566');
    expect(formatExact(0.1)).toBe('0.10000000000000001');
    expect(formatExact(3)).toBe('3');
    expect(formatExact(1e21)).toBe('1e+21');
    expect(formatExact(0.0001)).toBe('0.0001');
    expect(formatExact(0.00001)).toBe('1.0000000000000001e-05');
  });

  it('writes %g with six significant digits as C does', () => {
    expect(formatShort(4200.1112)).toBe('4200.11');
    expect(formatShort(-0.4832137)).toBe('-0.483214');
    expect(formatShort(7392)).toBe('7392');
    expect(formatShort(1234567)).toBe('1.23457e+06');
    expect(formatShort(999999.5)).toBe('1e+06');
    expect(formatShort(0.1)).toBe('0.1');
    expect(formatShort(0.000012345)).toBe('1.2345e-05');
    expect(formatShort(-0)).toBe('-0');
    expect(formatG(Number.NaN, 6)).toBe('nan');
    expect(formatG(Number.NEGATIVE_INFINITY, 17)).toBe('-inf');
  });

  it('reads back every double it writes', () => {
    let seed = 7;
    for (let i = 0; i < 2000; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const value = (seed / 2147483648 - 0.5) * 10 ** ((i % 40) - 20);
      expect(parseDouble(formatExact(value))).toBe(value);
    }
  });

  it('reads nan and inf and refuses other text', () => {
    expect(parseDouble('nan')).toBeNaN();
    expect(parseDouble('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseDouble('1.5e-3')).toBe(0.0015);
    expect(parseDouble('1,5')).toBeUndefined();
    expect(parseDouble('')).toBeUndefined();
    expect(parseInteger('-12')).toBe(-12);
    expect(parseInteger('1.0')).toBeUndefined();
  });
});
