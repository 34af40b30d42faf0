import { describe, expect, it } from 'vitest';
import { scoreRecordSchema } from '../schemas/score.ts';
import { defaultSettings } from '../schemas/settings.ts';
import { factorText } from './factor-text.ts';
import { modelScore } from './model-score.ts';
import { ScoreScale } from './score-scale.ts';

// Training population: 1,000 calibrated probabilities 0.0005, 0.0010, ..., 0.5000.
const scale = ScoreScale.fromProbabilities(Array.from({ length: 1000 }, (_, index) => (index + 1) / 2000));
const probabilityOf = (raw: number) => 1 / (1 + Math.exp(-raw));
const [smb] = defaultSettings().segments;

describe('modelScore', () => {
  it('assembles score, tier, factors, baseline and recommendation from exact contributions', () => {
    const record = modelScore({
      leadId: '00Q1',
      modelVersion: 'smb-v3',
      segment: smb,
      source: 'model',
      bias: Math.log(0.11 / 0.89),
      contributions: [
        { featureId: 'pricing_page_views_30d', phi: 1.2 },
        { featureId: 'seniority', phi: 0.4 },
        { featureId: 'free_email_domain', phi: -0.3 },
        { featureId: 'country', phi: 0 },
      ],
      values: {
        pricing_page_views_30d: 3,
        seniority: 'vp',
        free_email_domain: 1,
        country: 'Portugal',
        days_since_last_activity: 2,
      },
      probabilityOf,
      scale,
      scoredAt: '2026-03-01T12:00:00.000Z',
    });
    // Cut points are k/200. Bias alone: p = 0.11 → 21. All: p = sigmoid(logit(0.11) + 1.3) = 0.3120 → 62.
    // Positives alone 75, negative alone 16: gain = ½[(75 − 21) + (62 − 16)] = 50, loss = 41 − 50 = −9;
    // 50 × 1.2/1.6 = 37.5 and 50 × 0.4/1.6 = 12.5 tie on the remainder, the larger φ takes it: 38 and 12.
    expect(record.probability).toBeCloseTo(0.31200956368967625, 12);
    expect(record.score).toBe(62);
    expect(record.baseline).toBe(21);
    expect(record.tier).toBe('warm');
    expect(record.factors.map((factor) => factorText(factor.points, factor.label))).toEqual([
      '+38 · 3 pricing-page views in the last 30 days',
      '+12 · VP-level title',
      '-9 · Personal email address',
    ]);
    expect(record.otherPoints).toBe(0);
    expect(record.recommendation).toBe('Send pricing follow-up: 3 pricing-page views in the last 30 days');
    expect(scoreRecordSchema.parse(record)).toEqual(record);
  });
});
