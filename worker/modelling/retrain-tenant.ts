import type { TrainingExamples } from '../features/training-examples.ts';
import type { ModelRegistry, PromotionDecision } from './registry.ts';
import { testWindowOf } from './test-window.ts';
import {
  POOLED_SEGMENT,
  type SegmentAssignment,
  type TenantTrainingInput,
  type TrainedSegmentModel,
  type TrainFunction,
  trainTenantModels,
} from './train-tenant.ts';

/** What one tenant's training needs, as the store and the scoring settings provide it. */
export interface TenantTrainingData {
  examples: TrainingExamples;
  segments: readonly string[];
  segmentOfLead: (leadId: string) => string;
  /** The settings version the segments and thresholds came from; stored with every model version. */
  settingsVersion: number | string;
  thresholds?: TenantTrainingInput['thresholds'];
  /** Overrides of the default model parameters. */
  params?: TenantTrainingInput['params'];
  /** The score scale of a trained model, any JSON value; stored with its version. */
  scaleOf?: (trained: TrainedSegmentModel) => unknown;
  /**
   * The test-window metrics to store, once the scale is known (precision and recall at the
   * segment's score thresholds need it); the trainer's own metrics when absent.
   */
  metricsOf?: (trained: TrainedSegmentModel, scale: unknown) => TrainedSegmentModel['metrics'];
}

export interface RetrainDependencies {
  trainingData: (tenantId: string) => Promise<TenantTrainingData>;
  /** With `recordTrainingCounts`, what each training found is kept for the panels (cold start). */
  registry: Pick<ModelRegistry, 'register'> & Partial<Pick<ModelRegistry, 'recordTrainingCounts'>>;
  /** Off the event loop unless a test says otherwise. */
  train?: TrainFunction;
}

export type RetrainResult =
  | { kind: 'rules'; leads: number; conversions: number; reason: string }
  | { kind: 'models'; segments: SegmentAssignment[]; decisions: PromotionDecision[] };

/** Trains the tenant's models and offers each to the registry as a challenger. */
export async function retrainTenant(deps: RetrainDependencies, tenantId: string): Promise<RetrainResult> {
  const data = await deps.trainingData(tenantId);
  const result = await trainTenantModels({
    examples: data.examples,
    segments: data.segments,
    segmentOfLead: data.segmentOfLead,
    ...(data.thresholds === undefined ? {} : { thresholds: data.thresholds }),
    ...(data.params === undefined ? {} : { params: data.params }),
    ...(deps.train === undefined ? {} : { train: deps.train }),
  });
  if (result.kind === 'rules') {
    await deps.registry.recordTrainingCounts?.(tenantId, {
      labelledLeads: result.leads,
      convertingLeads: result.conversions,
      outcome: 'rules',
    });
    return { kind: 'rules', leads: result.leads, conversions: result.conversions, reason: result.reason };
  }
  const decisions: PromotionDecision[] = [];
  for (const trained of result.models) {
    const scale = data.scaleOf?.(trained) ?? null;
    const metrics = data.metricsOf?.(trained, scale) ?? trained.metrics;
    // Kept with the version so the settings page can preview thresholds on the champion's test window.
    const testWindow = testWindowOf(trained, scale, data.segmentOfLead);
    decisions.push(
      await deps.registry.register(tenantId, {
        ...trained,
        metrics,
        settingsVersion: data.settingsVersion,
        scale,
        ...(testWindow === undefined ? {} : { testWindow }),
      }),
    );
  }
  // Every lead is in one segment, so the segments' distinct counts add up to the tenant's.
  const segmentTotals = result.segments.reduce(
    (sum, segment) => ({
      leads: sum.leads + segment.leads,
      conversions: sum.conversions + segment.conversions,
    }),
    { leads: 0, conversions: 0 },
  );
  const pooled = result.models.find((trained) => trained.segment === POOLED_SEGMENT);
  const totals =
    result.segments.length === 0 && pooled !== undefined
      ? { leads: pooled.counts.trainLeads, conversions: pooled.counts.trainConversions }
      : segmentTotals;
  await deps.registry.recordTrainingCounts?.(tenantId, {
    labelledLeads: totals.leads,
    convertingLeads: totals.conversions,
    outcome: 'models',
  });
  return { kind: 'models', segments: result.segments, decisions };
}
