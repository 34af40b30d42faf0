import type { TenantId } from '../../shared/schemas/common.ts';
import type { Settings } from '../../shared/schemas/settings.ts';
import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import { segmentFor } from '../../shared/scoring/segment-rules.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';
import { TRAIN } from '../features/time-split.ts';
import { buildTrainingExamples, type TrainingExamples } from '../features/training-examples.ts';
import { calibratedProbabilities } from '../modelling/calibrated-model.ts';
import { evaluateProbabilities } from '../modelling/model-metrics.ts';
import type { TenantTrainingData } from '../modelling/retrain-tenant.ts';
import { POOLED_SEGMENT, type TrainedSegmentModel } from '../modelling/train-tenant.ts';

/** The segment of every lead that has examples, read once from the store (a batch at a time). */
async function segmentsOfLeads(
  history: LeadHistorySource,
  tenantId: string,
  leadIds: readonly string[],
  settings: Settings,
): Promise<Map<string, string>> {
  const distinct = [...new Set(leadIds)];
  const segments = new Map<string, string>();
  for (let start = 0; start < distinct.length; start += 1_000) {
    const batch = distinct.slice(start, start + 1_000);
    const leads = await Promise.all(batch.map((leadId) => history.lead(tenantId, leadId)));
    leads.forEach((lead, index) => {
      // A lead deleted since its examples were read falls into the catch-all.
      segments.set(
        batch[index],
        lead === undefined ? (settings.segments.at(-1)?.id ?? POOLED_SEGMENT) : segmentFor(settings, lead).id,
      );
    });
  }
  return segments;
}

/**
 * The score scale of a trained model: the percentile of the calibrated probability in its training
 * population (DESIGN.md, Score): the training rows of its segment, or every training row for the
 * pooled model. Sampled-down negatives count with their weights.
 */
export function scaleOfTrained(
  examples: TrainingExamples,
  segmentOfLead: (leadId: string) => string,
  trained: TrainedSegmentModel,
): ScoreScale {
  const width = examples.featureNames.length;
  const rows: number[] = [];
  for (let row = 0; row < examples.numRows; row += 1) {
    if (examples.split.parts[row] !== TRAIN) continue;
    if (trained.segment === POOLED_SEGMENT || segmentOfLead(examples.leadIds[row]) === trained.segment)
      rows.push(row);
  }
  const values = new Float64Array(rows.length * width);
  const weights = new Float64Array(rows.length);
  rows.forEach((row, index) => {
    values.set(examples.values.subarray(row * width, (row + 1) * width), index * width);
    weights[index] = examples.weights[row];
  });
  const probabilities = calibratedProbabilities(trained.model, trained.calibrator, values);
  return ScoreScale.fromProbabilities(probabilities, weights);
}

/**
 * Test-window metrics with precision and recall at the score thresholds RevOps set (warm and hot) of
 * the model's segment; the pooled model reports them at the thresholds of every segment it may serve.
 */
export function metricsAtSegmentThresholds(
  settings: Settings,
  trained: TrainedSegmentModel,
  scale: ScoreScale,
): TrainedSegmentModel['metrics'] {
  const segment = settings.segments.find((candidate) => candidate.id === trained.segment);
  const thresholds = [
    ...new Set(
      (segment === undefined ? settings.segments : [segment]).flatMap((one) => [
        one.warmThreshold,
        one.hotThreshold,
      ]),
    ),
  ].sort((one, two) => one - two);
  const probabilities = calibratedProbabilities(trained.model, trained.calibrator, trained.test.values);
  return evaluateProbabilities(trained.test.labels, probabilities, trained.test.weights, {
    on: 'score',
    thresholds,
    score: (probability) => scale.scoreOf(probability),
  });
}

/**
 * What a tenant's training needs, from the store: snapshot examples computed from its history, the
 * segment of every lead under the settings in force, and the score scale of each trained model.
 */
export async function trainingDataFromStore(input: {
  history: LeadHistorySource;
  tenantId: TenantId;
  settings: Settings;
  settingsVersion: number;
  dataEndMs: number;
  /** Examples already computed with these settings (a benchmark reuses its own). */
  examples?: TrainingExamples;
}): Promise<TenantTrainingData> {
  const { history, tenantId, settings } = input;
  const examples =
    input.examples ??
    (await buildTrainingExamples(history, tenantId, {
      dataEndMs: input.dataEndMs,
      label: settings.label,
      horizonDays: settings.horizonDays,
    }));
  const segments = await segmentsOfLeads(history, tenantId, examples.leadIds, settings);
  const segmentOfLead = (leadId: string) => segments.get(leadId) ?? POOLED_SEGMENT;
  return {
    examples,
    segments: settings.segments.map((segment) => segment.id),
    segmentOfLead,
    settingsVersion: input.settingsVersion,
    scaleOf: (trained) => scaleOfTrained(examples, segmentOfLead, trained).toJSON(),
    metricsOf: (trained, scale) => metricsAtSegmentThresholds(settings, trained, ScoreScale.fromJSON(scale)),
  };
}
