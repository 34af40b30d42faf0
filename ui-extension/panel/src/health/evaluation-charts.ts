import { coordinate, linearScale } from '../charts/scales.ts';
import type { CalibrationBin, LiftDecile, ModelEvaluation } from './health-types.ts';

export const CALIBRATION_CHART = {
  width: 320,
  height: 260,
  left: 46,
  right: 14,
  top: 14,
  bottom: 40,
} as const;
export const LIFT_CHART = { width: 320, height: 220, left: 40, right: 10, top: 14, bottom: 40 } as const;

/** Round shares from 0.1% to 100%: 1, 2, 2.5 and 5 per power of ten, and 75%. */
const NICE_MAXIMA = [
  ...[0.001, 0.01, 0.1].flatMap((power) =>
    [1, 2, 2.5, 5].map((step) => Math.round(step * power * 1e4) / 1e4),
  ),
  0.75,
  1,
];

/**
 * The smallest round share that holds the value, from 0.1% (for a window where nothing converted and
 * nothing was predicted) to 1: the calibration axes fit a low base rate instead of spanning 0-100%.
 */
export function niceShareMax(value: number): number {
  return NICE_MAXIMA.find((nice) => nice >= value) ?? 1;
}

/** The smallest whole or half number of times that holds the value (at least 1.5, so lift 1 sits inside). */
export function niceLiftMax(value: number): number {
  return Math.max(1.5, Math.ceil(value * 2) / 2);
}

/** A share as a percentage: whole from 10%, one decimal from 1%, two significant digits below. */
const percent = (share: number) => {
  const value = share * 100;
  if (value >= 10 || value === 0) return `${Math.round(value)}%`;
  if (value >= 1) return `${Math.round(value * 10) / 10}%`;
  return `${Number(value.toPrecision(2))}%`;
};
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const times = (value: number) => `${Math.round(value * 10) / 10}×`;

export interface CalibrationGeometry {
  /** Both axes run from 0 to this share, the round share above the largest predicted or observed rate. */
  axisMax: number;
  diagonal: { x1: number; y1: number; x2: number; y2: number };
  points: { bin: number; cx: number; cy: number; r: number }[];
  /** Each bin's range of predictions, drawn at its observed rate (x1 = x2 for a bin of tied predictions). */
  ranges: { bin: number; x1: number; x2: number; y: number }[];
  path: string;
  ticks: { label: string; x: number; y: number }[];
  plot: { x0: number; x1: number; y0: number; y1: number };
}

/**
 * Observed against predicted conversion of the equal-count bins: a point per bin at its mean
 * prediction and observed rate, sized by examples, a line through them in order, each bin's range of
 * predictions and the diagonal. Both axes scale to the data (0 to the round share above the largest
 * mean prediction, observed rate or prediction in a range), so a low base rate still spreads out.
 */
