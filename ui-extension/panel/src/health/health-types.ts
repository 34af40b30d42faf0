import type { components } from '../api/openapi.d.ts';

type Schemas = components['schemas'];

export type Models = Schemas['Models'];
export type ModelVersion = Schemas['ModelVersion'];
export type SyncStatus = Schemas['SyncStatus'];
export type RollbackAnswer = Schemas['Rollback'];
export type QueuedAnswer = Schemas['Queued'];
export type SettingsVersion = Schemas['SettingsVersion'];

/** GET /models/{version}/evaluation: calibration bins and lift deciles of a version's test window. */
export type ModelEvaluation = Schemas['ModelEvaluation'];
/** GET /models/{segment}/champions: the champion and the earlier ones a rollback restores, newest first. */
export type SegmentChampions = Schemas['SegmentChampions'];
export type CalibrationBin = NonNullable<ModelEvaluation['calibration']>['bins'][number];
export type LiftDecile = ModelEvaluation['lift'][number];
