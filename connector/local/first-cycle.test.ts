import { describe, expect, it } from 'vitest';
import { scoresWrittenByTenant } from './first-cycle.ts';

describe('the scores-written figure of /metrics', () => {
  it('is read per tenant from the Prometheus text, other series left alone', () => {
    const text = [
      '# HELP leadscore_scores_written_total Scores the CRM confirmed written, per tenant.',
      '# TYPE leadscore_scores_written_total counter',
      'leadscore_scores_written_total{tenant="sf:00D000000000001AAA"} 14448',
      'leadscore_scores_written_total{tenant="hs:2431623"} 7',
      'leadscore_sync_lag_seconds{tenant="hs:2431623"} 3',
    ].join('\n');
    expect(scoresWrittenByTenant(text)).toEqual({ 'sf:00D000000000001AAA': 14448, 'hs:2431623': 7 });
    expect(scoresWrittenByTenant('')).toEqual({});
  });
});
