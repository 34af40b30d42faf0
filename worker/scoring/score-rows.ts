import type { FeatureValue } from '../../shared/features/feature-definition.ts';
import type { ScoreRecord } from '../../shared/schemas/score.ts';
import type { Segment } from '../../shared/schemas/settings.ts';
import { explainScore, type PointedContribution, topFactors } from '../../shared/scoring/factor-points.ts';
import { factorOf } from '../../shared/scoring/factor-text.ts';
import { recommendationFor } from '../../shared/scoring/recommendation.ts';
import { tierOf } from '../../shared/scoring/score-scale.ts';
import { scoreByRules } from '../../shared/scoring/transparent-rules.ts';
import { explainContributions } from '../engine/explain/fast-tree-shap.ts';
import { calibrated, modelValues, type ScoringModel, scoreOfRaw } from './scoring-model.ts';

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

export interface ExplainedRow {
  record: ScoreRecord;
  /** The points of every model feature (the record keeps the top five and the rest as `otherPoints`). */
  points: PointedContribution[];
  raw: number;
}

/** scoreRowsWithModel, keeping every feature's points and the raw score (tests and diagnostics). */
export function explainRowsWithModel(
  model: ScoringModel,
  rows: readonly LeadRow[],
  catalogueIds: readonly string[],
  scoredAt: string,
): ExplainedRow[] {
  const width = model.featureIds.length;
  const matrix = new Float64Array(rows.length * width);
  const picked = rows.map((row, index) => {
    const values = modelValues(model, row.values);
    model.encoder.encode(values, matrix, index * width);
    return values;
  });
  const contributions = explainContributions(model.model, matrix);
  return rows.map((row, index) => {
    const offset = index * (width + 1);
    const bias = contributions[offset + width];
    let raw = bias;
    const phis = model.featureIds.map((featureId, column) => {
      const phi = contributions[offset + column];
      raw += phi;
      return { featureId, phi };
    });
    const explanation = explainScore({ bias, contributions: phis, toScore: (at) => scoreOfRaw(model, at) });
    const { top, otherPoints } = topFactors(explanation.points);
    const values = picked[index];
    const factors = top.map((factor) =>
      factorOf(factor.featureId, values[model.featureIds.indexOf(factor.featureId)] ?? null, factor.points),
    );
    const tier = tierOf(explanation.score, row.segment);
    const record: ScoreRecord = {
      leadId: row.leadId,
      modelVersion: model.version,
      score: explanation.score,
      probability: calibrated(model, raw),
      tier,
      segment: row.segment.id,
      factors,
      otherPoints,
      baseline: explanation.baseline,
      recommendation: recommendationFor({ tier, values: valuesById(catalogueIds, row.values), factors }),
      scoredAt,
      source: model.source,
    };
    return { record, points: explanation.points, raw };
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
