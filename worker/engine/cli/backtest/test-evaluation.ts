import { atThreshold, brierScore, logLoss } from '../../metric/probability-metrics.ts';
import { averagePrecision, rocAuc } from '../../metric/ranking-metrics.ts';

/** Equal-width bins on [0, 1] for the expected calibration error and the reliability diagram. */
export const CALIBRATION_BINS = 10;
/** Probability cut-offs at which precision and recall are shown (rows at or above are "called"). */
export const THRESHOLDS = [0.05, 0.1, 0.2, 0.3, 0.5] as const;
/** Curves keep at most about this many points; the metrics are always computed on every row. */
const MAX_CURVE_POINTS = 600;

export interface ProbabilityMetrics {
  rocAuc: number;
  /** Average precision. */
  prAuc: number;
  logLoss: number;
  brier: number;
  /** Expected calibration error over CALIBRATION_BINS equal-width bins. */
  ece: number;
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  rows: number;
  /** Mean predicted probability in the bin; NaN when empty. */
  meanPredicted: number;
  /** Share of positives in the bin; NaN when empty. */
  observedRate: number;
}

export interface DecileRow {
  /** 1 is the highest-scored tenth. */
  decile: number;
  rows: number;
  positives: number;
  rate: number;
  /** rate / base rate. */
  lift: number;
  /** Share of all positives found in this decile and those above it. */
  cumulativeRecall: number;
  minProbability: number;
  maxProbability: number;
}

export interface ThresholdRow {
  threshold: number;
  flagged: number;
  truePositives: number;
  /** NaN when no row reaches the threshold. */
  precision: number;
  recall: number;
}

export interface CurvePoint {
  x: number;
  y: number;
}

export interface TestEvaluation {
  rows: number;
  positives: number;
  baseRate: number;
  /** The model's own probability (sigmoid of the raw score). */
  model: ProbabilityMetrics;
  /** After the calibrator fitted on the validation window: the headline figures. */
  calibrated: ProbabilityMetrics;
  /** Lift of decile 1 (the same as `deciles[0].lift`). */
  topDecileLift: number;
  thresholds: ThresholdRow[];
  calibrationBins: { model: CalibrationBin[]; calibrated: CalibrationBin[] };
  deciles: DecileRow[];
  /** False positive rate → true positive rate, by calibrated probability. */
  rocCurve: CurvePoint[];
  /** Recall → precision at each distinct calibrated probability (a step curve: its area is the PR AUC). */
  prCurve: CurvePoint[];
}

/**
 * Everything the report says about the test window. Arrays are in time order; deciles rank by
 * calibrated probability, ties broken by the raw score (the model's finer order), then by time.
 */
export function evaluateTest(
  labels: Float64Array,
  rawScores: Float64Array,
  modelProbabilities: Float64Array,
  calibrated: Float64Array,
): TestEvaluation {
  let positives = 0;
  for (const label of labels) if (label > 0) positives += 1;
  const baseRate = positives / labels.length;
  const deciles = decileTable(labels, rawScores, calibrated, positives);
  return {
    rows: labels.length,
    positives,
    baseRate,
    model: probabilityMetrics(labels, modelProbabilities),
    calibrated: probabilityMetrics(labels, calibrated),
    topDecileLift: deciles[0].lift,
    thresholds: THRESHOLDS.map((threshold) => {
      const counts = atThreshold(labels, calibrated, threshold);
      return {
        threshold,
        flagged: counts.truePositive + counts.falsePositive,
        truePositives: counts.truePositive,
        precision: counts.precision,
        recall: counts.recall,
      };
    }),
    calibrationBins: {
      model: calibrationBins(labels, modelProbabilities),
      calibrated: calibrationBins(labels, calibrated),
    },
    deciles,
    ...curves(labels, calibrated, positives),
  };
}

function probabilityMetrics(labels: Float64Array, probabilities: Float64Array): ProbabilityMetrics {
  return {
    rocAuc: rocAuc(labels, probabilities),
    prAuc: averagePrecision(labels, probabilities),
    logLoss: logLoss(labels, probabilities),
    brier: brierScore(labels, probabilities),
    ece: expectedCalibrationError(calibrationBins(labels, probabilities), labels.length),
  };
}

