import type { Activity } from '../../shared/schemas/activity.ts';

/**
 * Per-lead activity counts by type, to hold what a provider delivered against what was seeded:
 * the round-trip check that every activity type reaches the store with its type.
 */

export type CountsByLead = Map<string, Map<string, number>>;

export function countByLead(
  activities: readonly Pick<Activity, 'leadId' | 'type'>[],
  crmIdOf: (leadId: string) => string = (leadId) => leadId,
): CountsByLead {
  const counts: CountsByLead = new Map();
  for (const activity of activities) {
    const crmId = crmIdOf(activity.leadId);
    let byType = counts.get(crmId);
    if (!byType) {
      byType = new Map();
      counts.set(crmId, byType);
    }
    byType.set(activity.type, (byType.get(activity.type) ?? 0) + 1);
  }
  return counts;
}

function sameCounts(left: Map<string, number> | undefined, right: Map<string, number> | undefined): boolean {
  const a = left ?? new Map<string, number>();
  const b = right ?? new Map<string, number>();
  if (a.size !== b.size) return false;
  for (const [type, count] of a) if (b.get(type) !== count) return false;
  return true;
}

export interface RoundTripComparison {
  /** Leads compared: seeded, minus those the sync rejected as dirty. */
  compared: number;
  identical: number;
  share: number;
  /** Seeded leads the sync's hygiene rejected, left out of the comparison. */
  rejected: number;
  /** A few leads whose counts differ, with both sides, for the failure message. */
  examples: { crmId: string; seeded: Record<string, number>; synced: Record<string, number> }[];
  /** Activities seeded and synced by type, over the compared leads. */
  totals: Record<string, { seeded: number; synced: number }>;
}

export function compareCounts(
  leadCrmIds: readonly string[],
  rejectedCrmIds: ReadonlySet<string>,
  seeded: CountsByLead,
  synced: CountsByLead,
): RoundTripComparison {
  let compared = 0;
  let identical = 0;
  const examples: RoundTripComparison['examples'] = [];
  const totals: RoundTripComparison['totals'] = {};
  for (const crmId of leadCrmIds) {
    if (rejectedCrmIds.has(crmId)) continue;
    compared += 1;
    const want = seeded.get(crmId);
    const got = synced.get(crmId);
    for (const [type, count] of want ?? []) {
      totals[type] ??= { seeded: 0, synced: 0 };
      totals[type].seeded += count;
    }
    for (const [type, count] of got ?? []) {
      totals[type] ??= { seeded: 0, synced: 0 };
      totals[type].synced += count;
    }
    if (sameCounts(want, got)) identical += 1;
    else if (examples.length < 5) {
      examples.push({
        crmId,
        seeded: Object.fromEntries(want ?? []),
        synced: Object.fromEntries(got ?? []),
      });
    }
  }
  const rejected = leadCrmIds.filter((crmId) => rejectedCrmIds.has(crmId)).length;
  return {
    compared,
    identical,
    share: compared === 0 ? 0 : identical / compared,
    rejected,
    examples,
    totals,
  };
}
