import type { Calibrator, CalibratorInput } from './calibrator.ts';
import { applyIsotonic, fitIsotonic } from './isotonic-calibration.ts';
import { applyPlatt, fitPlatt } from './platt-calibration.ts';

export type CalibrationMethod = Calibrator['kind'];

/** Fits a calibrator of the given method on validation scores and 0/1 labels. */
export function fitCalibrator(
  method: CalibrationMethod,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { input: CalibratorInput; weights?: ArrayLike<number> },
): Calibrator {
  if (method === 'isotonic') return fitIsotonic(scores, labels, options);
  if (method === 'platt') return fitPlatt(scores, labels, options);
  throw new Error(`unknown calibration method '${String(method)}'; use isotonic or platt`);
}

/** Calibrated probabilities for scores of the kind the calibrator was fitted on. */
export function applyCalibrator(calibrator: Calibrator, scores: ArrayLike<number>): Float64Array {
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i += 1) {
    out[i] =
      calibrator.kind === 'isotonic'
        ? applyIsotonic(calibrator, scores[i])
        : applyPlatt(calibrator, scores[i]);
  }
  return out;
}
