import { describe, expect, it } from 'vitest';
import type { Score } from '../../shared/schemas/score.ts';
import { scoreContentHash } from './content-hash.ts';

const base: Score = {
  leadId: 'lead-1',
  modelVersion: 'smb-v1',
  score: 64,
  probability: 0.3121,
  tier: 'warm',
  segment: 'smb',
  factors: [{ featureId: 'pricing_page_views_30d', label: 'Viewed pricing 3 times', points: 9 }],
  scoredAt: '2026-12-01T10:00:00.000Z',
  recommendation: 'Send pricing follow-up: 3 pricing-page views in the last 30 days',
};

describe('scoreContentHash', () => {
  it('changes with the recommendation and with the probability as written', () => {
    const hash = scoreContentHash(base);
    expect(scoreContentHash({ ...base, recommendation: 'Call today: signed up for a free trial' })).not.toBe(
      hash,
    );
    expect(scoreContentHash({ ...base, recommendation: undefined })).not.toBe(hash);
    expect(scoreContentHash({ ...base, probability: 0.3131 })).not.toBe(hash);
  });

  it('stays the same when only what is not written, or not shown, moved', () => {
    const hash = scoreContentHash(base);
    // 0.3121 and 0.3124 are both written as 0.312: no reason to write again.
    expect(scoreContentHash({ ...base, probability: 0.3124 })).toBe(hash);
    const later: Score = { ...base, modelVersion: 'smb-v2', scoredAt: '2026-12-02T10:00:00.000Z' };
    expect(scoreContentHash(later)).toBe(hash);
  });
});
