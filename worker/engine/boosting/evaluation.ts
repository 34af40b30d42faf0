/**
 * Metric evaluation for progress and early stopping. Scores are raw (log-odds); `higherIsBetter`
 * tells early stopping which way is an improvement.
 */
export interface EvaluationMetric {
  name: 'auc' | 'binary_logloss';
  higherIsBetter: boolean;
  evaluate(labels: Uint8Array, rawScores: Float64Array, sigmoid: number): number;
}

function rocAuc(labels: Uint8Array, rawScores: Float64Array): number {
  const order = Array.from(rawScores.keys()).sort((a, b) => rawScores[a] - rawScores[b]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return 1;
  // Rank sum with average ranks for ties (Mann-Whitney U).
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && rawScores[order[j + 1]] === rawScores[order[i]]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) rankSum += averageRank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function logLoss(labels: Uint8Array, rawScores: Float64Array, sigmoid: number): number {
  const epsilon = 1e-15;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = 1 / (1 + Math.exp(-sigmoid * rawScores[i]));
    sum -= labels[i] === 1 ? Math.log(Math.max(p, epsilon)) : Math.log(Math.max(1 - p, epsilon));
  }
  return sum / labels.length;
}

export function evaluationMetric(name: 'auc' | 'binary_logloss'): EvaluationMetric {
  if (name === 'auc')
    return { name, higherIsBetter: true, evaluate: (labels, scores) => rocAuc(labels, scores) };
  return { name, higherIsBetter: false, evaluate: logLoss };
}
