import { featureIds } from '../../shared/features/feature-catalogue.ts';
import type { Settings } from '../../shared/schemas/settings.ts';
import type { AlertsRepository } from '../../shared/store/alerts.repository.ts';
import type { ModelRegistry } from '../modelling/registry.ts';
import { POOLED_SEGMENT } from '../modelling/train-tenant.ts';
import { type ScoringModel, scoringModel } from '../scoring/scoring-model.ts';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
      models.set(
        segment,
        scoringModel({
          version: champion.meta.id,
          segment,
          source: segment === POOLED_SEGMENT ? 'pooled' : 'model',
          model: champion.model,
          calibrator: champion.calibrator,
          scale: champion.meta.scale,
          catalogueIds: featureIds,
        }),
      );
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
