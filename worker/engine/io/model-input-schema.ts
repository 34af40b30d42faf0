import { CATEGORICAL_MASK } from '../tree/tree.ts';
import type { InputFeature, InputSchema } from './input-schema.ts';
import type { Model } from './model.ts';

/** Label column assumed for models that carry no input schema (LightGBM stores no label name). */
export const DEFAULT_LABEL_COLUMN = 'label';

/**
 * The input mapping of a model: its own schema when it has one (our models), otherwise one derived
 * from what a LightGBM file says, so models trained elsewhere score raw records too:
 * - columns are the model's feature names, in model order;
 * - a feature is categorical when its feature_infos entry lists categories (not "[min:max]" or
 *   "none") or a tree makes a category split on it;
 * - categories come from the Python package's pandas_categorical line when it has one list per
 *   categorical feature (code = position, as pandas assigns them); otherwise raw values are the
 *   integer codes themselves ("0", "1", ... up to the largest code the model knows).
 */
export function inputSchemaOf(model: Model): InputSchema {
  if (model.inputSchema !== undefined) return model.inputSchema;
  const categorical = new Set<number>();
  model.featureInfos.forEach((info, feature) => {
    if (info !== 'none' && !info.startsWith('[')) categorical.add(feature);
  });
  let largestCode = new Array<number>(model.maxFeatureIdx + 1).fill(-1);
  for (const tree of model.trees) {
    for (let node = 0; node < tree.numLeaves - 1; node += 1) {
      if ((tree.decisionType[node] & CATEGORICAL_MASK) === 0) continue;
      const feature = tree.splitFeature[node];
      categorical.add(feature);
      const set = tree.threshold[node];
      for (let word = tree.catBoundaries[set]; word < tree.catBoundaries[set + 1]; word += 1) {
        const bits = tree.catThreshold[word];
        if (bits === 0) continue;
        const highest = (word - tree.catBoundaries[set]) * 32 + 31 - Math.clz32(bits);
        largestCode[feature] = Math.max(largestCode[feature], highest);
      }
    }
  }
  largestCode = largestCode.map((code, feature) =>
    Math.max(code, largestListedCode(model.featureInfos[feature])),
  );

  const ordered = [...categorical].sort((a, b) => a - b);
  const pandas = model.pandasCategorical;
  const lists =
    Array.isArray(pandas) && pandas.length === ordered.length && pandas.every((list) => Array.isArray(list))
      ? (pandas as unknown[][])
      : undefined;
  const features = model.featureNames.map((name, feature): InputFeature => {
    const position = ordered.indexOf(feature);
    if (position < 0) return { name, kind: 'numeric', categories: [] };
    const categories =
      lists !== undefined
        ? lists[position].map((value) => String(value))
        : Array.from({ length: largestCode[feature] + 1 }, (_, code) => String(code));
    return { name, kind: 'categorical', categories };
  });
  return { features, label: { column: DEFAULT_LABEL_COLUMN } };
}

/** Largest non-negative integer in a categorical feature_infos entry such as "-1:3:0:12". */
function largestListedCode(info: string): number {
  if (info === 'none' || info.startsWith('[')) return -1;
  let largest = -1;
  for (const token of info.split(':')) {
    const value = Number(token);
    if (Number.isInteger(value) && value > largest) largest = value;
  }
  return largest;
}
