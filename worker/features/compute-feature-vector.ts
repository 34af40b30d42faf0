import type { FeatureValue } from '../../shared/features/feature-definition.ts';
import type { LeadHistorySource } from '../../shared/store/lead-history.ts';
import { type ComputedFeature, catalogueComputations, computeFeatureValues } from './feature-computations.ts';
import { readLeadAtTime } from './lead-at-time.ts';

const catalogue = catalogueComputations();

/**
 * The feature values of one lead at time s (epoch ms), in catalogue order, from records strictly
 * before s. Training snapshots call it at each snapshot time; live scoring calls it at "now". Returns
 * undefined when the lead does not exist at s.
 */
export async function computeFeatureVector(
  source: LeadHistorySource,
  tenantId: string,
  leadId: string,
  asOfMs: number,
  features: readonly ComputedFeature[] = catalogue,
): Promise<FeatureValue[] | undefined> {
  const inputs = await readLeadAtTime(source, tenantId, leadId, asOfMs);
  return inputs === undefined ? undefined : computeFeatureValues(inputs, features);
}
