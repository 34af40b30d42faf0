import type { ScoreRecord } from '../../shared/schemas/score.ts';

/** CRC16-XMODEM as Redis Cluster uses it, to check key slots without a cluster. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The Redis Cluster slot of a key: the hash tag's slot when the key has a non-empty `{...}`. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  let hashed = key;
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  return crc16(new TextEncoder().encode(hashed)) % 16_384;
}

/** A valid score record: 30 = baseline 41 + 12 − 9 + 3 − 2 + 1 + other −16. */
export function makeScore(leadId: string, overrides: Partial<ScoreRecord> = {}): ScoreRecord {
  return {
    leadId,
    modelVersion: 'smb-v3',
    score: 30,
    probability: 0.0421,
    tier: 'cold',
    segment: 'smb',
    factors: [
      { featureId: 'pricing_page_views_30d', label: '3 pricing-page views in the last 30 days', points: 12 },
      { featureId: 'free_email_domain', label: 'Personal email address', points: -9 },
      { featureId: 'seniority', label: 'VP-level title', points: 3 },
      { featureId: 'days_since_last_activity', label: 'No activity for over a week', points: -2 },
      { featureId: 'industry', label: 'Industry: Café & Bäckerei 🍰 | "quoted"', points: 1 },
    ],
    otherPoints: -16,
    baseline: 41,
    recommendation: 'Send pricing follow-up: 3 pricing-page views in the last 30 days',
    scoredAt: '2026-03-01T12:00:00.123Z',
    source: 'model',
    ...overrides,
  };
}
