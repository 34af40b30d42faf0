import type { ScoreWrite } from '../../shared/crm-connector.ts';
import type { Lead } from '../../shared/schemas/lead.ts';

/** One plain score per lead, as a write-back would send it; the score varies with the position. */
export function scoreWritesFor(leads: Lead[], scoredAt = new Date().toISOString()): ScoreWrite[] {
  return leads.map((lead, index) => ({
    crmId: lead.crmId,
    objectType: lead.objectType,
    score: {
      leadId: lead.id,
      modelVersion: 'm-1',
      score: index % 101,
      probability: 0.1,
      tier: 'cold',
      segment: 'smb',
      factors: [],
      scoredAt,
    },
  }));
}
