import { applyCalibrator, fitCalibrator } from '../engine/calibration/calibrate.ts';
import type { Calibrator } from '../engine/calibration/calibrator.ts';
import type { Model } from '../engine/io/model.ts';
import { predictRaw, rawToProbability } from '../engine/predict/predict.ts';

/** Isotonic regression needs this many validation positives; Platt scaling calibrates below it. */
export const ISOTONIC_MIN_POSITIVES = 200;

/** Fits the calibrator on the validation window's raw scores (log-odds), weighted like the examples. */
export function calibrateOnValidation(
  model: Model,
  valid: { values: Float64Array; labels: ArrayLike<number>; weights: ArrayLike<number> },
): { calibrator: Calibrator; validationPositives: number } {
  let validationPositives = 0;
  for (let i = 0; i < valid.labels.length; i += 1) if (valid.labels[i] > 0) validationPositives += 1;
  const method = validationPositives >= ISOTONIC_MIN_POSITIVES ? 'isotonic' : 'platt';
  const raw = predictRaw(model, valid.values);
  const calibrator = fitCalibrator(method, raw, valid.labels, { input: 'raw_score', weights: valid.weights });
  return { calibrator, validationPositives };
}

/** Calibrated probabilities of row-major values laid out in the model's feature order. */
export function calibratedProbabilities(
  model: Model,
  calibrator: Calibrator,
  values: Float64Array,
): Float64Array {
  const raw = predictRaw(model, values);
  if (calibrator.input === 'raw_score') return applyCalibrator(calibrator, raw);
  return applyCalibrator(calibrator, rawToProbability(model, raw));
}

/**
 * Rows laid out in `from` column order, re-laid in `to` order (by feature name), NaN (missing) for a
 * feature the rows lack: a champion trained on an older feature list still reads today's examples.
 */
export function reorderColumns(
  values: Float64Array,
  from: readonly string[],
  to: readonly string[],
): Float64Array {
  if (from.length === to.length && from.every((name, index) => name === to[index])) return values;
  const source = new Map(from.map((name, index) => [name, index]));
  const rows = from.length === 0 ? 0 : values.length / from.length;
  const out = new Float64Array(rows * to.length).fill(Number.NaN);
  to.forEach((name, column) => {
    const at = source.get(name);
    if (at === undefined) return;
    for (let row = 0; row < rows; row += 1) out[row * to.length + column] = values[row * from.length + at];
  });
  return out;
}
