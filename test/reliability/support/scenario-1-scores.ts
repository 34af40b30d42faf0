import type { Score } from '../../../shared/schemas/score.ts';

/** The score scenario 1 writes for a lead: the same in the test and in every worker process. */
export function scenarioOneScore(leadId: string): Score {
  const seed = [...leadId].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 100_003, 7);
  const score = seed % 101;
  return {
    leadId,
    modelVersion: 'm-scenario-1',
    score,
    probability: score / 100,
    tier: score >= 80 ? 'hot' : score >= 50 ? 'warm' : 'cold',
    segment: 'smb',
    factors: [
      { featureId: 'pricing_views_30d', label: `Viewed pricing ${seed % 9} times`, points: seed % 13 },
    ],
    scoredAt: '2026-03-01T12:00:00.000Z',
  };
}
