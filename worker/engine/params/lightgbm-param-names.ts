import { type TrainingParamName, trainingParamNames } from './training-params.ts';

/**
 * LightGBM's parameter names as its CLI and config files accept them, sorted by what this engine
 * does with each. The aliases are LightGBM's own (its `Config::alias_table`, generated from
 * `include/LightGBM/config.h` and listed in docs/Parameters.rst), so a config written for LightGBM
 * means the same here or is refused.
 */

/** LightGBM aliases of the parameters this engine implements. */
export const TRAINING_PARAM_ALIASES: Readonly<Partial<Record<TrainingParamName, readonly string[]>>> = {
  objective: ['objective_type', 'app', 'application', 'loss'],
  num_iterations: [
    'num_iteration',
    'n_iter',
    'num_tree',
    'num_trees',
    'num_round',
    'num_rounds',
    'num_boost_round',
    'n_estimators',
    'max_iter',
  ],
  learning_rate: ['shrinkage_rate', 'eta'],
  num_leaves: ['num_leaf', 'max_leaves', 'max_leaf', 'max_leaf_nodes'],
  min_data_in_leaf: ['min_data_per_leaf', 'min_data', 'min_child_samples', 'min_samples_leaf'],
  min_sum_hessian_in_leaf: ['min_sum_hessian_per_leaf', 'min_sum_hessian', 'min_hessian', 'min_child_weight'],
  lambda_l1: ['reg_alpha', 'l1_regularization'],
  lambda_l2: ['reg_lambda', 'lambda', 'l2_regularization'],
  min_gain_to_split: ['min_split_gain'],
  max_bin: ['max_bins'],
  bin_construct_sample_cnt: ['subsample_for_bin'],
  bagging_fraction: ['sub_row', 'subsample', 'bagging'],
  bagging_freq: ['subsample_freq'],
  feature_fraction: ['sub_feature', 'colsample_bytree'],
  seed: ['random_seed', 'random_state'],
  early_stopping_round: ['early_stopping_rounds', 'early_stopping', 'n_iter_no_change'],
  metric: ['metrics', 'metric_types'],
  is_provide_training_metric: ['training_metric', 'is_training_metric', 'train_metric'],
  is_unbalance: ['unbalance', 'unbalanced_sets'],
};

/** Config keys naming files, which the command line takes as flags. */
export type IoKey = 'data' | 'valid' | 'output_model' | 'label_column';

export const IO_KEYS: Readonly<Record<IoKey, { aliases: readonly string[]; flag: string }>> = {
  data: { aliases: ['train', 'train_data', 'train_data_file', 'data_filename'], flag: '--train' },
  valid: {
    aliases: ['test', 'valid_data', 'valid_data_file', 'test_data', 'test_data_file', 'valid_filenames'],
    flag: '--test',
  },
  output_model: { aliases: ['model_output', 'model_out'], flag: '--model' },
  label_column: { aliases: ['label'], flag: '--label' },
};

/**
 * Keys whose value must be what this engine does (train a GBDT on CSV files with a header line): any
 * other value is refused, since ignoring it would train something else than asked.
 */
export const FIXED_KEYS: Readonly<
  Record<string, { aliases: readonly string[]; accepted: readonly string[] }>
> = {
  task: { aliases: ['task_type'], accepted: ['train', 'training'] },
  boosting: { aliases: ['boosting_type', 'boost'], accepted: ['gbdt', 'gbrt'] },
  // CSV files always start with a header line here; header = false would read it as data.
  header: { aliases: ['has_header'], accepted: ['true', '+'] },
};

/**
 * LightGBM keys that change nothing in the model this engine trains on one machine: accepted, and
 * ignored with one warning each saying why.
 */
