import { describe, expect, it } from 'vitest';
import { FACTOR_TEXT_MAX, factorOf, factorText, signedPoints, truncateText } from './factor-text.ts';

describe('factor text', () => {
  it('reads signed points, a middle dot and the catalogue label with the lead’s value', () => {
    const factor = factorOf('pricing_page_views_30d', 3, 18);
    expect(factor).toEqual({
      featureId: 'pricing_page_views_30d',
      label: '3 pricing-page views in the last 30 days',
      points: 18,
    });
    expect(factorText(factor.points, factor.label)).toBe('+18 · 3 pricing-page views in the last 30 days');
    expect(factorText(-7, factorOf('free_email_domain', 1, -7).label)).toBe('-7 · Personal email address');
    expect(factorText(0, 'No demo requests in the last 90 days')).toBe(
      '0 · No demo requests in the last 90 days',
    );
  });

  it('refuses fractional points: factors carry whole points', () => {
    expect(() => signedPoints(1.5)).toThrow(/whole number/);
  });

  it('fits 255 characters, shortening the label with an ellipsis and never the points', () => {
    const label = `Industry: ${'Very long industry name '.repeat(20)}`;
    const text = factorText(-12, label);
    expect(text).toHaveLength(FACTOR_TEXT_MAX);
    expect(text.startsWith('-12 · Industry: Very long')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(factorText(5, 'x'.repeat(250))).toBe(`+5 · ${'x'.repeat(250)}`);
    expect(factorText(5, 'x'.repeat(251))).toBe(`+5 · ${'x'.repeat(249)}…`);
  });

  it('cuts between code points, never inside a surrogate pair', () => {
    const text = factorText(+3, `Industry: ${'🚀'.repeat(200)}`);
    expect(text.length).toBeLessThanOrEqual(FACTOR_TEXT_MAX);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(text.endsWith('🚀…')).toBe(true);
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('ab 🚀', 4)).toBe('ab…');
  });

  it('refuses a feature the catalogue does not have', () => {
    expect(() => factorOf('pricing_views', 3, 2)).toThrow(/Unknown feature id/);
  });
});
