import type { Calibrator } from '../engine/calibration/calibrator.ts';
import { formatLightGbmModel } from '../engine/io/format-lightgbm-model.ts';
import type { Model } from '../engine/io/model.ts';
import {
  parseTrainingParams,
  type TrainingParams,
  type TrainingParamsInput,
} from '../engine/params/training-params.ts';
import { trainInWorker } from '../engine/runtime/train-in-worker.ts';
import type { TrainTaskInput } from '../engine/runtime/train-task.ts';
import { TEST, TRAIN, VALID } from '../features/time-split.ts';
import type { TrainingExamples } from '../features/training-examples.ts';
import { calibratedProbabilities, calibrateOnValidation } from './calibrated-model.ts';
import { distinctLeadCounts, type ExampleRows, rowsOf, timeRange } from './example-rows.ts';
import { evaluateProbabilities, type ModelMetrics, type ScoreThresholds } from './model-metrics.ts';
import { mapWithLimit } from './run-with-limit.ts';

/** The segment name of the tenant-wide model that serves every segment too small for its own. */
export const POOLED_SEGMENT = 'pooled';

/** Below these, in the training window, a segment has no model of its own (DESIGN.md, cold start). */
export interface ModelMinimums {
  /** Distinct labelled leads. */
  leads: number;
  /** Distinct leads with a positive label. */
  conversions: number;
}
export const MODEL_MINIMUMS: ModelMinimums = { leads: 1_000, conversions: 50 };

/** Trainings that run at once, each on its own worker thread (the worker has two cores). */
export const MAX_CONCURRENT_TRAININGS = 2;

/**
 * Classes are weighted by default (is_unbalance: positives weigh negatives / positives), so the raw
 * scores over-state the conversion rate: calibration on the validation window turns them back into
 * honest probabilities. Early stopping watches the validation AUC, which the weighting leaves alone.
 * Small trees and a low learning rate keep the up-weighted positives of a small segment from
 * steering the first trees alone.
 */
export const defaultModelParams: TrainingParamsInput = {
  num_iterations: 300,
  learning_rate: 0.03,
  num_leaves: 7,
  min_data_in_leaf: 50,
  early_stopping_round: 50,
  metric: 'auc',
  is_unbalance: true,
  seed: 1,
};

export interface TimeRange {
  fromMs: number | null;
  toMs: number | null;
}

/** Snapshot times of the rows a model was trained, calibrated and tested on. */
export interface DataWindow {
  train: TimeRange;
  valid: TimeRange;
  test: TimeRange;
}

export interface TrainedSegmentModel {
  /** A segment id, or POOLED_SEGMENT. */
  segment: string;
  model: Model;
  /** The model as a LightGBM text file. */
  modelText: string;
  calibrator: Calibrator;
  featureNames: string[];
  params: TrainingParams;
  window: DataWindow;
  /** Calibrated probabilities on the test window. */
  metrics: ModelMetrics;
  /** The pooled model only: its metrics on the test rows of each segment it serves. */
  servedSegments?: Record<string, ModelMetrics>;
  counts: {
    trainLeads: number;
    trainConversions: number;
    trainRows: number;
    validRows: number;
    validPositives: number;
    testRows: number;
  };
  /** The test window's rows, so a champion can be judged on the same examples. */
  test: ExampleRows;
}

export interface SegmentAssignment {
  segment: string;
  /** Its own model, or the pooled one because its training window is below the minimums. */
  servedBy: 'segment' | 'pooled';
  leads: number;
  conversions: number;
}

export type TenantTrainingResult =
  | {
      kind: 'rules';
      leads: number;
      conversions: number;
      minimums: ModelMinimums;
      /** "312 of 1,000 labelled leads, 9 of 50 converting leads in the training window". */
      reason: string;
    }
  | { kind: 'models'; models: TrainedSegmentModel[]; segments: SegmentAssignment[] };

export type TrainFunction = (input: TrainTaskInput) => Promise<Model>;

export interface TenantTrainingInput {
  examples: TrainingExamples;
  /** The tenant's segment ids; with none, the pooled model serves the whole tenant. */
  segments: readonly string[];
  segmentOfLead: (leadId: string) => string;
  /** Where precision and recall are reported, for every model or per segment. */
  thresholds?: ScoreThresholds | ((segment: string) => ScoreThresholds);
  /** Overrides of defaultModelParams. */
  params?: TrainingParamsInput;
  minimums?: ModelMinimums;
  /** At most MAX_CONCURRENT_TRAININGS. */
  concurrency?: number;
  /** Off the event loop by default (trainInWorker). */
  train?: TrainFunction;
}

const count = (value: number): string => value.toLocaleString('en-US');

export function belowMinimumsText(
  counts: { leads: number; conversions: number },
  minimums: ModelMinimums,
): string {
  return (
    `${count(counts.leads)} of ${count(minimums.leads)} labelled leads, ` +
    `${count(counts.conversions)} of ${count(minimums.conversions)} converting leads in the training window`
  );
}

