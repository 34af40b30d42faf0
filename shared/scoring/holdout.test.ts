import { describe, expect, it } from 'vitest';
import { holdoutPosition, inHoldout } from './holdout.ts';

const tenant = 'sf:00D000000000001AAA';
/** sha256("sf:00D000000000001AAA\x1f00Q000000000042"), first 6 bytes / 2^48, worked out with sha256sum and Python. */
const KNOWN_POSITION = 0.4018758014304815;
const ids = Array.from({ length: 100_000 }, (_, index) => `00Q${String(index).padStart(12, '0')}`);

describe('holdout', () => {
  it('holds out the configured share of 100,000 leads within half a percentage point', () => {
    for (const share of [0.05, 0.1, 0.25, 0.5]) {
      const held = ids.filter((id) => inHoldout(tenant, id, share)).length;
      expect(Math.abs(held / ids.length - share)).toBeLessThan(0.005);
    }
    expect(ids.some((id) => inHoldout(tenant, id, 0))).toBe(false);
  });

  it('is stable: the same lead always gets the same answer, and a larger share only adds leads', () => {
    expect(holdoutPosition(tenant, '00Q000000000042')).toBe(holdoutPosition(tenant, '00Q000000000042'));
    // Known value: pins the hash so a change of algorithm cannot slip in silently.
    expect(holdoutPosition(tenant, '00Q000000000042')).toBeCloseTo(KNOWN_POSITION, 12);
    const small = ids.slice(0, 5000).filter((id) => inHoldout(tenant, id, 0.1));
    expect(small.every((id) => inHoldout(tenant, id, 0.2))).toBe(true);
  });

  it('draws independently per tenant', () => {
    const other = 'hs:123456';
    const both = ids.slice(0, 20_000).filter((id) => inHoldout(tenant, id, 0.5) && inHoldout(other, id, 0.5));
    expect(Math.abs(both.length / 20_000 - 0.25)).toBeLessThan(0.015);
  });

  it('refuses shares outside 0..0.5', () => {
    expect(() => inHoldout(tenant, 'x', 0.6)).toThrow(/between 0 and 0.5/);
    expect(() => inHoldout(tenant, 'x', -0.1)).toThrow(/between 0 and 0.5/);
  });
});
