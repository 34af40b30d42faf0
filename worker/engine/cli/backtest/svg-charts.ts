import type { CurvePoint } from './test-evaluation.ts';

/** Plain inline SVG charts: no script, no font or image to fetch, readable by screen readers. */

const WIDTH = 420;
const HEIGHT = 320;
const MARGIN = { top: 16, right: 16, bottom: 48, left: 56 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

export const COLORS = { calibrated: '#4338ca', model: '#94a3b8', reference: '#cbd5e1', bar: '#6366f1' };

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export interface Series {
  name: string;
  points: CurvePoint[];
  color: string;
  /** Draw as a step curve (precision-recall), holding each y until the next x. */
  step?: boolean;
  /** Mark each point with a dot whose area follows `sizes`. */
  sizes?: number[];
  /** A vertical interval [low, high] through each point (an uncertainty whisker). */
  intervals?: [number, number][];
  /** Dots and whiskers only, no joining line. */
  dotsOnly?: boolean;
}

interface Frame {
  id: string;
  title: string;
  description: string;
  xLabel: string;
  yLabel: string;
  xMax: number;
  yMax: number;
  xStep: number;
  yStep: number;
  /** Tick labels as percentages instead of decimals. */
  percent?: boolean;
  /** No numeric ticks on x (the caller labels categories itself). */
  categoryX?: boolean;
}

const round = (value: number): string => value.toFixed(1);
const sx = (frame: Frame, x: number): number => MARGIN.left + (x / frame.xMax) * PLOT_WIDTH;
const sy = (frame: Frame, y: number): number => MARGIN.top + PLOT_HEIGHT - (y / frame.yMax) * PLOT_HEIGHT;

/** A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about five ticks up to `value`. */
export function niceScale(value: number): { max: number; step: number } {
  const top = value > 0 ? value : 1;
  const rough = top / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  return { max: Math.ceil(top / step - 1e-9) * step, step };
}

function decimals(step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Number.isInteger(Math.round(step * 10 ** digits * 1e6) / 1e6) ? digits : digits + 1;
}

function tickText(value: number, step: number, percent: boolean): string {
  if (percent) return `${(value * 100).toFixed(decimals(step * 100))}%`;
  return value.toFixed(decimals(step));
}

/** Tick values from 0 to max by step, without floating-point drift. */
function ticks(max: number, step: number): number[] {
  const count = Math.round(max / step);
  return Array.from({ length: count + 1 }, (_, index) => index * step);
}

function open(frame: Frame): string {
  const percent = frame.percent === true;
  const yGrid = ticks(frame.yMax, frame.yStep)
    .map((value) => {
      const y = round(sy(frame, value));
      return (
        `<line x1="${round(MARGIN.left)}" x2="${round(MARGIN.left + PLOT_WIDTH)}" y1="${y}" y2="${y}" class="grid"/>` +
        `<text x="${round(MARGIN.left - 8)}" y="${round(Number(y) + 4)}" class="tick" text-anchor="end">${tickText(value, frame.yStep, percent)}</text>`
      );
    })
    .join('');
  const xTicks = frame.categoryX
    ? ''
    : ticks(frame.xMax, frame.xStep)
        .map(
          (value) =>
            `<text x="${round(sx(frame, value))}" y="${round(MARGIN.top + PLOT_HEIGHT + 18)}" class="tick" text-anchor="middle">${tickText(value, frame.xStep, percent)}</text>`,
        )
        .join('');
  const grid = yGrid + xTicks;
  return (
    `<svg id="${frame.id}" class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
    `aria-labelledby="${frame.id}-title ${frame.id}-desc">` +
    `<title id="${frame.id}-title">${escapeHtml(frame.title)}</title>` +
    `<desc id="${frame.id}-desc">${escapeHtml(frame.description)}</desc>` +
    grid +
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" class="frame"/>` +
    `<text x="${round(MARGIN.left + PLOT_WIDTH / 2)}" y="${HEIGHT - 8}" class="axis" text-anchor="middle">${escapeHtml(frame.xLabel)}</text>` +
    `<text transform="translate(14 ${round(MARGIN.top + PLOT_HEIGHT / 2)}) rotate(-90)" class="axis" text-anchor="middle">${escapeHtml(frame.yLabel)}</text>`
  );
}

function path(frame: Frame, series: Series): string {
  const clampX = (x: number): number => Math.min(Math.max(x, 0), frame.xMax);
  const clampY = (y: number): number => Math.min(Math.max(y, 0), frame.yMax);
  const commands: string[] = [];
  series.points.forEach((point, index) => {
    const x = round(sx(frame, clampX(point.x)));
    const y = round(sy(frame, clampY(point.y)));
    if (index === 0) commands.push(`M${x} ${y}`);
    else if (series.step) commands.push(`H${x}V${y}`);
    else commands.push(`L${x} ${y}`);
  });
  const line = `<path d="${commands.join('')}" fill="none" stroke="${series.color}" stroke-width="2.25" stroke-linejoin="round"><title>${escapeHtml(series.name)}</title></path>`;
  if (series.sizes === undefined) return line;
  const whiskers = (series.intervals ?? [])
    .map(([low, high], index) => {
      const x = round(sx(frame, clampX(series.points[index].x)));
      return `<line x1="${x}" x2="${x}" y1="${round(sy(frame, clampY(low)))}" y2="${round(sy(frame, clampY(high)))}" stroke="${series.color}" stroke-width="1.5" stroke-opacity="0.7"/>`;
    })
    .join('');
  const largest = Math.max(1, ...series.sizes);
  const dots = series.points
    .map((point, index) => {
      const radius = 2.5 + 6 * Math.sqrt((series.sizes?.[index] ?? 0) / largest);
      return `<circle cx="${round(sx(frame, clampX(point.x)))}" cy="${round(sy(frame, clampY(point.y)))}" r="${round(radius)}" fill="${series.color}" fill-opacity="0.85" stroke="#fff" stroke-width="1"/>`;
    })
    .join('');
  return (series.dotsOnly ? '' : line) + whiskers + dots;
}

function diagonal(frame: Frame): string {
  const end = Math.min(frame.xMax, frame.yMax);
  return `<line x1="${round(sx(frame, 0))}" y1="${round(sy(frame, 0))}" x2="${round(sx(frame, end))}" y2="${round(sy(frame, end))}" class="reference"/>`;
}

function horizontal(frame: Frame, y: number, label: string, side: 'left' | 'right'): string {
  const at = round(sy(frame, Math.min(y, frame.yMax)));
  const x = side === 'left' ? MARGIN.left + 6 : MARGIN.left + PLOT_WIDTH - 6;
  return (
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${at}" y2="${at}" class="reference"/>` +
    `<text x="${x}" y="${Number(at) - 6}" class="note" text-anchor="${side === 'left' ? 'start' : 'end'}">${escapeHtml(label)}</text>`
  );
}

export function rocChart(points: CurvePoint[], auc: string): string {
  const frame: Frame = {
    id: 'roc-chart',
    title: 'ROC curve',
    description: `True positive rate against false positive rate on the test window, by calibrated probability; area ${auc}. The diagonal is a random order.`,
    xLabel: 'False positive rate',
    yLabel: 'True positive rate',
    xMax: 1,
    yMax: 1,
    xStep: 0.2,
    yStep: 0.2,
  };
  return `${open(frame)}${diagonal(frame)}${path(frame, { name: `ROC, AUC ${auc}`, points, color: COLORS.calibrated })}</svg>`;
}

export function precisionRecallChart(
  points: CurvePoint[],
  baseRate: number,
  averagePrecision: string,
): string {
  const frame: Frame = {
    id: 'pr-chart',
    title: 'Precision–recall curve',
    description: `Precision against recall on the test window, by calibrated probability; average precision ${averagePrecision}. The horizontal line is the base rate.`,
    xLabel: 'Recall',
    yLabel: 'Precision',
    xMax: 1,
    yMax: 1,
    xStep: 0.2,
    yStep: 0.2,
  };
  return `${open(frame)}${horizontal(frame, baseRate, `base rate ${(baseRate * 100).toFixed(1)}%`, 'left')}${path(
    frame,
    {
      name: `precision-recall, average precision ${averagePrecision}`,
      points,
      color: COLORS.calibrated,
      step: true,
    },
  )}</svg>`;
}

export function calibrationChart(calibrated: Series, model: Series): string {
  const largest = Math.max(
    0.01,
    ...[...calibrated.points, ...model.points].flatMap((point) => [point.x, point.y]),
  );
  const { max, step } = niceScale(Math.min(1, largest * 1.05));
  const frame: Frame = {
    id: 'calibration-chart',
    title: 'Calibration (reliability diagram)',
    description:
      'Observed conversion rate against mean predicted probability in 10 equal-width probability bins on the test window, before and after calibration; dot area follows the rows in the bin and whiskers span the 95% Wilson interval of the observed rate. On the diagonal, predictions match outcomes.',
    xLabel: 'Mean predicted probability',
    yLabel: 'Observed rate',
    xMax: max,
    yMax: max,
    xStep: step,
    yStep: step,
    percent: true,
  };
  return `${open(frame)}${diagonal(frame)}${path(frame, model)}${path(frame, calibrated)}</svg>`;
}

export function liftChart(lifts: number[]): string {
  const { max, step } = niceScale(Math.max(1, ...lifts.filter(Number.isFinite)) * 1.08);
  const frame: Frame = {
    id: 'lift-chart',
    title: 'Lift by decile',
    description:
      'Conversion rate of each tenth of the test window, highest scores first, divided by the base rate. The line at 1 is a random order.',
    xLabel: 'Decile (1 = highest scores)',
    yLabel: 'Lift',
    xMax: 10,
    yMax: max,
    xStep: 1,
    yStep: step,
    categoryX: true,
  };
  const slot = PLOT_WIDTH / 10;
  const bars = lifts
    .map((lift, index) => {
      const value = Number.isFinite(lift) ? lift : 0;
      const top = sy(frame, Math.min(value, max));
      const x = MARGIN.left + index * slot + slot * 0.15;
      return (
        `<rect x="${round(x)}" y="${round(top)}" width="${round(slot * 0.7)}" height="${round(MARGIN.top + PLOT_HEIGHT - top)}" rx="2" fill="${COLORS.bar}"><title>decile ${index + 1}: lift ${value.toFixed(2)}</title></rect>` +
        `<text x="${round(x + slot * 0.35)}" y="${round(top - 4)}" class="note" text-anchor="middle">${value.toFixed(2)}</text>`
      );
    })
    .join('');
  // Deciles are categories: one label under each bar.
  const labels = lifts
    .map(
      (_, index) =>
        `<text x="${round(MARGIN.left + (index + 0.5) * slot)}" y="${MARGIN.top + PLOT_HEIGHT + 18}" class="tick" text-anchor="middle">${index + 1}</text>`,
    )
    .join('');
  const chart = open(frame).replace(
    /<text x="[\d.]+" y="[\d.]+" class="tick" text-anchor="middle">[^<]*<\/text>/g,
    '',
  );
  return `${chart}${labels}${bars}${horizontal(frame, 1, 'random order', 'right')}</svg>`;
}
