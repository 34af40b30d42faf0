import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The custom properties a theme file sets, as `name -> #rrggbb`. */
function themeColours(file: string): Map<string, string> {
  const css = readFileSync(new URL(file, import.meta.url), 'utf8');
  return new Map(
    [...css.matchAll(/--ls-([a-z-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((match) => [
      match[1] ?? '',
      (match[2] ?? '').toLowerCase(),
    ]),
  );
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((value) =>
    value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

/** Text on background: every pair the stylesheet puts together, at 4.5:1 (WCAG AA, normal text). */
const TEXT_PAIRS: [string, string][] = [
  ['text', 'surface'],
  ['text', 'bg'],
  ['text-weak', 'surface'],
  ['text-weak', 'bg'],
  ['on-brand', 'brand'],
  ['accent-text', 'surface'],
  ['link', 'surface'],
  ['link', 'bg'],
  ['on-hot', 'hot-bg'],
  ['on-warm', 'warm-bg'],
  ['on-cold', 'cold-bg'],
  ['positive', 'surface'],
  ['negative', 'surface'],
  ['text', 'notice-bg'],
  ['text', 'alert-bg'],
  ['alert-text', 'alert-bg'],
];
/** Focus rings and bars against what surrounds them, at 3:1 (WCAG non-text contrast). */
const GRAPHIC_PAIRS: [string, string][] = [
  ['focus', 'surface'],
  ['focus', 'bg'],
  ['positive', 'surface'],
  ['negative', 'surface'],
  ['indicator', 'surface'],
  ['hot-bg', 'surface'],
  ['cold-bg', 'surface'],
];

describe('theme contrast', () => {
  it('is computed as WCAG defines it', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  for (const file of ['./salesforce.css', './hubspot.css', './standalone.css']) {
    it(`${file} meets AA for text and 3:1 for focus rings and bars`, () => {
      const colours = themeColours(file);
      const failures: string[] = [];
      const check = (pairs: [string, string][], minimum: number) => {
        for (const [foreground, background] of pairs) {
          const fg = colours.get(foreground);
          const bg = colours.get(background);
          if (fg === undefined || bg === undefined) {
            failures.push(`--ls-${fg === undefined ? foreground : background} is not set`);
            continue;
          }
          const ratio = contrast(fg, bg);
          if (ratio < minimum)
            failures.push(
              `--ls-${foreground} ${fg} on --ls-${background} ${bg}: ${ratio.toFixed(2)} < ${minimum}`,
            );
        }
      };
      check(TEXT_PAIRS, 4.5);
      check(GRAPHIC_PAIRS, 3);
      expect(failures).toEqual([]);
    });
  }

  it('keeps the HubSpot accent #ff7a59 for fills, with dark text on it', () => {
    const hubspot = themeColours('./hubspot.css');
    expect(hubspot.get('brand')).toBe('#ff7a59');
    expect(contrast('#ffffff', '#ff7a59')).toBeLessThan(4.5);
    expect(contrast(hubspot.get('on-brand') ?? '', '#ff7a59')).toBeGreaterThanOrEqual(4.5);
  });
});
