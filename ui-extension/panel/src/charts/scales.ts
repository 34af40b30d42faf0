/** Geometry of the panel's small SVG charts: pure numbers, so tests check them without a browser. */

export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

/** Maps [d0, d1] onto [r0, r1]; a flat domain maps everything to the middle of the range. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (![d0, d1, r0, r1].every(Number.isFinite))
    throw new RangeError(`scale needs finite numbers, got domain [${domain}] range [${range}]`);
  const scale = (value: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((value - d0) / (d1 - d0)) * (r1 - r0));
  return Object.assign(scale, { domain, range });
}

/** Rounds SVG coordinates to 2 decimals: shorter markup, stable text for tests. */
export function coordinate(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface SignedBar {
  x: number;
  width: number;
  direction: 'positive' | 'negative' | 'none';
}

/**
 * A bar for signed points around a centre axis: positive points grow right from the middle,
 * negative ones grow left, both scaled by the largest magnitude shown (so the longest bar spans half).
 */
export function signedBar(points: number, largestMagnitude: number, width: number): SignedBar {
  const centre = width / 2;
  if (points === 0 || largestMagnitude <= 0) return { x: centre, width: 0, direction: 'none' };
  const length = (Math.min(Math.abs(points), largestMagnitude) / largestMagnitude) * centre;
  return points > 0
    ? { x: coordinate(centre), width: coordinate(length), direction: 'positive' }
    : { x: coordinate(centre - length), width: coordinate(length), direction: 'negative' };
}

export interface SparklinePoint {
  x: number;
  y: number;
}

/**
 * Points of a sparkline for values on a 0-100 score axis, evenly spaced in time order by their
 * times (ms). The y axis is the full 0-100 scale, so a flat line at 80 reads as high.
 */
export function sparklinePoints(
  values: readonly { atMs: number; score: number }[],
  size: { width: number; height: number; padding: number },
): SparklinePoint[] {
  if (values.length === 0) return [];
  const times = values.map((value) => value.atMs);
  const x = linearScale([Math.min(...times), Math.max(...times)], [size.padding, size.width - size.padding]);
  const y = linearScale([0, 100], [size.height - size.padding, size.padding]);
  return values.map((value) => ({ x: coordinate(x(value.atMs)), y: coordinate(y(value.score)) }));
}

/** An SVG path through the points: `M x y L x y ...`. */
export function linePath(points: readonly SparklinePoint[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x} ${point.y}`).join(' ');
}

/** The stroke-dasharray of a circular gauge filled to `value` of `max`: `<filled> <circumference>`. */
export function gaugeDash(
  value: number,
  max: number,
  radius: number,
): { filled: number; circumference: number } {
  const circumference = 2 * Math.PI * radius;
  const share = max <= 0 ? 0 : Math.min(1, Math.max(0, value / max));
  return { filled: coordinate(circumference * share), circumference: coordinate(circumference) };
}
