import { type CalibratorInput, checkFitInputs, type PlattCalibrator } from './calibrator.ts';

const MAX_ITERATIONS = 100;
const MIN_STEP = 1e-10;
/** Levenberg-style damping keeps the Newton system positive definite (Lin, Lin & Weng, 2007). */
const SIGMA = 1e-12;

/**
 * Platt scaling: fits probability = 1 / (1 + exp(-(slope · score + intercept))) by Newton's method
 * with backtracking line search on the log loss. Targets are Platt's smoothed labels,
 * (N+ + 1) / (N+ + 2) for positives and 1 / (N- + 2) for negatives, which keep the fit finite when
 * the validation data are separable. Follows Lin, Lin & Weng's numerically stable formulation.
 */
export function fitPlatt(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { input: CalibratorInput; weights?: ArrayLike<number> },
): PlattCalibrator {
  const { weights } = options;
  checkFitInputs(scores, labels, weights);
  const n = scores.length;
  const weightAt = (i: number): number => (weights === undefined ? 1 : weights[i]);
  let positives = 0;
  let negatives = 0;
  for (let i = 0; i < n; i += 1) {
    if (labels[i] > 0) positives += weightAt(i);
    else negatives += weightAt(i);
  }
  const highTarget = (positives + 1) / (positives + 2);
  const lowTarget = 1 / (negatives + 2);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i += 1) target[i] = labels[i] > 0 ? highTarget : lowTarget;

  // Platt's parameterisation: p = 1 / (1 + exp(a·f + b)); slope = -a, intercept = -b.
  let a = 0;
  let b = Math.log((negatives + 1) / (positives + 1));
  let objective = loss(scores, target, weightAt, a, b);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration += 1) {
    let h11 = SIGMA;
    let h22 = SIGMA;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i += 1) {
      const z = scores[i] * a + b;
      // p = P(y=1), q = 1 - p, computed without overflow for either sign of z.
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const q = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const w = weightAt(i);
      const d2 = w * p * q;
      h11 += scores[i] * scores[i] * d2;
      h22 += d2;
      h21 += scores[i] * d2;
      const d1 = w * (target[i] - p);
      g1 += scores[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-9 * n && Math.abs(g2) < 1e-9 * n) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * da + g2 * db;
    let step = 1;
    let improved = false;
    while (step >= MIN_STEP) {
      const nextA = a + step * da;
      const nextB = b + step * db;
      const next = loss(scores, target, weightAt, nextA, nextB);
      if (next < objective + 1e-4 * step * gd) {
        a = nextA;
        b = nextB;
        objective = next;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return { kind: 'platt', input: options.input, slope: -a, intercept: -b };
}

/** Weighted cross-entropy of the smoothed targets under p = 1 / (1 + exp(a·f + b)), overflow-safe. */
function loss(
  scores: ArrayLike<number>,
  target: Float64Array,
  weightAt: (i: number) => number,
  a: number,
  b: number,
): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i += 1) {
    const z = scores[i] * a + b;
    const term =
      z >= 0 ? target[i] * z + Math.log1p(Math.exp(-z)) : (target[i] - 1) * z + Math.log1p(Math.exp(z));
    sum += weightAt(i) * term;
  }
  return sum;
}

export function applyPlatt(calibrator: PlattCalibrator, score: number): number {
  return 1 / (1 + Math.exp(-(calibrator.slope * score + calibrator.intercept)));
}
