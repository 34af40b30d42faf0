import { z } from 'zod';

/**
 * Training parameters, declared once with LightGBM's names, defaults and ranges (the idea of
 * LightGBM's config.h). Everything that trains reads `TrainingParams`; everything that accepts
 * parameters from outside goes through `parseTrainingParams`, whose errors name the parameter and its
 * allowed range.
 */

interface NumberSpec {
  kind: 'int' | 'float';
  default: number;
  description: string;
  min?: number;
  max?: number;
  /** Lower bound is exclusive (value must be greater than `min`). */
  minExclusive?: boolean;
}

function rangeText(spec: NumberSpec): string {
  const noun = spec.kind === 'int' ? 'an integer' : 'a number';
  const low = spec.min === undefined ? undefined : `${spec.minExclusive ? '>' : '>='} ${spec.min}`;
  const high = spec.max === undefined ? undefined : `<= ${spec.max}`;
  const bounds = [low, high].filter((part) => part !== undefined).join(' and ');
  return bounds === '' ? noun : `${noun} ${bounds}`;
}

function numberParam(spec: NumberSpec) {
  let schema = z.number();
  if (spec.kind === 'int') schema = schema.int();
  if (spec.min !== undefined) schema = spec.minExclusive ? schema.gt(spec.min) : schema.gte(spec.min);
  if (spec.max !== undefined) schema = schema.lte(spec.max);
  return schema
    .default(spec.default)
    .meta({ description: spec.description, allowed: rangeText(spec), kind: spec.kind });
}

function booleanParam(defaultValue: boolean, description: string) {
  return z.boolean().default(defaultValue).meta({ description, allowed: 'true or false', kind: 'boolean' });
}

function enumParam<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
  description: string,
) {
  return z
    .enum(values)
    .default(defaultValue)
    .meta({
      description,
      allowed: `one of ${values.map((value) => `'${value}'`).join(', ')}`,
      kind: 'enum',
      values: [...values],
    });
}

const shape = {
  objective: enumParam(['binary'], 'binary', 'Loss to optimise; binary log loss on 0/1 labels.'),
  num_iterations: numberParam({
    kind: 'int',
    default: 100,
    min: 1,
    description: 'Number of boosting iterations (trees).',
  }),
  learning_rate: numberParam({
    kind: 'float',
    default: 0.1,
    min: 0,
    minExclusive: true,
    description: 'Shrinkage applied to every new tree.',
  }),
  num_leaves: numberParam({
    kind: 'int',
    default: 31,
    min: 2,
    max: 131072,
    description: 'Maximum number of leaves in one tree.',
  }),
  max_depth: numberParam({
    kind: 'int',
    default: -1,
    min: -1,
    description: 'Maximum tree depth; 0 or -1 means no limit.',
  }),
  min_data_in_leaf: numberParam({
    kind: 'int',
    default: 20,
    min: 0,
    description: 'Minimum number of rows in a leaf.',
  }),
  min_sum_hessian_in_leaf: numberParam({
    kind: 'float',
    default: 1e-3,
    min: 0,
    description: 'Minimum sum of hessians in a leaf.',
  }),
  lambda_l1: numberParam({
    kind: 'float',
    default: 0,
    min: 0,
    description: 'L1 regularisation of leaf values.',
  }),
  lambda_l2: numberParam({
    kind: 'float',
    default: 0,
    min: 0,
    description: 'L2 regularisation of leaf values.',
  }),
  min_gain_to_split: numberParam({
    kind: 'float',
    default: 0,
    min: 0,
    description: 'Minimum gain a split must bring.',
  }),
  max_bin: numberParam({
    kind: 'int',
    default: 255,
    min: 2,
    max: 65535,
    description: 'Maximum number of histogram bins per feature.',
  }),
  min_data_in_bin: numberParam({
    kind: 'int',
    default: 3,
    min: 1,
    description: 'Minimum number of sampled rows in one numerical bin.',
  }),
  bin_construct_sample_cnt: numberParam({
    kind: 'int',
    default: 200000,
    min: 1,
    description: 'Number of rows sampled to find bin bounds.',
  }),
  bagging_fraction: numberParam({
    kind: 'float',
    default: 1,
    min: 0,
    minExclusive: true,
    max: 1,
    description: 'Fraction of rows sampled (without replacement) for a tree when bagging is on.',
  }),
  bagging_freq: numberParam({
    kind: 'int',
    default: 0,
    min: 0,
    description: 'Resample the bag every k iterations; 0 turns bagging off.',
  }),
  feature_fraction: numberParam({
    kind: 'float',
    default: 1,
    min: 0,
    minExclusive: true,
    max: 1,
    description: 'Fraction of features a tree may use, drawn per tree.',
  }),
  seed: numberParam({
    kind: 'int',
    default: 0,
    min: 0,
    max: 2147483647,
    description: 'Seed of every random choice (bin sampling, bagging, feature fraction).',
  }),
  early_stopping_round: numberParam({
    kind: 'int',
    default: 0,
    min: 0,
    description: 'Stop when the validation metric has not improved for this many iterations; 0 turns it off.',
  }),
  metric: enumParam(
    ['binary_logloss', 'auc'],
    'binary_logloss',
    'Validation metric used for progress and early stopping.',
  ),
  is_provide_training_metric: booleanParam(
    false,
    'Also evaluate the metric on the training rows every iteration.',
  ),
  is_unbalance: booleanParam(
    false,
    'Weight positives by negatives/positives (or the reverse) to balance classes.',
  ),
  scale_pos_weight: numberParam({
    kind: 'float',
    default: 1,
    min: 0,
    minExclusive: true,
    description: 'Weight of positive rows.',
  }),
  boost_from_average: booleanParam(true, 'Start from the log-odds of the label mean instead of 0.'),
  sigmoid: numberParam({
    kind: 'float',
    default: 1,
    min: 0,
    minExclusive: true,
    description: 'Sigmoid scale of the binary objective.',
  }),
  max_cat_threshold: numberParam({
    kind: 'int',
    default: 32,
    min: 1,
    description: 'Maximum number of categories on one side of a categorical split.',
  }),
  cat_smooth: numberParam({
    kind: 'float',
    default: 10,
    min: 0,
    description: 'Smoothing added to the hessian when ordering categories; also their minimum row count.',
  }),
  cat_l2: numberParam({
    kind: 'float',
    default: 10,
    min: 0,
    description: 'Extra L2 regularisation for many-vs-many categorical splits.',
  }),
  min_data_per_group: numberParam({
    kind: 'int',
    default: 100,
    min: 1,
    description: 'Minimum number of rows per group of categories in a categorical split.',
  }),
  max_cat_to_onehot: numberParam({
    kind: 'int',
    default: 4,
    min: 1,
    description: 'Features with at most this many bins use one-vs-rest categorical splits.',
  }),
  use_missing: booleanParam(true, 'Give missing values (NaN) their own bin and learn where they go.'),
  feature_pre_filter: booleanParam(true, 'Drop features that cannot be split under min_data_in_leaf.'),
};

