import { featureIds } from '../../shared/features/feature-catalogue.ts';
import type { Settings } from '../../shared/schemas/settings.ts';
import type { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import type { LoadedModelVersion, ModelRegistry } from '../modelling/registry.ts';
import { POOLED_SEGMENT } from '../modelling/train-tenant.ts';
import { type ScoringModel, scoringModel } from '../scoring/scoring-model.ts';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What a champion must carry to score: its model, calibrator, version id and score scale. */
export type ScoringChampion = Pick<LoadedModelVersion, 'model' | 'calibrator'> & {
  meta: Pick<LoadedModelVersion['meta'], 'id' | 'scale'>;
};

function toScoringModel(champion: ScoringChampion, segment: string): ScoringModel {
  return scoringModel({
    version: champion.meta.id,
    segment,
    source: segment === POOLED_SEGMENT ? 'pooled' : 'model',
    model: champion.model,
    calibrator: champion.calibrator,
    scale: champion.meta.scale,
    catalogueIds: featureIds,
  });
}

/**
 * The models that score a tenant: each segment's champion and the pooled one, ready to score. A
 * champion that fails to load is left out with an alert, so its segment falls back to the pooled
 * model (or the rules) instead of stopping every score.
 */
export async function scoringChampions(
  deps: {
    registry: Pick<ModelRegistry, 'champion'>;
    alerts: Pick<AlertsRepository, 'add'>;
    now?: () => Date;
  },
  tenantId: string,
  settings: Settings,
): Promise<Map<string, ScoringModel>> {
  const models = new Map<string, ScoringModel>();
  for (const segment of [...settings.segments.map((one) => one.id), POOLED_SEGMENT]) {
    try {
      const champion = await deps.registry.champion(tenantId, segment);
      if (champion === undefined) continue;
      models.set(segment, toScoringModel(champion, segment));
    } catch (error) {
      await deps.alerts.add(tenantId, {
        kind: 'champion_load_failed',
        message: `the champion of segment ${segment} could not be loaded for scoring: ${errorText(error)}`,
        at: (deps.now?.() ?? new Date()).toISOString(),
        segment,
      });
    }
  }
  return models;
}

/** What the cache reads: which version is each segment's champion (cheap), and a version's model (slow). */
export interface ChampionSource {
  championId(tenantId: string, segment: string): Promise<string | undefined>;
  load(tenantId: string, versionId: string): Promise<ScoringChampion>;
  alerts: Pick<AlertsRepository, 'add'>;
  now?: () => Date;
}

/**
 * The champions of the worker process's tenants, kept per model version: a rescore job asks which
 * version is champion (one hash read per segment) and loads and parses a model only when that
 * version is new to the process. A version never changes once stored, so its model never goes stale.
 */
export class ChampionCache {
  private readonly models = new Map<string, ScoringModel>();

  constructor(
    private readonly source: ChampionSource,
    private readonly maxModels = 256,
  ) {}

  async champions(tenantId: string, settings: Settings): Promise<Map<string, ScoringModel>> {
    const out = new Map<string, ScoringModel>();
    for (const segment of [...settings.segments.map((one) => one.id), POOLED_SEGMENT]) {
      try {
        const versionId = await this.source.championId(tenantId, segment);
        if (versionId === undefined) continue;
        const key = `${tenantId}|${segment}|${versionId}`;
        let model = this.models.get(key);
        if (model === undefined) {
          const champion = await this.source.load(tenantId, versionId);
          model = toScoringModel(champion, segment);
          if (this.models.size >= this.maxModels) {
            // Oldest first: Map keeps insertion order.
            const oldest = this.models.keys().next().value;
            if (oldest !== undefined) this.models.delete(oldest);
          }
          this.models.set(key, model);
        }
        out.set(segment, model);
      } catch (error) {
        await this.source.alerts.add(tenantId, {
          kind: 'champion_load_failed',
          message: `the champion of segment ${segment} could not be loaded for scoring: ${errorText(error)}`,
          at: (this.source.now?.() ?? new Date()).toISOString(),
          segment,
        });
      }
    }
    return out;
  }

  /** Models loaded so far (tests, metrics). */
  get size(): number {
    return this.models.size;
  }
}
