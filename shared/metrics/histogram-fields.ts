/**
 * Histograms recorded by many worker processes and read by the server: each one is a Redis hash of
 * per-bucket counts (`b<i>`: observations in bucket i only, not cumulative, so every write is an
 * independent HINCRBY) and `sum`. The count is the buckets' total, so it can never disagree. The reader adds the buckets up into Prometheus's
 * cumulative `le` series.
 */

/** Job run times: quick score batches to long trainings. */
export const jobSecondsBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;

/** From the CRM event to the write: fine around the 2 s p95 and 5 s p99 targets. */
export const eventToWriteBuckets = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10] as const;

export const sumField = 'sum';
export const bucketField = (index: number) => `b${index}`;

/** The first bucket whose upper bound holds the value; `bounds.length` is the +Inf bucket. */
export function bucketIndex(bounds: readonly number[], value: number): number {
  const index = bounds.findIndex((bound) => value <= bound);
  return index === -1 ? bounds.length : index;
}

/** Per-field increments for a batch of observations (one HINCRBY per touched bucket). */
export function histogramIncrements(
  bounds: readonly number[],
  values: readonly number[],
): { buckets: Map<string, number>; sum: number; count: number } {
  const buckets = new Map<string, number>();
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (!Number.isFinite(value) || value < 0) continue;
    const field = bucketField(bucketIndex(bounds, value));
    buckets.set(field, (buckets.get(field) ?? 0) + 1);
    sum += value;
    count += 1;
  }
  return { buckets, sum, count };
}

export interface HistogramSnapshot {
  /** Cumulative counts, one per bound, then +Inf (equal to `count`). */
  cumulative: number[];
  sum: number;
  count: number;
}

/** A stored hash back into cumulative counts; missing fields are zero. */
export function readHistogram(bounds: readonly number[], fields: Record<string, string>): HistogramSnapshot {
  const cumulative: number[] = [];
  let running = 0;
  for (let index = 0; index <= bounds.length; index += 1) {
    running += Number(fields[bucketField(index)] ?? 0) || 0;
    cumulative.push(running);
  }
  return { cumulative, sum: Number(fields[sumField] ?? 0) || 0, count: running };
}
