import type { Models, ModelVersion, SegmentChampions, SettingsVersion } from './health-types.ts';

/** The segment id of the model trained on every lead (it serves segments too small for their own). */
export const POOLED = 'pooled';

export type VersionStatus = 'Champion' | 'Challenger' | 'Retired';

export interface VersionRow {
  id: string;
  segment: string;
  segmentName: string;
  status: VersionStatus;
  rocAuc: string;
  prAuc: string;
  calibrationError: string;
  /** `1,234 (80 converted)`. */
  testWindow: string;
  trainedAt: string;
  /**
   * A rollback can make it the champion again: it is one of its segment's earlier champions (a
   * challenger that was never promoted cannot be rolled back to), in a segment the settings still have.
   */
  canRollBack: boolean;
}

const count = new Intl.NumberFormat('en-US');
const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});
const date = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

export function metricText(value: number | null, digits = 3): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

export function dateTimeText(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${dateTime.format(at)} UTC`;
}

export function dateText(iso: string | null): string {
  if (iso === null) return 'not set';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : date.format(at);
}

/** `1 Jan 2026 to 31 Mar 2026`. */
export function rangeText(range: { from: string | null; to: string | null }): string {
  if (range.from === null && range.to === null) return 'none';
  return `${dateText(range.from)} to ${dateText(range.to)}`;
}

/** Segment id → the name the settings give it; the pooled model and removed segments by their id. */
export function segmentNames(settings: SettingsVersion | undefined): Map<string, string> {
  const names = new Map<string, string>([[POOLED, 'All segments (pooled)']]);
  for (const segment of settings?.settings.segments ?? []) names.set(segment.id, segment.name);
  return names;
}

export function nameOf(segment: string, names: ReadonlyMap<string, string>): string {
  return names.get(segment) ?? `${segment} (no longer in the settings)`;
}

/**
 * Each version's status in its segment: the champion scores leads; the newest version, when it is not
 * the champion, is the challenger that was not promoted (or waits to be); every other one is retired.
 */
export function statusesOf(models: Models): Map<string, VersionStatus> {
  const statuses = new Map<string, VersionStatus>();
  const bySegment = new Map<string, ModelVersion[]>();
  for (const version of models.versions) {
    bySegment.set(version.segment, [...(bySegment.get(version.segment) ?? []), version]);
  }
  for (const versions of bySegment.values()) {
    const newest = [...versions].sort((one, two) => Date.parse(two.trainedAt) - Date.parse(one.trainedAt))[0];
    for (const version of versions) {
      const champion = version.champion || models.champions[version.segment] === version.id;
      statuses.set(version.id, champion ? 'Champion' : version.id === newest?.id ? 'Challenger' : 'Retired');
    }
  }
  return statuses;
}

/** Table rows, by segment (settings order, pooled last) and newest first within a segment. */
export function versionRows(
  models: Models,
  names: ReadonlyMap<string, string>,
  histories: ReadonlyMap<string, SegmentChampions> = new Map(),
): VersionRow[] {
  const statuses = statusesOf(models);
  const order = [...names.keys()].filter((segment) => segment !== POOLED);
  const rank = (segment: string) => {
    const index = order.indexOf(segment);
    return index >= 0 ? index : segment === POOLED ? order.length : order.length + 1;
  };
  return [...models.versions]
    .sort(
      (one, two) =>
        rank(one.segment) - rank(two.segment) ||
        one.segment.localeCompare(two.segment) ||
        Date.parse(two.trainedAt) - Date.parse(one.trainedAt),
    )
    .map((version) => {
      const status = statuses.get(version.id) ?? 'Retired';
      const { metrics } = version;
      return {
        id: version.id,
        segment: version.segment,
        segmentName: nameOf(version.segment, names),
        status,
        rocAuc: metricText(metrics.rocAuc),
        prAuc: metricText(metrics.prAuc),
        calibrationError: metricText(metrics.ece),
        testWindow:
          metrics.testRows === null
            ? 'n/a'
            : `${count.format(metrics.testRows)}${metrics.testPositives === null ? '' : ` (${count.format(metrics.testPositives)} converted)`}`,
        trainedAt: dateTimeText(version.trainedAt),
        canRollBack:
          status !== 'Champion' &&
          names.has(version.segment) &&
          (histories.get(version.segment)?.earlier.includes(version.id) ?? false),
      };
    });
}

/** The version the page shows charts for at first: the first segment's champion, else the newest. */
export function defaultSelection(rows: readonly VersionRow[]): string | undefined {
  return (rows.find((row) => row.status === 'Champion') ?? rows[0])?.id;
}

export type RollbackPlan =
  | { kind: 'steps'; steps: number; restores: string; replaces: string | null; passes: string[] }
  | { kind: 'unreachable'; reason: string };

/**
 * What rolling a segment back to a version takes: each rollback restores the first earlier champion,
 * so reaching the n-th takes n rollbacks (passing the ones before it). A version that never was an
 * earlier champion cannot be restored by rolling back.
 */
export function rollbackPlan(versionId: string, champions: SegmentChampions): RollbackPlan {
  if (champions.champion === versionId)
    return { kind: 'unreachable', reason: `${versionId} is already the champion.` };
  const index = champions.earlier.indexOf(versionId);
  if (index < 0)
    return {
      kind: 'unreachable',
      reason:
        champions.earlier.length === 0
          ? `${versionId} was never this segment’s champion, and the segment has no earlier champion to roll back to.`
          : `${versionId} was never one of this segment’s earlier champions (${champions.earlier.join(', ')}), so a rollback cannot restore it. Retrain to replace the champion instead.`,
    };
  return {
    kind: 'steps',
    steps: index + 1,
    restores: versionId,
    replaces: champions.champion,
    passes: champions.earlier.slice(0, index),
  };
}

/** `45 seconds`, `12 minutes`, `3 hours 5 minutes`, `2 days 4 hours`. */
export function lagText(seconds: number): string {
  const plural = (value: number, unit: string) => `${value} ${unit}${value === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(Math.round(seconds), 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24)
    return minutes % 60 === 0
      ? plural(hours, 'hour')
      : `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? plural(days, 'day') : `${plural(days, 'day')} ${plural(hours % 24, 'hour')}`;
}

/** A sync older than this is called late on the page (the incremental sync runs every 15 minutes). */
export const LATE_SYNC_SECONDS = 45 * 60;
