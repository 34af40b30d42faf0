/**
 * Train / validation / test by snapshot time, with a gap of one horizon H between the parts so that
 * no label looks into the next part:
 *   test:        s ≥ testStart                     (the newest snapshot times, ≥ testShare of rows)
 *   validation:  s ≥ validStart and s + H ≤ testStart (next newest, ≥ validShare of rows)
 *   train:       s + H ≤ validStart                (the oldest)
 * Snapshots between the parts (s < testStart < s + H, ...) belong to no part: their labels would
 * overlap the next part's period.
 */

export const TRAIN = 0;
export const VALID = 1;
export const TEST = 2;
export const GAP = 3;
export type SplitPart = typeof TRAIN | typeof VALID | typeof TEST | typeof GAP;

export interface TimeSplit {
  validStartMs: number;
  testStartMs: number;
  /** Part of each row, in row order. */
  parts: Uint8Array;
  counts: { train: number; valid: number; test: number; gap: number };
}

/** The earliest time t such that rows at times ≥ t (among `eligible`) reach `share` of all rows. */
function startForShare(
  times: readonly number[],
  rowsAt: ReadonlyMap<number, number>,
  eligible: (time: number) => boolean,
  target: number,
): number {
  let taken = 0;
  let start = Number.POSITIVE_INFINITY;
  for (let i = times.length - 1; i >= 0 && taken < target; i -= 1) {
    if (!eligible(times[i])) continue;
    taken += rowsAt.get(times[i]) ?? 0;
    start = times[i];
  }
  return start;
}

export function splitByTime(
  snapshotTimes: ArrayLike<number>,
  horizonMs: number,
  validShare: number,
  testShare: number,
): TimeSplit {
  const rowsAt = new Map<number, number>();
  for (let row = 0; row < snapshotTimes.length; row += 1) {
    rowsAt.set(snapshotTimes[row], (rowsAt.get(snapshotTimes[row]) ?? 0) + 1);
  }
  const times = [...rowsAt.keys()].sort((left, right) => left - right);
  const total = snapshotTimes.length;
  const testStartMs = startForShare(times, rowsAt, () => true, testShare * total);
  const validStartMs = startForShare(
    times,
    rowsAt,
    (time) => time + horizonMs <= testStartMs,
    validShare * total,
  );
  const parts = new Uint8Array(total);
  const counts = { train: 0, valid: 0, test: 0, gap: 0 };
  for (let row = 0; row < total; row += 1) {
    const time = snapshotTimes[row];
    let part: SplitPart = GAP;
    if (time >= testStartMs) part = TEST;
    else if (time >= validStartMs && time + horizonMs <= testStartMs) part = VALID;
    else if (time + horizonMs <= validStartMs) part = TRAIN;
    parts[row] = part;
    if (part === TRAIN) counts.train += 1;
    else if (part === VALID) counts.valid += 1;
    else if (part === TEST) counts.test += 1;
    else counts.gap += 1;
  }
  return { validStartMs, testStartMs, parts, counts };
}
