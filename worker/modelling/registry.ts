import { z } from 'zod';
import type { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import type {
  ModelsRepository,
  ModelVersionMeta,
  TestWindowExample,
} from '../../shared/store/models.repository.ts';
import { type Calibrator, parseCalibrator } from '../engine/calibration/calibrator.ts';
import type { Model } from '../engine/io/model.ts';
import { parseLightGbmModel } from '../engine/io/parse-lightgbm-model.ts';
import { calibratedProbabilities, reorderColumns } from './calibrated-model.ts';
import { evaluateProbabilities } from './model-metrics.ts';
import type { TrainedSegmentModel } from './train-tenant.ts';

/**
 * A challenger replaces the champion only when, on the same newest test examples, it loses at most
 * this much ROC AUC and gains at most this much expected calibration error.
 */
export const PROMOTION_TOLERANCE = { rocAuc: 0.005, ece: 0.01 } as const;

/** The examples both models are judged on: row-major values in `featureNames` order. */
export interface JudgingRows {
  values: Float64Array;
  featureNames: readonly string[];
  labels: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

export interface LoadedModelVersion {
  meta: ModelVersionMeta;
  model: Model;
  calibrator: Calibrator;
}

export interface Judgement {
  rocAuc: number | null;
  ece: number | null;
}

export type PromotionDecision =
  | { outcome: 'promoted'; versionId: string; replaced?: string; challenger: Judgement; champion?: Judgement }
  | {
      outcome: 'kept';
      versionId: string;
      champion: string;
      challenger: Judgement;
      championJudgement: Judgement;
    }
  | { outcome: 'unloadable'; versionId: string; champion?: string; reason: string };

export type RegisterInput = Pick<
  TrainedSegmentModel,
  'segment' | 'modelText' | 'calibrator' | 'featureNames' | 'params' | 'window' | 'metrics' | 'test'
> & {
  settingsVersion: number | string;
  /** The version's score scale, any JSON value (the scoring side defines it). */
  scale?: unknown;
  /** The newest test window to judge on; the model's own test window when absent. */
  judgeOn?: JudgingRows;
  /** The test window's examples with their scores, stored with the version (threshold preview). */
  testWindow?: readonly TestWindowExample[];
};

function asJson(value: unknown) {
  return z.json().parse(JSON.parse(JSON.stringify(value ?? null)));
}

/** Reads a stored version with the engine's own readers; throws when its text or calibrator is broken. */
export function loadVersion(meta: ModelVersionMeta, text: string): LoadedModelVersion {
  const model = parseLightGbmModel(text);
  if (model.maxFeatureIdx + 1 !== meta.featureNames.length) {
    throw new Error(
      `model reads ${model.maxFeatureIdx + 1} features but its version lists ${meta.featureNames.length}`,
    );
  }
  return { meta, model, calibrator: parseCalibrator(meta.calibrator) };
}

/** ROC AUC and calibration error of a version's calibrated probabilities on some rows. */
export function judge(version: LoadedModelVersion, rows: JudgingRows): Judgement {
  const values = reorderColumns(rows.values, rows.featureNames, version.meta.featureNames);
  const probabilities = calibratedProbabilities(version.model, version.calibrator, values);
  const metrics = evaluateProbabilities(rows.labels, probabilities, rows.weights);
  return { rocAuc: metrics.rocAuc, ece: metrics.ece };
}

/** Whether the challenger is not worse than the champion (DESIGN.md: retraining). */
export function notWorse(challenger: Judgement, champion: Judgement): boolean {
  if (challenger.rocAuc === null || challenger.ece === null) return false;
  if (champion.rocAuc === null || champion.ece === null) return true;
  return (
    challenger.rocAuc >= champion.rocAuc - PROMOTION_TOLERANCE.rocAuc &&
    challenger.ece <= champion.ece + PROMOTION_TOLERANCE.ece
  );
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Every trained model becomes a stored version; it becomes its segment's champion only when it loads
 * and is not worse than the champion on the same newest test examples. A version that does not load
 * leaves the champion in place and raises an alert.
 */
export class ModelRegistry {
  private readonly now: () => Date;

  constructor(
    private readonly repositories: { models: ModelsRepository; alerts: AlertsRepository },
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async register(tenantId: string, input: RegisterInput): Promise<PromotionDecision> {
    const { models, alerts } = this.repositories;
    const meta = await models.create(
      tenantId,
      {
        segment: input.segment,
        createdAt: this.now().toISOString(),
        settingsVersion: input.settingsVersion,
        featureNames: [...input.featureNames],
        params: z.record(z.string(), z.json()).parse(asJson(input.params)),
        calibrator: asJson(input.calibrator),
        window: input.window,
        metrics: asJson(input.metrics),
        scale: asJson(input.scale),
      },
      input.modelText,
      input.testWindow === undefined ? {} : { testWindow: input.testWindow },
    );
    const championId = await models.champion(tenantId, input.segment);
    let challenger: LoadedModelVersion;
    try {
      challenger = loadVersion(meta, input.modelText);
    } catch (error) {
      const reason = `model version ${meta.id} does not load: ${errorText(error)}`;
      await alerts.add(tenantId, {
        kind: 'model_load_failed',
        message: `${reason}; the champion stays in place`,
        at: this.now().toISOString(),
        segment: input.segment,
        modelVersion: meta.id,
      });
      return {
        outcome: 'unloadable',
        versionId: meta.id,
        reason,
        ...(championId ? { champion: championId } : {}),
      };
    }

    const rows = input.judgeOn ?? input.test;
    const challengerJudgement = judge(challenger, rows);
    if (championId === undefined) {
      await models.promote(tenantId, input.segment, meta.id);
      return { outcome: 'promoted', versionId: meta.id, challenger: challengerJudgement };
    }
    const champion = await this.loadOrAlert(tenantId, input.segment, championId);
    const championJudgement = champion === undefined ? undefined : judge(champion, rows);
    if (championJudgement !== undefined && !notWorse(challengerJudgement, championJudgement)) {
      return {
        outcome: 'kept',
        versionId: meta.id,
        champion: championId,
        challenger: challengerJudgement,
        championJudgement,
      };
    }
    const replaced = await models.promote(tenantId, input.segment, meta.id);
    return {
      outcome: 'promoted',
      versionId: meta.id,
      challenger: challengerJudgement,
      ...(replaced === undefined ? {} : { replaced }),
      ...(championJudgement === undefined ? {} : { champion: championJudgement }),
    };
  }

  /** What a training found in its window, for the panels' data-sufficiency state. */
  async recordTrainingCounts(
    tenantId: string,
    counts: { labelledLeads: number; convertingLeads: number; outcome: 'models' | 'rules' },
  ): Promise<void> {
    await this.repositories.models.recordTrainingCounts(tenantId, {
      ...counts,
      at: this.now().toISOString(),
    });
  }

  /** Makes the segment's previous champion current again; returns the restored and replaced ids. */
  rollback(tenantId: string, segment: string): Promise<{ restored: string; replaced: string | undefined }> {
    return this.repositories.models.rollback(tenantId, segment);
  }

  /** The segment's champion, read and checked; undefined when the segment has none. */
  async champion(tenantId: string, segment: string): Promise<LoadedModelVersion | undefined> {
    const id = await this.repositories.models.champion(tenantId, segment);
    return id === undefined ? undefined : this.load(tenantId, id);
  }

  async load(tenantId: string, versionId: string): Promise<LoadedModelVersion> {
    const stored = await this.repositories.models.get(tenantId, versionId);
    if (stored === undefined) throw new Error(`model version ${versionId} of ${tenantId} does not exist`);
    return loadVersion(stored.meta, stored.text);
  }

  /** A champion that no longer loads cannot be judged: the challenger replaces it, with an alert. */
  private async loadOrAlert(
    tenantId: string,
    segment: string,
    versionId: string,
  ): Promise<LoadedModelVersion | undefined> {
    try {
      return await this.load(tenantId, versionId);
    } catch (error) {
      await this.repositories.alerts.add(tenantId, {
        kind: 'champion_load_failed',
        message: `champion ${versionId} does not load (${errorText(error)}); the challenger replaces it`,
        at: this.now().toISOString(),
        segment,
        modelVersion: versionId,
      });
      return undefined;
    }
  }
}