function meetsMinimums(counts: { leads: number; conversions: number }, minimums: ModelMinimums): boolean {
  return counts.leads >= minimums.leads && counts.conversions >= minimums.conversions;
}

/**
 * A model per segment whose training window holds the minimums, the pooled tenant model for the
 * segments that do not (trained only when one needs it), or `rules` when even the whole tenant is
 * below them. Every model early-stops and is calibrated on its validation window and is measured
 * on its test window.
 */
export async function trainTenantModels(input: TenantTrainingInput): Promise<TenantTrainingResult> {
  const { examples } = input;
  const minimums = input.minimums ?? MODEL_MINIMUMS;
  const tenantCounts = distinctLeadCounts(rowsOf(examples, TRAIN));
  if (!meetsMinimums(tenantCounts, minimums)) {
    return { kind: 'rules', ...tenantCounts, minimums, reason: belowMinimumsText(tenantCounts, minimums) };
  }
  const segmentOfRow = examples.leadIds.map((leadId) => input.segmentOfLead(leadId));
  const assignments: SegmentAssignment[] = input.segments.map((segment) => {
    const counts = distinctLeadCounts(rowsOf(examples, TRAIN, (row) => segmentOfRow[row] === segment));
    return { segment, servedBy: meetsMinimums(counts, minimums) ? 'segment' : 'pooled', ...counts };
  });
  const toTrain = assignments.filter((entry) => entry.servedBy === 'segment').map((entry) => entry.segment);
  if (input.segments.length === 0 || assignments.some((entry) => entry.servedBy === 'pooled')) {
    toTrain.push(POOLED_SEGMENT);
  }
  const concurrency = Math.min(input.concurrency ?? MAX_CONCURRENT_TRAININGS, MAX_CONCURRENT_TRAININGS);
  const models = await mapWithLimit(toTrain, concurrency, (segment) =>
    trainSegmentModel(
      input,
      segment,
      segment === POOLED_SEGMENT ? () => true : (row) => segmentOfRow[row] === segment,
    ),
  );
  const pooled = models.find((trained) => trained.segment === POOLED_SEGMENT);
  if (pooled !== undefined) {
    pooled.servedSegments = {};
    for (const { segment } of assignments.filter((entry) => entry.servedBy === 'pooled')) {
      const test = rowsOf(examples, TEST, (row) => segmentOfRow[row] === segment);
      const probabilities = calibratedProbabilities(pooled.model, pooled.calibrator, test.values);
      pooled.servedSegments[segment] = evaluateProbabilities(
        test.labels,
        probabilities,
        test.weights,
        thresholdsFor(input, segment),
      );
    }
  }
  return { kind: 'models', models, segments: assignments };
}

function thresholdsFor(input: TenantTrainingInput, segment: string): ScoreThresholds | undefined {
  return typeof input.thresholds === 'function' ? input.thresholds(segment) : input.thresholds;
}

async function trainSegmentModel(
  input: TenantTrainingInput,
  segment: string,
  inSegment: (row: number) => boolean,
): Promise<TrainedSegmentModel> {
  const { examples } = input;
  const train = rowsOf(examples, TRAIN, inSegment);
  const valid = rowsOf(examples, VALID, inSegment);
  const test = rowsOf(examples, TEST, inSegment);
  if (valid.labels.length === 0 || test.labels.length === 0) {
    throw new Error(
      `segment ${segment} has ${valid.labels.length} validation and ${test.labels.length} test examples: ` +
        'a model needs both windows to calibrate and to be measured',
    );
  }
  const params = parseTrainingParams({ ...defaultModelParams, ...input.params });
  const trainInput: TrainTaskInput = {
    data: {
      matrix: train.matrix,
      labels: train.labels,
      featureNames: examples.featureNames,
      categorical: examples.categorical,
    },
    valid: { matrix: valid.matrix, labels: valid.labels },
    params,
    inputSchema: examples.inputSchema,
  };
  const model = await (input.train ?? ((task) => trainInWorker(task)))(trainInput);
  const { calibrator, validationPositives } = calibrateOnValidation(model, valid);
  const probabilities = calibratedProbabilities(model, calibrator, test.values);
  const counts = distinctLeadCounts(train);
  return {
    segment,
    model,
    modelText: formatLightGbmModel(model),
    calibrator,
    featureNames: [...examples.featureNames],
    params,
    window: {
      train: timeRange(train.snapshotTimes),
      valid: timeRange(valid.snapshotTimes),
      test: timeRange(test.snapshotTimes),
    },
    metrics: evaluateProbabilities(test.labels, probabilities, test.weights, thresholdsFor(input, segment)),
    counts: {
      trainLeads: counts.leads,
      trainConversions: counts.conversions,
      trainRows: train.labels.length,
      validRows: valid.labels.length,
      validPositives: validationPositives,
      testRows: test.labels.length,
    },
    test,
  };
}