export const IGNORED_KEYS: Readonly<Record<string, { aliases: readonly string[]; reason: string }>> = {
  tree_learner: {
    aliases: ['tree', 'tree_type', 'tree_learner_type'],
    reason: 'training always runs serially on one machine',
  },
  num_threads: {
    aliases: ['num_thread', 'nthread', 'nthreads', 'n_jobs'],
    reason: 'training runs in one thread',
  },
  device_type: { aliases: ['device'], reason: 'training runs on the CPU' },
  deterministic: { aliases: [], reason: 'training is always deterministic' },
  force_col_wise: { aliases: [], reason: 'a histogram layout choice that does not change the model' },
  force_row_wise: { aliases: [], reason: 'a histogram layout choice that does not change the model' },
  histogram_pool_size: {
    aliases: ['hist_pool_size'],
    reason: 'a memory setting that does not change the model',
  },
  num_machines: { aliases: ['num_machine'], reason: 'distributed training does not apply on one machine' },
  local_listen_port: {
    aliases: ['local_port', 'port'],
    reason: 'distributed training does not apply on one machine',
  },
  time_out: { aliases: [], reason: 'distributed training does not apply on one machine' },
  machine_list_filename: {
    aliases: ['machine_list_file', 'machine_list', 'mlist'],
    reason: 'distributed training does not apply on one machine',
  },
  machines: { aliases: ['workers', 'nodes'], reason: 'distributed training does not apply on one machine' },
  pre_partition: {
    aliases: ['is_pre_partition'],
    reason: 'distributed training does not apply on one machine',
  },
  gpu_platform_id: { aliases: [], reason: 'training runs on the CPU' },
  gpu_device_id: { aliases: [], reason: 'training runs on the CPU' },
  gpu_use_dp: { aliases: [], reason: 'training runs on the CPU' },
  num_gpu: { aliases: [], reason: 'training runs on the CPU' },
  metric_freq: { aliases: ['output_freq'], reason: 'the progress bar shows every iteration' },
  verbosity: { aliases: ['verbose'], reason: 'use --quiet to hide the progress bar' },
  first_metric_only: { aliases: [], reason: 'only one metric is tracked during training' },
  is_enable_sparse: {
    aliases: ['is_sparse', 'enable_sparse', 'sparse'],
    reason: 'a storage optimisation that does not change the model',
  },
  enable_bundle: {
    aliases: ['is_enable_bundle', 'bundle'],
    reason: 'feature bundling is a storage optimisation; features are never bundled here',
  },
  two_round: {
    aliases: ['two_round_loading', 'use_two_round_loading'],
    reason: 'CSV files are always read in two streaming passes',
  },
  save_binary: {
    aliases: ['is_save_binary', 'is_save_binary_file'],
    reason: 'no binary dataset file is written',
  },
  precise_float_parser: { aliases: [], reason: 'numbers are always parsed exactly' },
  snapshot_freq: { aliases: ['save_period'], reason: 'the model is written once, when training ends' },
  saved_feature_importance_type: { aliases: [], reason: 'the model file carries no feature importances' },
  output_result: {
    aliases: [
      'predict_result',
      'prediction_result',
      'predict_name',
      'prediction_name',
      'pred_name',
      'name_pred',
    ],
    reason: 'a prediction setting; use leadscore predict --out',
  },
  convert_model_language: { aliases: [], reason: 'models are not converted to code' },
  convert_model: { aliases: ['convert_model_file'], reason: 'models are not converted to code' },
};

/**
 * LightGBM parameters this engine does not implement. Ignoring one would train a different model than
 * the config asks for, so each is refused.
 */
