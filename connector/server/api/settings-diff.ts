import type { SettingsChange } from '../../../shared/store/settings-audit.repository.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(one: Json | undefined, two: Json | undefined): boolean {
  return JSON.stringify(one) === JSON.stringify(two);
}

/** Segments are compared by id, so a path reads `segments.smb.hotThreshold`, not an array position. */
function segmentsById(value: Json | undefined): Map<string, Json> | undefined {
  if (!Array.isArray(value)) return undefined;
  const byId = new Map<string, Json>();
  for (const segment of value) {
    if (!isObject(segment) || typeof segment.id !== 'string') return undefined;
    byId.set(segment.id, segment);
  }
  return byId;
}

function walk(
  path: string,
  before: Json | undefined,
  after: Json | undefined,
  changes: SettingsChange[],
): void {
  if (same(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(path === '' ? key : `${path}.${key}`, before[key], after[key], changes);
    return;
  }
  const beforeSegments = path === 'segments' ? segmentsById(before) : undefined;
  const afterSegments = path === 'segments' ? segmentsById(after) : undefined;
  if (beforeSegments !== undefined && afterSegments !== undefined) {
    for (const id of new Set([...beforeSegments.keys(), ...afterSegments.keys()])) {
      walk(`segments.${id}`, beforeSegments.get(id), afterSegments.get(id), changes);
    }
    const order = (segments: Map<string, Json>) => [...segments.keys()];
    if (!same(order(beforeSegments), order(afterSegments))) {
      changes.push({ path: 'segments.order', from: order(beforeSegments), to: order(afterSegments) });
    }
    return;
  }
  changes.push({
    path,
    ...(before === undefined ? {} : { from: before }),
    ...(after === undefined ? {} : { to: after }),
  });
}

/** Field paths whose values differ between two settings, with the old and the new value. */
export function settingsDiff(before: unknown, after: unknown): SettingsChange[] {
  const changes: SettingsChange[] = [];
  walk('', JSON.parse(JSON.stringify(before)) as Json, JSON.parse(JSON.stringify(after)) as Json, changes);
  return changes;
}
