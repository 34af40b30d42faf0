import { coordinate, linearScale } from '../charts/scales.ts';
import type { CurvePoint } from './threshold-preview.ts';

/** Geometry of the threshold preview chart: thresholds across, shares (left) and leads per week (bars). */
export const PREVIEW_CHART = { width: 360, height: 180, left: 40, right: 44, top: 12, bottom: 30 } as const;

export interface PreviewChartGeometry {
  /** Leads per week at each threshold, scaled to the largest. */
  bars: { threshold: number; x: number; y: number; width: number; height: number }[];
  precisionPath: string;
  recallPath: string;
  /** Where the hot and warm thresholds being edited sit; null when not a threshold. */
  hotX: number | null;
  warmX: number | null;
  xTicks: { value: number; x: number }[];
  yTicks: { label: string; y: number }[];
  /** The top of the bar scale, for its axis label. */
  maxLeadsPerWeek: number;
  plot: { x0: number; x1: number; y0: number; y1: number };
}

/** An SVG path through the points that have a value, broken where one has none. */
export function pathOf(points: readonly { x: number; y: number | null }[]): string {
  const parts: string[] = [];
  let drawing = false;
  for (const point of points) {
    if (point.y === null) {
      drawing = false;
      continue;
    }
    parts.push(`${drawing ? 'L' : 'M'}${coordinate(point.x)} ${coordinate(point.y)}`);
    drawing = true;
  }
  return parts.join(' ');
}

export function previewChartGeometry(
  curve: readonly CurvePoint[],
  hot: number | undefined,
  warm: number | undefined,
  size: typeof PREVIEW_CHART = PREVIEW_CHART,
): PreviewChartGeometry {
  const x0 = size.left;
  const x1 = size.width - size.right;
  const y0 = size.height - size.bottom;
  const y1 = size.top;
  const x = linearScale([0, 100], [x0, x1]);
  const share = linearScale([0, 1], [y0, y1]);
  const maxLeadsPerWeek = Math.max(0, ...curve.map((point) => point.leadsPerWeek));
  const leads = linearScale([0, maxLeadsPerWeek > 0 ? maxLeadsPerWeek : 1], [y0, y1]);
  const barWidth = coordinate(((x1 - x0) / 10) * 0.5);
  return {
    bars: curve.map((point) => ({
      threshold: point.threshold,
      x: coordinate(x(point.threshold) - barWidth / 2),
      y: coordinate(leads(point.leadsPerWeek)),
      width: barWidth,
      height: coordinate(y0 - leads(point.leadsPerWeek)),
    })),
    precisionPath: pathOf(
      curve.map((point) => ({
        x: x(point.threshold),
        y: point.precision === null ? null : share(point.precision),
      })),
    ),
    recallPath: pathOf(
      curve.map((point) => ({
        x: x(point.threshold),
        y: point.recall === null ? null : share(point.recall),
      })),
    ),
    hotX: hot === undefined ? null : coordinate(x(hot)),
    warmX: warm === undefined ? null : coordinate(x(warm)),
    xTicks: [0, 20, 40, 60, 80, 100].map((value) => ({ value, x: coordinate(x(value)) })),
    yTicks: [0, 0.5, 1].map((value) => ({ label: `${value * 100}%`, y: coordinate(share(value)) })),
    maxLeadsPerWeek,
    plot: { x0, x1, y0, y1 },
  };
}
