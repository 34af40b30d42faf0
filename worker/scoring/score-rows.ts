import type { FeatureValue } from '../../shared/features/feature-definition.ts';
import type { ScoreRecord } from '../../shared/schemas/score.ts';
import type { Segment } from '../../shared/schemas/settings.ts';
import { type ExplainedModelScore, explainModelScore } from '../../shared/scoring/model-score.ts';
import { recommendationFor } from '../../shared/scoring/recommendation.ts';
import { tierOf } from '../../shared/scoring/score-scale.ts';
import { scoreByRules } from '../../shared/scoring/transparent-rules.ts';
import { explainContributions } from '../engine/explain/fast-tree-shap.ts';
import { calibrated, modelValues, type ScoringModel } from './scoring-model.ts';

/** One lead to score: its id, its segment and its feature values in catalogue order. */
export interface LeadRow {
  leadId: string;
  segment: Segment;
  values: readonly FeatureValue[];
}

/** The version string of scores that come from the transparent rules. */
export const RULES_VERSION = 'rules-v1';

function valuesById(ids: readonly string[], values: readonly FeatureValue[]): Record<string, FeatureValue> {
  const byId: Record<string, FeatureValue> = {};
  ids.forEach((id, index) => {
    byId[id] = values[index] ?? null;
  });
  return byId;
}

/**
 * Scores and explains rows with one model: exact TreeSHAP contributions per row (all rows in one
 * matrix, so the kernel works in blocks), turned into whole points with baseline + Σ points = score.
 */
export function scoreRowsWithModel(
  model: ScoringModel,
  rows: readonly LeadRow[],
  catalogueIds: readonly string[],
  scoredAt: string,
): ScoreRecord[] {
  return explainRowsWithModel(model, rows, catalogueIds, scoredAt).map((explained) => explained.record);
}

export type ExplainedRow = ExplainedModelScore;

/** scoreRowsWithModel, keeping every feature's points and the raw score (tests and diagnostics). */
export function explainRowsWithModel(
  model: ScoringModel,
  rows: readonly LeadRow[],
  catalogueIds: readonly string[],
  scoredAt: string,
): ExplainedRow[] {
  const width = model.featureIds.length;
  const matrix = new Float64Array(rows.length * width);
  rows.forEach((row, index) => {
    model.encoder.encode(modelValues(model, row.values), matrix, index * width);
  });
  const contributions = explainContributions(model.model, matrix);
  return rows.map((row, index) => {
    const offset = index * (width + 1);
    return explainModelScore({
      leadId: row.leadId,
      modelVersion: model.version,
      segment: row.segment,
      source: model.source,
      bias: contributions[offset + width],
      contributions: model.featureIds.map((featureId, column) => ({
        featureId,
        phi: contributions[offset + column],
      })),
      values: valuesById(catalogueIds, row.values),
      probabilityOf: (raw) => calibrated(model, raw),
      scale: model.scale,
      scoredAt,
    });
  });
}

/**
 * Scores a row by the transparent rules (cold start). Rules have no calibrated probability: the
 * record carries score / 100 in its place, and the panel says the score comes from rules.
 */
export function scoreRowByRules(
  row: LeadRow,
  catalogueIds: readonly string[],
  scoredAt: string,
): ScoreRecord {
  const values = valuesById(catalogueIds, row.values);
  const rules = scoreByRules(values);
  const tier = tierOf(rules.score, row.segment);
  return {
    leadId: row.leadId,
    modelVersion: RULES_VERSION,
    score: rules.score,
    probability: rules.score / 100,
    tier,
    segment: row.segment.id,
    factors: rules.factors,
    otherPoints: rules.otherPoints,
    baseline: rules.baseline,
    recommendation: recommendationFor({ tier, values, factors: rules.factors }),
    scoredAt,
    source: 'rules',
  };
}
