import { behaviourFeatures } from './behaviour-features.ts';
import type { FeatureDefinition, FeatureValue } from './feature-definition.ts';
import { accountFeatures, fitFeatures, intentFeatures } from './profile-features.ts';

/**
 * The one feature catalogue: every feature the model sees, in column order. Training snapshots and
 * live scoring compute exactly these (worker/features), and factor text comes from their labels.
 * Adding a feature appends it here and adds its computation; ids never change meaning once shipped.
 */
export const featureCatalogue: readonly FeatureDefinition[] = [
  ...fitFeatures,
  ...behaviourFeatures,
  ...accountFeatures,
  ...intentFeatures,
];

export const featureIds: readonly string[] = featureCatalogue.map((feature) => feature.id);

const byId = new Map(featureCatalogue.map((feature) => [feature.id, feature]));

/** The definition of a feature id; throws on an id the catalogue does not have (a model from elsewhere). */
export function featureDefinition(id: string): FeatureDefinition {
  const feature = byId.get(id);
  if (feature === undefined) throw new Error(`Unknown feature id ${JSON.stringify(id)}`);
  return feature;
}

/** The factor text of a feature for a lead: "3 pricing-page views in the last 30 days". */
export function featureLabel(id: string, value: FeatureValue): string {
  return featureDefinition(id).label(value);
}
