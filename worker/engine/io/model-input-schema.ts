import { CATEGORICAL_MASK } from '../tree/tree.ts';
import type { InputFeature, InputSchema } from './input-schema.ts';
import type { Model } from './model.ts';

/** Label column assumed for models that carry no input schema (LightGBM stores no label name). */
export const DEFAULT_LABEL_COLUMN = 'label';

/**
 * The input mapping of a model: its own schema when it has one (our models), otherwise one derived
 * from what a LightGBM file says, so models trained elsewhere score raw records too:
 * - columns are the model's feature names, in model order;
 * - when the file has the Python package's pandas_categorical line with one list per categorical
 *   feature (a feature is categorical when its feature_infos entry lists categories, not
 *   "[min:max]" or "none", or a tree makes a category split on it), those features map category
 *   names to codes by position, as pandas assigns them;
 * - every other feature is read as a number, categorical ones included: the cell holds the integer
 *   code, exactly as LightGBM's own command line reads such files ("3" and "3.0" are both code 3).
 */
export function inputSchemaOf(model: Model): InputSchema {
  if (model.inputSchema !== undefined) return model.inputSchema;
  const categorical = new Set<number>();
  model.featureInfos.forEach((info, feature) => {
    if (info !== 'none' && !info.startsWith('[')) categorical.add(feature);
  });
  for (const tree of model.trees) {
    for (let node = 0; node < tree.numLeaves - 1; node += 1) {
      if ((tree.decisionType[node] & CATEGORICAL_MASK) !== 0) categorical.add(tree.splitFeature[node]);
    }
  }
  const ordered = [...categorical].sort((a, b) => a - b);
  const pandas = model.pandasCategorical;
  const lists =
    Array.isArray(pandas) && pandas.length === ordered.length && pandas.every((list) => Array.isArray(list))
      ? (pandas as unknown[][])
      : undefined;
  const features = model.featureNames.map((name, feature): InputFeature => {
    const position = lists === undefined ? -1 : ordered.indexOf(feature);
    if (lists === undefined || position < 0) return { name, kind: 'numeric', categories: [] };
    return { name, kind: 'categorical', categories: lists[position].map((value) => String(value)) };
  });
  return { features, label: { column: DEFAULT_LABEL_COLUMN } };
}
