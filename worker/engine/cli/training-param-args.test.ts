import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closestKey, editDistance, lookupKey } from '../params/lightgbm-param-names.ts';
import { parseTrainingParams } from '../params/training-params.ts';
import { parseFlags } from './parse-flags.ts';
import { repoRoot } from './run-leadscore.ts';
import {
  resolveTrainingParams,
  TRAINING_PARAM_FLAG_SPEC,
  TRAINING_PARAM_HELP,
} from './training-param-args.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-params-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const LIGHTGBM_TRAIN_CONF = path.join(repoRoot, 'fixtures/lightgbm/train.conf');

function config(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

function resolve(args: string[]) {
  return resolveTrainingParams('train', parseFlags('train', args, TRAINING_PARAM_FLAG_SPEC));
}

function failure(args: string[]): string {
  try {
    resolve(args);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the arguments to be refused');
}

describe('LightGBM parameter names', () => {
  it.each([
    ['num_trees', 'num_iterations'],
    ['num_iteration', 'num_iterations'],
    ['n_estimators', 'num_iterations'],
    ['num_boost_round', 'num_iterations'],
    ['eta', 'learning_rate'],
    ['shrinkage_rate', 'learning_rate'],
    ['num_leaf', 'num_leaves'],
    ['max_leaf_nodes', 'num_leaves'],
    ['sub_feature', 'feature_fraction'],
    ['colsample_bytree', 'feature_fraction'],
    ['min_child_samples', 'min_data_in_leaf'],
    ['min_data', 'min_data_in_leaf'],
    ['min_child_weight', 'min_sum_hessian_in_leaf'],
    ['bagging_fraction', 'bagging_fraction'],
    ['subsample', 'bagging_fraction'],
    ['sub_row', 'bagging_fraction'],
    ['subsample_freq', 'bagging_freq'],
    ['lambda_l2', 'lambda_l2'],
    ['reg_lambda', 'lambda_l2'],
    ['reg_alpha', 'lambda_l1'],
    ['min_split_gain', 'min_gain_to_split'],
    ['random_state', 'seed'],
    ['early_stopping_rounds', 'early_stopping_round'],
    ['is_training_metric', 'is_provide_training_metric'],
    ['subsample_for_bin', 'bin_construct_sample_cnt'],
    ['max_bins', 'max_bin'],
    ['application', 'objective'],
  ])('reads %s as %s', (alias, name) => {
    expect(lookupKey(alias)).toEqual({ kind: 'param', name });
  });

  it('suggests the closest name by edit distance', () => {
    expect(editDistance('num_treez', 'num_trees')).toBe(1);
    expect(closestKey('learnig_rate')).toBe('learning_rate');
    expect(closestKey('min_data_in_leaves')).toBe('min_data_in_leaf');
    expect(closestKey('zzzzzzzzzzzzzz')).toBeUndefined();
  });
});

describe('resolveTrainingParams', () => {
  it('reads --param under LightGBM names and aliases', () => {
    const { params, warnings } = resolve([
      '--param',
      'num_trees=7',
      '--param',
      'eta=0.05',
      '--param',
      'subsample=0.5',
      '--param',
      'subsample_freq=2',
      '--param',
      'is_unbalance=true',
      '--param',
      'metric=auc',
    ]);
    expect(params).toMatchObject({
      num_iterations: 7,
      learning_rate: 0.05,
      bagging_fraction: 0.5,
      bagging_freq: 2,
      is_unbalance: true,
      metric: 'auc',
    });
    expect(warnings).toEqual([]);
  });

  it('takes flags over --param over --config', () => {
    const file = config('precedence.conf', 'num_trees = 5\nnum_leaves = 9\nmax_bin = 63\n');
    const { params } = resolve([
      '--config',
      file,
      '--param',
      'num_leaf=12',
      '--param',
      'max_bin=31',
      '--max-bin',
      '15',
    ]);
    expect(params).toMatchObject({ num_iterations: 5, num_leaves: 12, max_bin: 15 });
  });

  it('gives the same parameters from flags, --param and a config file', () => {
    const file = config(
      'same.conf',
      'num_iterations = 12\nlearning_rate = 0.2\nnum_leaves = 5\nmin_data_in_leaf = 3\n',
    );
    const fromFlags = resolve([
      '--iterations',
      '12',
      '--learning-rate',
      '0.2',
      '--num-leaves',
      '5',
      '--min-data-in-leaf',
      '3',
    ]);
    const fromParam = resolve([
      '--param',
      'n_estimators=12',
      '--param',
      'eta=0.2',
      '--param',
      'num_leaf=5',
      '--param',
      'min_child_samples=3',
    ]);
    const fromConfig = resolve(['--config', file]);
    expect(fromParam.params).toEqual(fromFlags.params);
    expect(fromConfig.params).toEqual(fromFlags.params);
    expect(JSON.stringify(fromConfig.params)).toBe(JSON.stringify(parseTrainingParams(fromFlags.params)));
  });

  it('reads key = value lines with comments and blank lines', () => {
    const file = config(
      'comments.conf',
      '# a comment\n\n  num_trees   =   4   # trailing comment\nlearning_rate=0.3\n',
    );
    expect(resolve(['--config', file]).params).toMatchObject({ num_iterations: 4, learning_rate: 0.3 });
  });

  it("loads LightGBM's own example train.conf, mapping its file keys and warning once per ignored key", () => {
    const { params, warnings, io } = resolve(['--config', LIGHTGBM_TRAIN_CONF]);
    expect(params).toMatchObject({
      objective: 'binary',
      metric: 'binary_logloss',
      is_provide_training_metric: true,
      max_bin: 255,
      num_iterations: 100,
      learning_rate: 0.1,
      num_leaves: 63,
      feature_fraction: 0.8,
      bagging_freq: 5,
      bagging_fraction: 0.8,
      min_data_in_leaf: 50,
      min_sum_hessian_in_leaf: 5,
    });
    const folder = path.dirname(LIGHTGBM_TRAIN_CONF);
    expect(io).toEqual({
      data: path.join(folder, 'binary.train'),
      validData: path.join(folder, 'binary.test'),
      outputModel: path.join(folder, 'LightGBM_model.txt'),
    });
    const where = (line: number): string => `${LIGHTGBM_TRAIN_CONF}, line ${line}`;
    expect(warnings).toEqual([
      `${where(21)}: metric lists 2 metrics; only the first (binary_logloss) is tracked during training, and the report has AUC, PR AUC and log loss in any case`,
      `${where(24)}: metric_freq is ignored: the progress bar shows every iteration`,
      `${where(57)}: tree_learner is ignored: training always runs serially on one machine`,
      `${where(81)}: is_enable_sparse is ignored: a storage optimisation that does not change the model`,
      `${where(85)}: use_two_round_loading is ignored: CSV files are always read in two streaming passes`,
      `${where(89)}: is_save_binary_file is ignored: no binary dataset file is written`,
      `${where(105)}: num_machines is ignored: distributed training does not apply on one machine`,
      `${where(108)}: local_listen_port is ignored: distributed training does not apply on one machine`,
      `${where(111)}: machine_list_file is ignored: distributed training does not apply on one machine`,
    ]);
  });

  it('refuses an unknown key with the file, the line and the closest name', () => {
    const file = config('typo.conf', 'num_trees = 5\nnum_leavs = 7\n');
    expect(failure(['--config', file])).toBe(
      `${file}, line 2: unknown parameter "num_leavs"; did you mean "num_leaves"?`,
    );
    expect(failure(['--param', 'learnig_rate=0.1'])).toBe(
      'leadscore train: --param learnig_rate=0.1: unknown parameter "learnig_rate"; did you mean "learning_rate"?',
    );
  });

  it('type-checks values, naming the key, the file and the line', () => {
    const file = config('types.conf', '\nnum_trees = ten\n');
    expect(failure(['--config', file])).toBe(
      `${file}, line 2: num_iterations must be an integer >= 1, got "ten"`,
    );
    const boolFile = config('bool.conf', 'is_unbalance = yes\n');
    expect(failure(['--config', boolFile])).toBe(
      `${boolFile}, line 1: is_unbalance must be true or false, got "yes"`,
    );
    expect(failure(['--param', 'metric=l2'])).toBe(
      "leadscore train: --param metric=l2: metric must be one of 'binary_logloss', 'auc', got \"l2\"",
    );
  });

  it('names the config line when a value is out of range', () => {
    const file = config('range.conf', 'num_leaf = 1\n');
    expect(failure(['--config', file])).toBe(
      `leadscore train: ${file}, line 1 (num_leaf): Invalid training parameter num_leaves: must be an integer >= 2 and <= 131072, got 1`,
    );
  });

  it('refuses a parameter set twice in one source', () => {
    const file = config('twice.conf', 'num_trees = 5\nn_estimators = 6\n');
    expect(failure(['--config', file])).toBe(
      `${file}: num_iterations is set twice (${file}, line 1 (num_trees) and ${file}, line 2 (n_estimators)); keep one`,
    );
  });

  it('refuses LightGBM parameters this engine does not implement, and tasks other than training', () => {
    const file = config('dart.conf', 'boosting = dart\n');
    expect(failure(['--config', file])).toBe(
      `${file}, line 1: boosting = dart is not supported; this engine only does boosting = gbdt`,
    );
    expect(failure(['--param', 'extra_trees=true'])).toBe(
      'leadscore train: --param extra_trees=true: extra_trees is a LightGBM parameter this engine does not implement; remove it',
    );
    expect(failure(['--param', 'task=predict'])).toContain('task = predict is not supported');
    expect(failure(['--param', 'has_header=false'])).toBe(
      'leadscore train: --param has_header=false: has_header = false is not supported; this engine only does header = true',
    );
    expect(resolve(['--param', 'header=true']).warnings).toEqual([]);
  });

  it('refuses a config file that cannot be read or has a line without "="', () => {
    const absent = path.join(directory, 'absent.conf');
    expect(failure(['--config', absent])).toBe(
      `leadscore train: --config ${absent}: cannot read the config file (ENOENT)`,
    );
    const file = config('no-equals.conf', 'num_trees = 5\nnum_leaves 7\n');
    expect(failure(['--config', file])).toBe(`${file}, line 2: expected "key = value", found "num_leaves 7"`);
    expect(failure(['--param', 'num_leaves'])).toBe(
      'leadscore train: --param expects name=value, got "num_leaves"',
    );
  });

  it('reads label_column = name:<column> as --label and refuses a column index', () => {
    expect(resolve(['--param', 'label_column=name:Converted']).io.label).toBe('Converted');
    expect(failure(['--param', 'label=0'])).toContain('label_column = 0 is a column index');
  });

  it('parses a negative number as the value of a flag', () => {
    expect(failure(['--learning-rate', '-1'])).toBe(
      'leadscore train: --learning-rate: Invalid training parameter learning_rate: must be a number > 0, got -1',
    );
    expect(failure(['--max-depth', '-2'])).toContain('--max-depth: Invalid training parameter max_depth');
    expect(resolve(['--max-depth', '-1']).params.max_depth).toBe(-1);
  });

  it('warns about a learning rate above 1', () => {
    expect(resolve(['--learning-rate', '1.5']).warnings).toEqual([
      'learning_rate 1.5 is above 1: each tree overshoots the correction it learned and training usually diverges; values from 0.01 to 0.3 are usual',
    ]);
  });

  it('lists every parameter with its default, range and aliases in the help text', () => {
    expect(TRAINING_PARAM_HELP).toContain(
      '--iterations N          num_iterations: default 100; an integer >= 1',
    );
    expect(TRAINING_PARAM_HELP).toContain(
      'num_leaves = 31  (an integer >= 2 and <= 131072); aliases: num_leaf, max_leaves, max_leaf, max_leaf_nodes',
    );
    expect(TRAINING_PARAM_HELP).toContain(
      'lambda_l2 = 0  (a number >= 0); aliases: reg_lambda, lambda, l2_regularization',
    );
  });
});
