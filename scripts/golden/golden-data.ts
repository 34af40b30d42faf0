import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { GeneratorOptions } from '../../fixtures/generator/options.ts';
import { orderCategories } from '../../worker/engine/data/cell-values.ts';
import { sklearnTrainTestSplit } from '../../worker/engine/data/numpy-random-state.ts';
import type { InputFeature } from '../../worker/engine/io/input-schema.ts';
import {
  CATEGORICAL_COLUMNS,
  type FeatureColumn,
  ID_COLUMN,
  LABEL_COLUMN,
  type LeadFeatureRow,
  leadFeatureRows,
  NUMERIC_COLUMNS,
  type SnapshotRule,
} from './lead-features.ts';

/**
 * The input half of the golden files: the project's generated leads as CSV tables (what a user
 * hands `leadscore train`), the numeric matrices LightGBM reads, and LightGBM's training configs.
 * Everything here is plain TypeScript and deterministic; a test checks it reproduces the committed
 * files byte for byte, so the LightGBM outputs beside them provably come from these inputs.
 */

export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/golden');

export const GENERATOR_OPTIONS = {
  leads: 8000,
  seed: 20_261_201,
  conversionRate: 0.2,
  dirtyShare: 0.02,
  start: '2025-01-01',
  end: '2026-10-31',
} as const satisfies GeneratorOptions;
/** Leads are measured a week after they arrive and labelled by conversion in the 90 days after. */
export const SNAPSHOT_RULE: SnapshotRule = {
  snapshotDays: 7,
  horizonDays: 90,
  endMs: Date.parse(`${GENERATOR_OPTIONS.end}T23:59:59.999Z`),
};
const TEST_FRACTION = 0.2;
const SPLIT_SEED = 42;
/** The golden predictions and contributions cover the first test rows. */
export const SAMPLE_ROWS = 500;

/** Feature columns in model order: numbers first, then the categorical ones. */
export const FEATURE_COLUMNS: readonly FeatureColumn[] = [...NUMERIC_COLUMNS, ...CATEGORICAL_COLUMNS];

export interface TrainingRun {
  /** Config file name, also the stem of the files it produces. */
  name: 'nan' | 'zero' | 'quality';
  purpose: string;
  parameters: Record<string, string | number>;
}

/** Shared by every run: one thread, deterministic, exact decimal parsing. */
const commonParameters = {
  task: 'train',
  objective: 'binary',
  data: 'train.matrix.csv',
  header: 'true',
  label_column: `name:${LABEL_COLUMN}`,
  categorical_feature: `name:${CATEGORICAL_COLUMNS.join(',')}`,
  num_threads: 1,
  deterministic: 'true',
  force_col_wise: 'true',
  seed: 42,
  precise_float_parser: 'true',
  verbosity: -1,
};

export const TRAINING_RUNS: readonly TrainingRun[] = [
  {
    name: 'nan',
    purpose: 'missing values as NaN (features with and without NaN), numerical and categorical splits',
    parameters: {
      ...commonParameters,
      num_iterations: 40,
      learning_rate: 0.1,
      num_leaves: 15,
      min_data_in_leaf: 20,
      max_bin: 255,
    },
  },
  {
    name: 'zero',
    purpose: 'zero_as_missing=true: zeros (and NaN) are the missing value',
    parameters: {
      ...commonParameters,
      num_iterations: 40,
      learning_rate: 0.1,
      num_leaves: 15,
      min_data_in_leaf: 20,
      max_bin: 255,
      zero_as_missing: 'true',
    },
  },
  {
    name: 'quality',
    purpose: "the engine's reference parameters, for LightGBM's test AUC and log loss",
    parameters: {
      ...commonParameters,
      num_iterations: 300,
      learning_rate: 0.05,
      num_leaves: 31,
      min_data_in_leaf: 20,
      max_bin: 255,
    },
  },
];

export interface GoldenFile {
  name: string;
  text: string;
}

interface Split {
  train: LeadFeatureRow[];
  test: LeadFeatureRow[];
}

function splitRows(rows: LeadFeatureRow[]): Split {
  const split = sklearnTrainTestSplit(rows.length, TEST_FRACTION, SPLIT_SEED);
  return {
    train: Array.from(split.train, (index) => rows[index]),
    test: Array.from(split.test, (index) => rows[index]),
  };
}