/** Bin b holds probabilities in [b/10, (b+1)/10), the last bin includes 1. */
export function calibrationBins(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
): CalibrationBin[] {
  const rows = new Array<number>(CALIBRATION_BINS).fill(0);
  const predicted = new Array<number>(CALIBRATION_BINS).fill(0);
  const observed = new Array<number>(CALIBRATION_BINS).fill(0);
  for (let i = 0; i < labels.length; i += 1) {
    const bin = Math.min(CALIBRATION_BINS - 1, Math.floor(probabilities[i] * CALIBRATION_BINS));
    rows[bin] += 1;
    predicted[bin] += probabilities[i];
    if (labels[i] > 0) observed[bin] += 1;
  }
  return rows.map((count, bin) => ({
    lower: bin / CALIBRATION_BINS,
    upper: (bin + 1) / CALIBRATION_BINS,
    rows: count,
    meanPredicted: count === 0 ? Number.NaN : predicted[bin] / count,
    observedRate: count === 0 ? Number.NaN : observed[bin] / count,
  }));
}

/** ECE = Σ over bins of (rows in bin / rows) · |mean predicted − observed rate|. */
function expectedCalibrationError(bins: CalibrationBin[], total: number): number {
  let sum = 0;
  for (const bin of bins) {
    if (bin.rows > 0) sum += (bin.rows / total) * Math.abs(bin.meanPredicted - bin.observedRate);
  }
  return sum;
}

function decileTable(
  labels: Float64Array,
  rawScores: Float64Array,
  calibrated: Float64Array,
  positives: number,
): DecileRow[] {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort(
    (a, b) => calibrated[b] - calibrated[a] || rawScores[b] - rawScores[a] || a - b,
  );
  const total = labels.length;
  const baseRate = positives / total;
  let found = 0;
  return Array.from({ length: 10 }, (_, decile) => {
    const start = Math.floor((decile * total) / 10);
    const end = Math.floor(((decile + 1) * total) / 10);
    let hits = 0;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (let position = start; position < end; position += 1) {
      const row = order[position];
      if (labels[row] > 0) hits += 1;
      low = Math.min(low, calibrated[row]);
      high = Math.max(high, calibrated[row]);
    }
    found += hits;
    const rows = end - start;
    const rate = rows === 0 ? Number.NaN : hits / rows;
    return {
      decile: decile + 1,
      rows,
      positives: hits,
      rate,
      lift: rate / baseRate,
      cumulativeRecall: found / positives,
      minProbability: low,
      maxProbability: high,
    };
  });
}

/** ROC and precision-recall vertices, one per distinct probability, thinned for drawing. */
function curves(
  labels: Float64Array,
  probabilities: Float64Array,
  positives: number,
): { rocCurve: CurvePoint[]; prCurve: CurvePoint[] } {
  const negatives = labels.length - positives;
  const order = Array.from({ length: labels.length }, (_, i) => i).sort(
    (a, b) => probabilities[b] - probabilities[a] || a - b,
  );
  const roc: CurvePoint[] = [{ x: 0, y: 0 }];
  const pr: CurvePoint[] = [];
  let truePositive = 0;
  let called = 0;
  let i = 0;
  while (i < order.length) {
    const value = probabilities[order[i]];
    while (i < order.length && probabilities[order[i]] === value) {
      if (labels[order[i]] > 0) truePositive += 1;
      called += 1;
      i += 1;
    }
    roc.push({ x: (called - truePositive) / negatives, y: truePositive / positives });
    pr.push({ x: truePositive / positives, y: truePositive / called });
  }
  return { rocCurve: thin(roc), prCurve: thin(pr) };
}

/** Keeps every k-th point plus the last, so a curve of any length draws in a few kilobytes. */
function thin(points: CurvePoint[]): CurvePoint[] {
  if (points.length <= MAX_CURVE_POINTS) return points;
  const step = Math.ceil(points.length / MAX_CURVE_POINTS);
  const kept = points.filter((_, index) => index % step === 0);
  const last = points[points.length - 1];
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}
