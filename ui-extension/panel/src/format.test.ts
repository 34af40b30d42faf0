import { describe, expect, it } from 'vitest';
import {
  dateText,
  daysAgoText,
  daysSince,
  percentText,
  scoreValueText,
  signedPoints,
  tierLabel,
  timeAgoText,
} from './format.ts';

const NOW = Date.parse('2026-10-31T12:00:00.000Z');

describe('panel formatting', () => {
  it('signs factor points with an ASCII hyphen-minus and leaves zero unsigned', () => {
    expect(signedPoints(18)).toBe('+18');
    expect(signedPoints(-4)).toBe('-4');
    expect(signedPoints(-4).charCodeAt(0)).toBe(0x2d);
    expect(signedPoints(0)).toBe('0');
  });

  it('names tiers as the badge shows them and the meter speaks them', () => {
    expect(['hot', 'warm', 'cold'].map((tier) => tierLabel(tier as 'hot'))).toEqual(['Hot', 'Warm', 'Cold']);
    expect(scoreValueText(73, 'hot')).toBe('73 of 100, hot');
  });

  it('words ages from days', () => {
    expect([0, 1, 3, 13, 14, 59, 60, 400, 800].map(daysAgoText)).toEqual([
      'today',
      'yesterday',
      '3 days ago',
      '13 days ago',
      '2 weeks ago',
      '8 weeks ago',
      '2 months ago',
      '13 months ago',
      '2 years ago',
    ]);
    expect(() => daysAgoText(-1)).toThrow(/days -1 must be a number >= 0/);
  });

  it('counts whole days and minutes from ISO times, never below zero', () => {
    expect(daysSince('2026-10-28T09:00:00.000Z', NOW)).toBe(3);
    expect(daysSince('2026-11-01T09:00:00.000Z', NOW)).toBe(0);
    expect(timeAgoText('2026-10-31T11:59:30.000Z', NOW)).toBe('just now');
    expect(timeAgoText('2026-10-31T11:48:00.000Z', NOW)).toBe('12 minutes ago');
    expect(timeAgoText('2026-10-31T10:00:00.000Z', NOW)).toBe('2 hours ago');
    expect(timeAgoText('2026-10-29T10:00:00.000Z', NOW)).toBe('2 days ago');
    expect(() => timeAgoText('yesterday', NOW)).toThrow(/"yesterday" is not an ISO date-time/);
  });

  it('writes dates in UTC and probabilities as percentages', () => {
    expect(dateText('2026-10-03T23:30:00.000Z')).toBe('3 Oct 2026');
    expect(percentText(0.124)).toBe('12%');
    expect(percentText(0.001)).toBe('<1%');
    expect(percentText(0)).toBe('0%');
  });
});