/** The input schema the CLI infers from the training table: categories in the CLI's order. */
function featureSchema(train: LeadFeatureRow[]): InputFeature[] {
  return FEATURE_COLUMNS.map((column): InputFeature => {
    if (!(CATEGORICAL_COLUMNS as readonly string[]).includes(column)) {
      return { name: column, kind: 'numeric', categories: [] };
    }
    const seen = new Set<string>();
    for (const row of train) {
      const cell = row.features[column];
      if (cell !== null) seen.add(String(cell));
    }
    return { name: column, kind: 'categorical', categories: orderCategories(seen) };
  });
}

function leadTable(rows: LeadFeatureRow[]): string {
  const header = [ID_COLUMN, ...FEATURE_COLUMNS, LABEL_COLUMN];
  const body = rows.map((row) => [
    row.leadId,
    ...FEATURE_COLUMNS.map((column) => {
      const cell = row.features[column];
      return cell === null ? '' : String(cell);
    }),
    String(row.converted),
  ]);
  return stringify([header, ...body]);
}

/** LightGBM's input: label first, `nan` for missing, categories as integer codes (unseen ones missing). */
function lightGbmMatrix(rows: LeadFeatureRow[], schema: InputFeature[]): string {
  const codes = schema.map(
    (feature) => new Map(feature.categories.map((category, code) => [category, code])),
  );
  const lines = rows.map((row) => {
    const cells = schema.map((feature, index) => {
      const cell = row.features[feature.name as FeatureColumn];
      if (cell === null) return 'nan';
      if (feature.kind === 'numeric') return String(cell);
      const code = codes[index].get(String(cell));
      return code === undefined ? 'nan' : String(code);
    });
    return [String(row.converted), ...cells].join(',');
  });
  return `${[[LABEL_COLUMN, ...FEATURE_COLUMNS].join(','), ...lines].join('\n')}\n`;
}

function trainingConfig(run: TrainingRun): string {
  const lines = Object.entries(run.parameters).map(([key, value]) => `${key}=${value}`);
  return [
    `# ${run.name}: ${run.purpose}.`,
    '# Written by scripts/golden/golden-data.ts; `npm run golden` runs it as',
    `#   lightgbm config=${run.name}.conf output_model=<model file>`,
    ...lines,
    '',
  ].join('\n');
}

function datasetDescription(schema: InputFeature[], split: Split): string {
  const description = {
    source: 'fixtures/generator generateDataset(generator), features from scripts/golden/lead-features.ts',
    generator: GENERATOR_OPTIONS,
    snapshot: {
      snapshotDays: SNAPSHOT_RULE.snapshotDays,
      horizonDays: SNAPSHOT_RULE.horizonDays,
      end: new Date(SNAPSHOT_RULE.endMs).toISOString(),
    },
    split: `scikit-learn train_test_split(test_size=${TEST_FRACTION}, random_state=${SPLIT_SEED}), rows in split order`,
    trainRows: split.train.length,
    testRows: split.test.length,
    trainPositives: split.train.filter((row) => row.converted === 1).length,
    testPositives: split.test.filter((row) => row.converted === 1).length,
    id: ID_COLUMN,
    label: LABEL_COLUMN,
    features: schema,
  };
  return `${JSON.stringify(description, null, 2)}\n`;
}

/** Every input file of the golden run, in a fixed order. */
export function goldenDataFiles(): GoldenFile[] {
  const rows = leadFeatureRows(generateDataset(GENERATOR_OPTIONS), SNAPSHOT_RULE);
  const split = splitRows(rows);
  const schema = featureSchema(split.train);
  return [
    { name: 'dataset.json', text: datasetDescription(schema, split) },
    { name: 'leads-train.csv', text: leadTable(split.train) },
    { name: 'leads-test.csv', text: leadTable(split.test) },
    { name: 'train.matrix.csv', text: lightGbmMatrix(split.train, schema) },
    { name: 'test.matrix.csv', text: lightGbmMatrix(split.test, schema) },
    { name: 'sample.matrix.csv', text: lightGbmMatrix(split.test.slice(0, SAMPLE_ROWS), schema) },
    ...TRAINING_RUNS.map((run) => ({ name: `${run.name}.conf`, text: trainingConfig(run) })),
  ];
}
