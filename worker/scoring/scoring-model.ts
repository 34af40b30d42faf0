import { featureDefinition } from '../../shared/features/feature-catalogue.ts';
import type { FeatureValue } from '../../shared/features/feature-definition.ts';
import type { ScoreSource } from '../../shared/schemas/score.ts';
import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import { applyCalibrator } from '../engine/calibration/calibrate.ts';
import type { Calibrator } from '../engine/calibration/calibrator.ts';
import type { Model } from '../engine/io/model.ts';
import { inputSchemaOf } from '../engine/io/model-input-schema.ts';
import { rawToProbability } from '../engine/predict/predict.ts';
import { FeatureEncoder } from '../features/feature-encoder.ts';

/**
 * A model ready to score: the engine model, its calibrator and score scale, and the encoder that lays
 * catalogue values out in the model's own column order with its frozen category codes. A champion
 * trained on an older catalogue still scores today's vectors: it reads the features it knows.
 */
export interface ScoringModel {
  version: string;
  /** The segment the model was trained for, or `pooled`. */
  segment: string;
  source: Exclude<ScoreSource, 'rules'>;
  model: Model;
  calibrator: Calibrator;
  scale: ScoreScale;
  /** The model's feature ids, in its column order. */
  featureIds: string[];
  encoder: FeatureEncoder;
  /** For each model column, the index of its feature in the catalogue vector. */
  catalogueIndex: number[];
}

export function scoringModel(input: {
  version: string;
  segment: string;
  source: ScoringModel['source'];
  model: Model;
  calibrator: Calibrator;
  scale: unknown;
  catalogueIds: readonly string[];
}): ScoringModel {
  const schema = inputSchemaOf(input.model);
  const featureIds = schema.features.map((feature) => feature.name);
  const position = new Map(input.catalogueIds.map((id, index) => [id, index]));
  const catalogueIndex = featureIds.map((id) => {
    const at = position.get(id);
    if (at === undefined)
      throw new Error(`model ${input.version} reads ${id}, which the feature catalogue lacks`);
    return at;
  });
  return {
    version: input.version,
    segment: input.segment,
    source: input.source,
    model: input.model,
    calibrator: input.calibrator,
    scale: input.scale instanceof ScoreScale ? input.scale : ScoreScale.fromJSON(input.scale),
    featureIds,
    encoder: FeatureEncoder.fromInputSchema(featureIds.map(featureDefinition), schema),
    catalogueIndex,
  };
}

/** The model's columns of a catalogue vector. */
export function modelValues(model: ScoringModel, catalogueValues: readonly FeatureValue[]): FeatureValue[] {
  return model.catalogueIndex.map((index) => catalogueValues[index] ?? null);
}

/**
 * Raw scores to 9 decimals: the sum of the trees and the sum of the SHAP values differ in the last
 * bits, and a calibrator's plateau edge or a score cut point must not tell them apart.
 */
function settled(raw: number): number {
  return Math.round(raw * 1e9) / 1e9;
}

/** The calibrated probability of a raw score (log-odds). */
export function calibrated(model: ScoringModel, rawScore: number): number {
  const raw = settled(rawScore);
  const calibrator = model.calibrator;
  const input =
    calibrator.input === 'raw_score' ? [raw] : rawToProbability(model.model, Float64Array.of(raw));
  const probability = applyCalibrator(calibrator, input)[0];
  return Math.min(1, Math.max(0, probability));
}

/** The score of a raw score: the percentile of its calibrated probability. Never decreases. */
export function scoreOfRaw(model: ScoringModel, raw: number): number {
  return model.scale.scoreOf(calibrated(model, raw));
}