export function calibrationGeometry(
  bins: readonly CalibrationBin[],
  size: typeof CALIBRATION_CHART = CALIBRATION_CHART,
): CalibrationGeometry {
  const filled = bins.map((bin, index) => ({ bin, index })).filter(({ bin }) => bin.examples > 0);
  const largest = Math.max(0, ...filled.flatMap(({ bin }) => [bin.predicted, bin.observed, bin.to]));
  const axisMax = niceShareMax(largest);
  const x0 = size.left;
  const x1 = size.width - size.right;
  const y0 = size.height - size.bottom;
  const y1 = size.top;
  const x = linearScale([0, axisMax], [x0, x1]);
  const y = linearScale([0, axisMax], [y0, y1]);
  const mostExamples = Math.max(1, ...filled.map(({ bin }) => bin.examples));
  const points = filled.map(({ bin, index }) => ({
    bin: index,
    cx: coordinate(x(bin.predicted)),
    cy: coordinate(y(bin.observed)),
    r: coordinate(3 + 5 * Math.sqrt(bin.examples / mostExamples)),
  }));
  return {
    axisMax,
    diagonal: { x1: x0, y1: y0, x2: coordinate(x(axisMax)), y2: coordinate(y(axisMax)) },
    points,
    ranges: filled.map(({ bin, index }) => ({
      bin: index,
      x1: coordinate(x(bin.from)),
      x2: coordinate(x(bin.to)),
      y: coordinate(y(bin.observed)),
    })),
    path: points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.cx} ${point.cy}`).join(' '),
    ticks: [0, 0.5, 1].map((share) => ({
      label: percent(share * axisMax),
      x: coordinate(x(share * axisMax)),
      y: coordinate(y(share * axisMax)),
    })),
    plot: { x0, x1, y0, y1 },
  };
}

export interface LiftGeometry {
  axisMax: number;
  bars: { decile: number; x: number; y: number; width: number; height: number }[];
  /** The height of lift 1 (the base rate). */
  baselineY: number;
  ticks: { label: string; y: number }[];
  labels: { decile: number; x: number }[];
  plot: { x0: number; x1: number; y0: number; y1: number };
}

export function liftGeometry(
  deciles: readonly LiftDecile[],
  size: typeof LIFT_CHART = LIFT_CHART,
): LiftGeometry {
  const axisMax = niceLiftMax(Math.max(0, ...deciles.map((decile) => decile.lift ?? 0)));
  const x0 = size.left;
  const x1 = size.width - size.right;
  const y0 = size.height - size.bottom;
  const y1 = size.top;
  const y = linearScale([0, axisMax], [y0, y1]);
  const slot = (x1 - x0) / Math.max(1, deciles.length);
  const width = coordinate(slot * 0.7);
  return {
    axisMax,
    bars: deciles.map((decile, index) => ({
      decile: decile.decile,
      x: coordinate(x0 + slot * index + (slot - slot * 0.7) / 2),
      y: coordinate(y(decile.lift ?? 0)),
      width,
      height: coordinate(y0 - y(decile.lift ?? 0)),
    })),
    baselineY: coordinate(y(1)),
    ticks: [0, 1, axisMax].map((value) => ({ label: times(value), y: coordinate(y(value)) })),
    labels: deciles.map((decile, index) => ({
      decile: decile.decile,
      x: coordinate(x0 + slot * (index + 0.5)),
    })),
    plot: { x0, x1, y0, y1 },
  };
}

/** The calibration plot's accessible name: what it is, on what, and its one-number summary. */
export function calibrationName(evaluation: ModelEvaluation): string {
  const error = evaluation.calibration?.error ?? null;
  const bins = evaluation.calibration?.bins.length ?? 0;
  return `Calibration plot of ${evaluation.version}: observed against predicted conversion in ${bins} equal-count ${bins === 1 ? 'bin' : 'bins'} of predicted probability on ${count.format(evaluation.window.examples)} test examples${error === null ? '' : `, calibration error ${error.toFixed(3)}`}`;
}

/** One sentence per non-empty bin: what the model predicted there and what happened. */
export function calibrationSummary(evaluation: ModelEvaluation): string[] {
  if (evaluation.calibration === null)
    return [evaluation.calibrationNote ?? 'No calibration plot for this version.'];
  return evaluation.calibration.bins
    .filter((bin) => bin.examples > 0)
    .map((bin) => {
      const range =
        percent(bin.from) === percent(bin.to)
          ? `Predicted ${percent(bin.from)}`
          : `Predicted ${percent(bin.from)} to ${percent(bin.to)}`;
      return `${range} (${count.format(bin.examples)} ${bin.examples === 1 ? 'example' : 'examples'}): ${percent(bin.predicted)} predicted on average, ${percent(bin.observed)} converted.`;
    });
}

/** How the plot's bins were made, and where their probabilities came from. */
export function calibrationMethod(evaluation: ModelEvaluation): string {
  const source =
    evaluation.calibration?.probabilities === 'score-scale'
      ? " This version's test window kept scores only, so its probabilities are read back from the scores and are approximate; retrain for exact ones."
      : '';
  return `Each point is a bin holding about the same number of test examples (tied predictions stay together), at its average prediction and observed conversion; the thin line shows the bin's range of predictions.${source}`;
}

export function liftName(evaluation: ModelEvaluation): string {
  const top = evaluation.lift[0];
  const base = evaluation.baseRate;
  const tail =
    top?.lift === null || top?.lift === undefined || base === null
      ? ''
      : `: the top tenth by score converts at ${times(top.lift)} the base rate of ${percent(base)}`;
  return `Lift by decile of ${evaluation.version}${tail}`;
}

export function liftSummary(evaluation: ModelEvaluation): string[] {
  return evaluation.lift.map((decile) => {
    const scores =
      decile.minScore === null || decile.maxScore === null
        ? 'no examples'
        : decile.minScore === decile.maxScore
          ? `score ${decile.minScore}`
          : `scores ${decile.minScore} to ${decile.maxScore}`;
    if (decile.conversionRate === null) return `Decile ${decile.decile} (${scores}): no examples.`;
    return `Decile ${decile.decile} (${scores}, ${count.format(decile.examples)} examples): ${percent(decile.conversionRate)} converted${decile.lift === null ? '' : `, ${times(decile.lift)} the base rate`}.`;
  });
}
