import type { components } from '../api/openapi.d.ts';

type Schemas = components['schemas'];

export type Models = Schemas['Models'];
export type ModelVersion = Schemas['ModelVersion'];
export type SyncStatus = Schemas['SyncStatus'];
export type RollbackAnswer = Schemas['Rollback'];
export type QueuedAnswer = Schemas['Queued'];
export type SettingsVersion = Schemas['SettingsVersion'];

/** GET /models/{version}/evaluation, as the server's ModelEvaluation schema describes it. */
interface ModelEvaluationShape {
  version: string;
  segment: string;
  trainedAt: string;
  segmentFilter: string | null;
  window: { from: string; to: string; examples: number; positives: number };
  baseRate: number | null;
  calibration: {
    bins: {
      from: number;
      to: number;
      examples: number;
      weight: number;
      positives: number;
      predicted: number | null;
      observed: number | null;
    }[];
    error: number | null;
  } | null;
  calibrationNote: string | null;
  lift: {
    decile: number;
    examples: number;
    positives: number;
    minScore: number | null;
    maxScore: number | null;
    conversionRate: number | null;
    lift: number | null;
  }[];
}

/** GET /models/{segment}/champions, as the server's SegmentChampions schema describes it. */
interface SegmentChampionsShape {
  segment: string;
  champion: string | null;
  earlier: string[];
}

/** The generated type once openapi.d.ts has it, the same shape written out until then. */
export type ModelEvaluation = Schemas extends { ModelEvaluation: infer Generated }
  ? Generated
  : ModelEvaluationShape;
export type SegmentChampions = Schemas extends { SegmentChampions: infer Generated }
  ? Generated
  : SegmentChampionsShape;
export type CalibrationBin = NonNullable<ModelEvaluation['calibration']>['bins'][number];
export type LiftDecile = ModelEvaluation['lift'][number];
