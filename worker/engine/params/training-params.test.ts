import { describe, expect, it } from 'vitest';
import {
  describeAllowed,
  describeParam,
  parseTrainingParams,
  TrainingParamsError,
  trainingParamNames,
} from './training-params.ts';

function errorOf(input: unknown): TrainingParamsError {
  try {
    parseTrainingParams(input);
  } catch (error) {
    if (error instanceof TrainingParamsError) return error;
    throw error;
  }
  throw new Error('expected parseTrainingParams to throw');
}

describe('training parameters', () => {
  it('fills in LightGBM defaults when nothing is given', () => {
    const params = parseTrainingParams({});
    expect(params).toMatchObject({
      objective: 'binary',
      num_iterations: 100,
      learning_rate: 0.1,
      num_leaves: 31,
      max_depth: -1,
      min_data_in_leaf: 20,
      min_sum_hessian_in_leaf: 1e-3,
      lambda_l1: 0,
      lambda_l2: 0,
      min_gain_to_split: 0,
      max_bin: 255,
      bagging_fraction: 1,
      bagging_freq: 0,
      feature_fraction: 1,
      early_stopping_round: 0,
      is_unbalance: false,
      scale_pos_weight: 1,
      max_cat_threshold: 32,
      cat_smooth: 10,
      cat_l2: 10,
      min_data_per_group: 100,
      max_cat_to_onehot: 4,
    });
  });

  it('keeps the values it is given', () => {
    const params = parseTrainingParams({ num_leaves: 15, learning_rate: 0.05, metric: 'auc' });
    expect(params.num_leaves).toBe(15);
    expect(params.learning_rate).toBe(0.05);
    expect(params.metric).toBe('auc');
  });

  it('gives every parameter a description and an allowed range', () => {
    for (const name of trainingParamNames) {
      expect(describeParam(name).length, name).toBeGreaterThan(10);
      expect(describeAllowed(name).length, name).toBeGreaterThan(3);
    }
  });

  it('names the parameter and its range when an integer is too small', () => {
    const error = errorOf({ num_leaves: 1 });
    expect(error.parameter).toBe('num_leaves');
    expect(error.message).toBe(
      'Invalid training parameter num_leaves: must be an integer >= 2 and <= 131072, got 1',
    );
  });

  it('rejects a fractional value for an integer parameter', () => {
    expect(errorOf({ min_data_in_leaf: 2.5 }).message).toBe(
      'Invalid training parameter min_data_in_leaf: must be an integer >= 0, got 2.5',
    );
  });

  it('explains exclusive bounds', () => {
    expect(errorOf({ learning_rate: 0 }).message).toBe(
      'Invalid training parameter learning_rate: must be a number > 0, got 0',
    );
    expect(errorOf({ bagging_fraction: 1.5 }).message).toBe(
      'Invalid training parameter bagging_fraction: must be a number > 0 and <= 1, got 1.5',
    );
  });

  it('lists the accepted metrics for an unknown metric', () => {
    expect(errorOf({ metric: 'rmse' }).message).toBe(
      "Invalid training parameter metric: must be one of 'binary_logloss', 'auc', got \"rmse\"",
    );
  });

  it('rejects a string where a number is expected', () => {
    expect(errorOf({ seed: 'abc' }).parameter).toBe('seed');
  });

  it('rejects unknown parameter names and lists the known ones', () => {
    const error = errorOf({ num_leafs: 10 });
    expect(error.parameter).toBe('num_leafs');
    expect(error.message).toContain("Unknown training parameter 'num_leafs'");
    expect(error.message).toContain('num_leaves');
  });

  it('refuses is_unbalance together with scale_pos_weight', () => {
    const error = errorOf({ is_unbalance: true, scale_pos_weight: 3 });
    expect(error.parameter).toBe('scale_pos_weight');
    expect(error.message).toContain('is_unbalance');
  });
});
