import type { Metric } from './metric.ts';
import { brierScore, logLoss } from './probability-metrics.ts';
import { averagePrecision, liftAtTopFraction, rocAuc } from './ranking-metrics.ts';

const METRICS = {
  auc: { name: 'auc', higherIsBetter: true, evaluate: rocAuc },
  average_precision: { name: 'average_precision', higherIsBetter: true, evaluate: averagePrecision },
  binary_logloss: { name: 'binary_logloss', higherIsBetter: false, evaluate: logLoss },
  brier: { name: 'brier', higherIsBetter: false, evaluate: brierScore },
  lift_top_decile: {
    name: 'lift_top_decile',
    higherIsBetter: true,
    evaluate: (labels, scores, weights) => liftAtTopFraction(labels, scores, weights, 0.1),
  },
} satisfies Record<string, Metric>;

export type MetricName = keyof typeof METRICS;

/** Other spellings people use for the same metrics (LightGBM aliases included). */
const ALIASES: Record<string, MetricName> = {
  roc_auc: 'auc',
  pr_auc: 'average_precision',
  map: 'average_precision',
  logloss: 'binary_logloss',
  binary: 'binary_logloss',
  brier_score: 'brier',
  lift: 'lift_top_decile',
};

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** The metric of that name; throws with the list of known names otherwise. */
export function createMetric(name: string): Metric {
  const key = (name in METRICS ? name : ALIASES[name]) as MetricName | undefined;
  if (key === undefined) {
    throw new Error(`unknown metric '${name}'; use one of ${METRIC_NAMES.join(', ')}`);
  }
  return METRICS[key];
}

/** True when `candidate` is better than `best` for this metric (NaN is never better). */
export function isImprovement(metric: Metric, candidate: number, best: number): boolean {
  if (Number.isNaN(candidate)) return false;
  if (Number.isNaN(best)) return true;
  return metric.higherIsBetter ? candidate > best : candidate < best;
}
