import type { Tree } from '../tree/tree.ts';
import type { Model } from './model.ts';
import { escapeSchemaJson, INPUT_SCHEMA_KEY, pandasCategoricalOf, pythonJson } from './model-extensions.ts';
import { formatExact, formatShort } from './number-format.ts';

/**
 * Writes a model as LightGBM 4 writes it (GBDT::SaveModelToString and Tree::ToString): the same keys
 * in the same order, `%.17g` for thresholds, leaf values and leaf weights (so they read back exactly),
 * `%g` for gains and internal statistics, `tree_sizes` holding each tree block's exact byte length
 * (LightGBM's loader uses them to find the blocks), then importances, parameters and, when the model
 * has an input schema, the schema header key and the Python package's pandas_categorical line.
 */
export function formatLightGbmModel(model: Model): string {
  const blocks = model.trees.map((tree, index) => `Tree=${index}\n${formatTree(tree)}\n`);
  const header = [
    'tree',
    'version=v4',
    `num_class=${model.numClass}`,
    `num_tree_per_iteration=${model.numTreePerIteration}`,
    `label_index=${model.labelIndex}`,
    `max_feature_idx=${model.maxFeatureIdx}`,
    `objective=${model.objective}`,
  ];
  if (model.averageOutput) header.push('average_output');
  header.push(`feature_names=${model.featureNames.join(' ')}`);
  if (model.monotoneConstraints !== undefined) {
    header.push(`monotone_constraints=${model.monotoneConstraints.join(' ')}`);
  }
  header.push(`feature_infos=${model.featureInfos.join(' ')}`);
  if (model.inputSchema !== undefined)
    header.push(`${INPUT_SCHEMA_KEY}=${escapeSchemaJson(model.inputSchema)}`);
  header.push(`tree_sizes=${blocks.map((block) => Buffer.byteLength(block, 'utf8')).join(' ')}`);

  let text = `${header.join('\n')}\n\n${blocks.join('')}end of trees\n`;
  text += `\nfeature_importances:\n${splitImportances(model)
    .map(([name, count]) => `${name}=${count}\n`)
    .join('')}`;
  if (model.parameters !== undefined) {
    text += `\nparameters:\n${model.parameters.map((line) => `${line}\n`).join('')}\nend of parameters\n`;
  }
  const pandas =
    model.inputSchema !== undefined ? pandasCategoricalOf(model.inputSchema) : model.pandasCategorical;
  if (pandas !== undefined) text += `\npandas_categorical:${pythonJson(pandas)}\n`;
  return text;
}

/** Tree::ToString: one `key=value` line per array, then a blank line. */
export function formatTree(tree: Tree): string {
  const internal = tree.numLeaves - 1;
  const ints = (values: ArrayLike<number>, count: number): string =>
    Array.from(values).slice(0, count).join(' ');
  const numbers = (values: ArrayLike<number>, count: number, format: (value: number) => string): string =>
    Array.from(values).slice(0, count).map(format).join(' ');
  const lines = [
    `num_leaves=${tree.numLeaves}`,
    `num_cat=${tree.numCat}`,
    `split_feature=${ints(tree.splitFeature, internal)}`,
    `split_gain=${numbers(tree.splitGain, internal, formatShort)}`,
    `threshold=${numbers(tree.threshold, internal, formatExact)}`,
    `decision_type=${ints(tree.decisionType, internal)}`,
    `left_child=${ints(tree.leftChild, internal)}`,
    `right_child=${ints(tree.rightChild, internal)}`,
    `leaf_value=${numbers(tree.leafValue, tree.numLeaves, formatExact)}`,
    `leaf_weight=${numbers(tree.leafWeight, tree.numLeaves, formatExact)}`,
    `leaf_count=${ints(tree.leafCount, tree.numLeaves)}`,
    `internal_value=${numbers(tree.internalValue, internal, formatShort)}`,
    `internal_weight=${numbers(tree.internalWeight, internal, formatShort)}`,
    `internal_count=${ints(tree.internalCount, internal)}`,
  ];
  if (tree.numCat > 0) {
    lines.push(`cat_boundaries=${ints(tree.catBoundaries, tree.numCat + 1)}`);
    lines.push(`cat_threshold=${ints(tree.catThreshold, tree.catThreshold.length)}`);
  }
  lines.push('is_linear=0', `shrinkage=${formatShort(tree.shrinkage)}`);
  return `${lines.join('\n')}\n\n`;
}

/**
 * LightGBM's default ("split") importance: how many splits with positive gain use each feature,
 * highest first, ties in feature order, unused features left out.
 */
export function splitImportances(model: Model): [string, number][] {
  const counts = new Array<number>(model.maxFeatureIdx + 1).fill(0);
  for (const tree of model.trees) {
    for (let node = 0; node < tree.numLeaves - 1; node += 1) {
      if (tree.splitGain[node] > 0) counts[tree.splitFeature[node]] += 1;
    }
  }
  return counts
    .map((count, feature): [string, number] => [model.featureNames[feature], count])
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1]);
}
