import { trainModelSync } from '../engine/boosting/train.ts';
import { rocAuc } from '../engine/metric/ranking-metrics.ts';
import type { TrainingParamsInput } from '../engine/params/training-params.ts';
import { predictRaw } from '../engine/predict/predict.ts';
import { TEST, TRAIN, VALID } from './time-split.ts';
import { examplesOfPart, type TrainingExamples } from './training-examples.ts';

export const leakCheckParams: TrainingParamsInput = {
  num_iterations: 300,
  learning_rate: 0.05,
  num_leaves: 15,
  min_data_in_leaf: 50,
  early_stopping_round: 30,
  seed: 1,
};

export interface LeakCheck {
  /** Test AUC of a model trained on the train part, early-stopped on validation. */
  leakCheckAuc: number;
  /** AUC of the known true probability of each test example (its lead at its snapshot), on the same examples. */
  oracleAuc: number;
  trees: number;
  testExamples: number;
}

/**
 * The leakage check on synthetic data whose true conversion probabilities are known: a model that
 * beats them on the same test examples has seen something it should not have.
 */
export function leakCheck(
  examples: TrainingExamples,
  /** The true probability of the example's label: the lead's, at the example's snapshot time. */
  trueProbability: (leadId: string, snapshotMs: number) => number,
  params: TrainingParamsInput = leakCheckParams,
): LeakCheck {
  const train = examplesOfPart(examples, TRAIN);
  const valid = examplesOfPart(examples, VALID);
  const test = examplesOfPart(examples, TEST);
  const model = trainModelSync(train, params, { valid, inputSchema: examples.inputSchema });
  const scores = predictRaw(model, test.matrix.values as Float64Array);
  const oracle = Float64Array.from(test.leadIds, (leadId, row) =>
    trueProbability(leadId, test.snapshotTimes[row]),
  );
  return {
    leakCheckAuc: rocAuc(test.labels, scores),
    oracleAuc: rocAuc(test.labels, oracle),
    trees: model.trees.length,
    testExamples: test.labels.length,
  };
}
