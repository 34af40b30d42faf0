/**
 * What one feature of the catalogue is: the contract between the computation (worker/features),
 * the engine (numbers and category codes) and the factor text a sales rep reads.
 *
 * Kinds and how the engine sees them:
 * - `numeric`: a number; missing is `null` (NaN in the matrix, LightGBM's missing value).
 * - `boolean`: 1 or 0; missing is `null`. A numeric column for the engine.
 * - `categorical`: the category's text. The engine takes integer codes, so every categorical
 *   feature declares where its codes come from:
 *   - a fixed list (`categories: [...]`): the code is the index in the list, the same for every
 *     tenant (seniority, department);
 *   - `'tenant'`: CRM picklists differ per tenant (industry, country, lead source), so the codes are
 *     the tenant's own values in the order they first appear in its training examples
 *     (`CategoryVocabulary`). The list is saved in the model's input schema; a value the model never
 *     saw is missing at scoring time, as LightGBM treats an unseen category.
 */

export const featureGroups = ['fit', 'behaviour', 'intent', 'account'] as const;
export type FeatureGroup = (typeof featureGroups)[number];

export type FeatureKind = 'numeric' | 'boolean' | 'categorical';

/** What a number means, for axis titles and tables; labels carry their own words. */
export type FeatureUnit =
  | 'activities'
  | 'days'
  | 'employees'
  | 'currency'
  | 'surge score'
  | 'topics'
  | 'contacts'
  | 'asset types'
  | 'yes/no'
  | 'category';

/** A computed value: a number, a category's text, or null when it is unknown. */
export type FeatureValue = number | string | null;

export interface FeatureDefinition {
  /** Stable snake_case id: the model's feature name and the factor's `featureId`. */
  readonly id: string;
  readonly group: FeatureGroup;
  readonly kind: FeatureKind;
  readonly unit: FeatureUnit;
  /** One sentence for admins and data scientists: what is counted, over which window. */
  readonly description: string;
  /** Categorical only: the fixed category list (code = index) or `'tenant'` for tenant values. */
  readonly categories?: readonly string[] | 'tenant';
  /** Plain language with the lead's own value, e.g. "3 pricing-page views in the last 30 days". */
  label(value: FeatureValue): string;
}