export const trainingParamsSchema = z.strictObject(shape).superRefine((params, context) => {
  if (params.is_unbalance && params.scale_pos_weight !== 1) {
    context.addIssue({
      code: 'custom',
      path: ['scale_pos_weight'],
      message: 'scale_pos_weight cannot be set together with is_unbalance: use one of them',
    });
  }
});

export type TrainingParams = z.output<typeof trainingParamsSchema>;
export type TrainingParamsInput = z.input<typeof trainingParamsSchema>;
export type TrainingParamName = keyof typeof shape;

export const trainingParamNames = Object.keys(shape) as TrainingParamName[];

export class TrainingParamsError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingParamsError';
  }
}

function isParamName(name: PropertyKey): name is TrainingParamName {
  return typeof name === 'string' && Object.hasOwn(shape, name);
}

/** Allowed values of a parameter, as shown in error messages and help text. */
export function describeAllowed(name: TrainingParamName): string {
  const meta = shape[name].meta();
  return typeof meta?.allowed === 'string' ? meta.allowed : '';
}

/** How a parameter's value is written: the kind of value, its default and, for enums, the choices. */
export interface ParamValueSpec {
  kind: 'int' | 'float' | 'boolean' | 'enum';
  default: number | boolean | string;
  values: string[];
}

const defaults = parseDefaults();

function parseDefaults(): Record<TrainingParamName, number | boolean | string> {
  return trainingParamsSchema.parse({}) as Record<TrainingParamName, number | boolean | string>;
}

/** The value kind, default and choices of a parameter, from its declaration above. */
export function paramValueSpec(name: TrainingParamName): ParamValueSpec {
  const meta = shape[name].meta();
  const kind = meta?.kind;
  const values = Array.isArray(meta?.values) ? meta.values.map(String) : [];
  return {
    kind: kind === 'int' || kind === 'float' || kind === 'boolean' ? kind : 'enum',
    default: defaults[name],
    values,
  };
}

/** One-line description of a parameter. */
export function describeParam(name: TrainingParamName): string {
  return shape[name].description ?? '';
}

/**
 * Validates parameters and fills in defaults. Throws `TrainingParamsError` for the first problem,
 * naming the parameter and what it accepts.
 */
export function parseTrainingParams(input: unknown = {}): TrainingParams {
  const result = trainingParamsSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const name = issue.keys[0];
    throw new TrainingParamsError(
      name,
      `Unknown training parameter '${name}'. Known parameters: ${trainingParamNames.join(', ')}`,
    );
  }
  const name = issue.path[0];
  if (!isParamName(name)) throw new TrainingParamsError('', `Invalid training parameters: ${issue.message}`);
  if (issue.code === 'custom') throw new TrainingParamsError(name, issue.message);
  const got =
    typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[name] : undefined;
  throw new TrainingParamsError(
    name,
    `Invalid training parameter ${name}: must be ${describeAllowed(name)}, got ${JSON.stringify(got)}`,
  );
}