export const UNSUPPORTED_KEYS: Readonly<Record<string, { aliases: readonly string[]; hint?: string }>> = {
  input_model: { aliases: ['model_input', 'model_in'], hint: 'continued training is not supported' },
  pos_bagging_fraction: { aliases: ['pos_sub_row', 'pos_subsample', 'pos_bagging'] },
  neg_bagging_fraction: { aliases: ['neg_sub_row', 'neg_subsample', 'neg_bagging'] },
  bagging_seed: { aliases: ['bagging_fraction_seed'], hint: 'use seed' },
  feature_fraction_bynode: { aliases: ['sub_feature_bynode', 'colsample_bynode'] },
  feature_fraction_seed: { aliases: [], hint: 'use seed' },
  data_random_seed: { aliases: ['data_seed'], hint: 'use seed' },
  extra_trees: { aliases: ['extra_tree'] },
  extra_seed: { aliases: [] },
  max_delta_step: { aliases: ['max_tree_output', 'max_leaf_output'] },
  linear_tree: { aliases: ['linear_trees'] },
  linear_lambda: { aliases: [] },
  drop_rate: { aliases: ['rate_drop'] },
  max_drop: { aliases: [] },
  skip_drop: { aliases: [] },
  xgboost_dart_mode: { aliases: [] },
  uniform_drop: { aliases: [] },
  drop_seed: { aliases: [] },
  top_rate: { aliases: [] },
  other_rate: { aliases: [] },
  top_k: { aliases: ['topk'] },
  monotone_constraints: { aliases: ['mc', 'monotone_constraint', 'monotonic_cst'] },
  monotone_constraints_method: { aliases: ['monotone_constraining_method', 'mc_method'] },
  monotone_penalty: { aliases: ['monotone_splits_penalty', 'ms_penalty', 'mc_penalty'] },
  feature_contri: { aliases: ['feature_contrib', 'fc', 'fp', 'feature_penalty'] },
  forcedsplits_filename: {
    aliases: ['fs', 'forced_splits_filename', 'forced_splits_file', 'forced_splits'],
  },
  forcedbins_filename: { aliases: [] },
  refit_decay_rate: { aliases: [] },
  cegb_tradeoff: { aliases: [] },
  cegb_penalty_split: { aliases: [] },
  cegb_penalty_feature_lazy: { aliases: [] },
  cegb_penalty_feature_coupled: { aliases: [] },
  path_smooth: { aliases: [] },
  interaction_constraints: { aliases: [] },
  max_bin_by_feature: { aliases: [] },
  zero_as_missing: { aliases: [] },
  weight_column: { aliases: ['weight'] },
  group_column: { aliases: ['group', 'group_id', 'query_column', 'query', 'query_id'] },
  ignore_column: { aliases: ['ignore_feature', 'blacklist'], hint: 'use --drop with column names' },
  categorical_feature: {
    aliases: ['cat_feature', 'categorical_column', 'cat_column', 'categorical_features'],
    hint: 'use --categorical with column names',
  },
  objective_seed: { aliases: [] },
  num_class: { aliases: ['num_classes'], hint: 'only binary models are trained' },
  reg_sqrt: { aliases: [] },
  alpha: { aliases: [] },
  fair_c: { aliases: [] },
  poisson_max_delta_step: { aliases: [] },
  tweedie_variance_power: { aliases: [] },
  lambdarank_truncation_level: { aliases: [] },
  lambdarank_norm: { aliases: [] },
  label_gain: { aliases: [] },
  eval_at: { aliases: ['ndcg_eval_at', 'ndcg_at', 'map_eval_at', 'map_at'] },
  multi_error_top_k: { aliases: [] },
  auc_mu_weights: { aliases: [] },
};

/** What a key written in a config file or `--param` means here. */
export type KeyMeaning =
  | { kind: 'param'; name: TrainingParamName }
  | { kind: 'io'; name: IoKey }
  | { kind: 'fixed'; name: string; accepted: readonly string[] }
  | { kind: 'ignored'; name: string; reason: string }
  | { kind: 'unsupported'; name: string; hint: string | undefined };

const meanings = buildMeanings();

function buildMeanings(): Map<string, KeyMeaning> {
  const table = new Map<string, KeyMeaning>();
  const add = (names: readonly string[], meaning: KeyMeaning): void => {
    for (const name of names) table.set(name, meaning);
  };
  for (const name of trainingParamNames) {
    add([name, ...(TRAINING_PARAM_ALIASES[name] ?? [])], { kind: 'param', name });
  }
  for (const [name, spec] of Object.entries(IO_KEYS) as [IoKey, (typeof IO_KEYS)[IoKey]][]) {
    add([name, ...spec.aliases], { kind: 'io', name });
  }
  for (const [name, spec] of Object.entries(FIXED_KEYS)) {
    add([name, ...spec.aliases], { kind: 'fixed', name, accepted: spec.accepted });
  }
  for (const [name, spec] of Object.entries(IGNORED_KEYS)) {
    add([name, ...spec.aliases], { kind: 'ignored', name, reason: spec.reason });
  }
  for (const [name, spec] of Object.entries(UNSUPPORTED_KEYS)) {
    add([name, ...spec.aliases], { kind: 'unsupported', name, hint: spec.hint });
  }
  return table;
}

/** The meaning of a LightGBM key or alias, or undefined when LightGBM has no such key. */
export function lookupKey(key: string): KeyMeaning | undefined {
  return meanings.get(key);
}

/** Every name a config file may use, for "did you mean" suggestions. */
export function knownKeys(): string[] {
  return [...meanings.keys()];
}

/** The known key closest to `key` by edit distance, when it is close enough to be a likely typo. */
export function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of meanings.keys()) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions each cost one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
