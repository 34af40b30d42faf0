/** Types of leadScoreLogic.js (the LWC module is plain JavaScript; tests import it through these). */
import type { FieldKey, PanelObject } from '../leadScoreFields/leadScoreFields.js';

export type FieldNames = Readonly<Record<PanelObject, Readonly<Record<FieldKey, string>>>>;
export type TierLabel = 'Hot' | 'Warm' | 'Cold';

export declare class LeadScorePanelError extends Error {
  constructor(message: string);
}

export declare function signedPoints(points: number): string;
export declare function recordFieldsFor(fields: FieldNames, objectApiName: string): string[];
export declare function tierLabel(value: unknown): TierLabel | null;

export interface FactorText {
  points: number | null;
  label: string;
  text: string;
}
export declare function parseFactorText(text: string): FactorText;

/** A getRecord answer, as far as the component reads it. */
export interface UiRecord {
  fields?: Record<string, { value: unknown; displayValue?: string | null } | null | undefined>;
}

export type RecordView =
  | { state: 'noAccess' }
  | { state: 'notScored' }
  | {
      state: 'scored';
      score: number;
      tier: TierLabel | null;
      factors: FactorText[];
      modelVersion: string | null;
      scoredAt: string | null;
      nurture: boolean;
      probability: number | null;
      recommendation: string | null;
    };
export declare function mapRecord(
  fields: FieldNames,
  objectApiName: string,
  record: UiRecord | null | undefined,
): RecordView;

export interface ScoreDetail {
  score: number;
  tier: TierLabel | null;
  probability: number | null;
  baseline: number;
  factors: { featureId: string; label: string; points: number }[];
  otherPoints: number;
  recommendation: string;
  history: { at: string; score: number; modelVersion: string }[];
  model: { version: string; source: 'model' | 'pooled' | 'rules'; ageDays: number | null };
  coldStart: string | null;
  holdout: boolean;
  segmentName: string | null;
  scoredAt: string | null;
}
export type DetailAnswer =
  | { status: 'scored'; detail: ScoreDetail }
  | { status: 'notScored'; message: string };
export declare function parseDetail(json: unknown): DetailAnswer;

export interface ScoreRow {
  key: string;
  label: string;
  points: number;
  kind: 'baseline' | 'factor' | 'other' | 'total';
  display: string;
  direction: 'up' | 'down' | 'neutral';
  barPercent: number;
}
export declare function scoreRows(detail: ScoreDetail): { rows: ScoreRow[]; sum: number; addsUp: boolean };

export interface Sparkline {
  points: string;
  last: { x: number; y: number };
  label: string;
  width: number;
  height: number;
}
export declare function sparkline(
  history: readonly { at: string; score: number }[],
  box?: { width?: number; height?: number; padding?: number },
): Sparkline | null;

export declare function formatProbability(probability: unknown): string;
export declare function formatModel(model: ScoreDetail['model']): string;
export declare function formatScoredAt(iso: unknown, nowMs: number): string;
export declare function errorText(
  error: unknown,
  source: 'record' | 'detail',
): { title: string; detail: string };
