/**
 * Binary-classification metrics. Labels are 0/1 (anything > 0 counts as positive, as in LightGBM);
 * scores are probabilities for the probability metrics (log loss, Brier) and any monotone score for
 * the ranking metrics (AUC, average precision, lift). Optional weights scale each row.
 */
export interface Metric {
  /** LightGBM's metric name where one exists ('auc', 'average_precision', 'binary_logloss'). */
  name: string;
  higherIsBetter: boolean;
  evaluate(labels: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number;
}

export function checkInputs(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): void {
  if (labels.length !== scores.length) {
    throw new Error(`metric inputs differ in length: ${labels.length} labels but ${scores.length} scores`);
  }
  if (weights !== undefined && weights.length !== labels.length) {
    throw new Error(`metric inputs differ in length: ${labels.length} labels but ${weights.length} weights`);
  }
}

export function weightAt(weights: ArrayLike<number> | undefined, i: number): number {
  return weights === undefined ? 1 : weights[i];
}

/** Row indices ordered by score, highest first (ties keep their original order). */
export function orderByScoreDescending(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i += 1) order[i] = i;
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order;
}
