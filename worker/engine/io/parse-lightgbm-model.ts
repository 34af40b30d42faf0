import type { Tree } from '../tree/tree.ts';
import { parseInputSchema } from './input-schema.ts';
import { type Model, ModelFormatError } from './model.ts';
import { INPUT_SCHEMA_KEY } from './model-extensions.ts';
import { parseInteger } from './number-format.ts';
import { type BlockEntry, parseTreeBlock } from './parse-tree-block.ts';

const PANDAS_KEY = 'pandas_categorical:';

/**
 * Reads a LightGBM text model (version v2-v4, as written by the C++ library, the command line or the
 * Python package). Only binary objectives are accepted. The sections after the trees
 * (feature_importances, parameters, pandas_categorical) are optional; importances are recomputed
 * from the trees when the model is saved again.
 */
export function parseLightGbmModel(text: string): Model {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.every((line) => line.trim() === '')) throw new ModelFormatError('the model file is empty');
  if (lines[0].trim() !== 'tree') {
    throw new ModelFormatError(
      `not a LightGBM text model: the first line must be 'tree', found '${lines[0].slice(0, 60)}'`,
      1,
    );
  }

  let cursor = 1;
  const header = new Map<string, BlockEntry>();
  while (cursor < lines.length && !lines[cursor].startsWith('Tree=') && lines[cursor] !== 'end of trees') {
    const line = lines[cursor];
    if (line !== '') {
      const equals = line.indexOf('=');
      const key = equals < 0 ? line : line.slice(0, equals);
      header.set(key, { value: equals < 0 ? '' : line.slice(equals + 1), line: cursor + 1 });
    }
    cursor += 1;
  }
  const model = readHeader(header);

  const trees: Tree[] = [];
  while (cursor < lines.length && lines[cursor].startsWith('Tree=')) {
    const headerLine = cursor + 1;
    const index = parseInteger(lines[cursor].slice('Tree='.length));
    if (index !== trees.length) {
      throw new ModelFormatError(`expected 'Tree=${trees.length}', found '${lines[cursor]}'`, headerLine);
    }
    cursor += 1;
    const entries = new Map<string, BlockEntry>();
    while (cursor < lines.length && lines[cursor] !== '') {
      const line = lines[cursor];
      const equals = line.indexOf('=');
      if (equals <= 0)
        throw new ModelFormatError(
          `tree ${index}: expected 'key=value', found '${line.slice(0, 60)}'`,
          cursor + 1,
        );
      entries.set(line.slice(0, equals), { value: line.slice(equals + 1), line: cursor + 1 });
      cursor += 1;
    }
    trees.push(parseTreeBlock(entries, index, model.maxFeatureIdx, headerLine));
    while (cursor < lines.length && lines[cursor] === '') cursor += 1;
  }
  const sizes = header.get('tree_sizes');
  if (sizes !== undefined) {
    const count = sizes.value.split(' ').filter((token) => token !== '').length;
    if (count !== trees.length) {
      throw new ModelFormatError(
        `tree_sizes lists ${count} trees but the file holds ${trees.length}`,
        sizes.line,
      );
    }
  }
  model.trees = trees;
  readTrailer(lines, cursor, model);
  return model;
}

function readHeader(header: Map<string, BlockEntry>): Model {
  const need = (key: string): BlockEntry => {
    const entry = header.get(key);
    if (entry === undefined) throw new ModelFormatError(`the model header has no '${key}=' line`);
    return entry;
  };
  const integer = (key: string): number => {
    const entry = need(key);
    const value = parseInteger(entry.value.trim());
    if (value === undefined)
      throw new ModelFormatError(`'${key}' must be an integer, found '${entry.value}'`, entry.line);
    return value;
  };

  const numClass = integer('num_class');
  const numTreePerIteration = header.has('num_tree_per_iteration')
    ? integer('num_tree_per_iteration')
    : numClass;
  if (numClass !== 1 || numTreePerIteration !== 1) {
    throw new ModelFormatError(
      `only binary models are supported (num_class=1, one tree per iteration); found num_class=${numClass}`,
      need('num_class').line,
    );
  }
  const objective = need('objective');
  const sigmoid = binarySigmoid(objective);
  const maxFeatureIdx = integer('max_feature_idx');
  if (maxFeatureIdx < 0)
    throw new ModelFormatError('max_feature_idx must not be negative', need('max_feature_idx').line);
  const featureNames = listOf(need('feature_names'), maxFeatureIdx + 1, 'feature_names');
  const featureInfos = listOf(need('feature_infos'), maxFeatureIdx + 1, 'feature_infos');

  const model: Model = {
    numClass,
    numTreePerIteration,
    labelIndex: integer('label_index'),
    maxFeatureIdx,
    objective: objective.value,
    sigmoid,
    averageOutput: header.has('average_output'),
    featureNames,
    featureInfos,
    trees: [],
  };
  const monotone = header.get('monotone_constraints');
  if (monotone !== undefined) {
    model.monotoneConstraints = listOf(monotone, maxFeatureIdx + 1, 'monotone_constraints').map((token) => {
      const value = parseInteger(token);
      if (value === undefined)
        throw new ModelFormatError(`monotone_constraints must hold integers`, monotone.line);
      return value;
    });
  }
  const schemaEntry = header.get(INPUT_SCHEMA_KEY);
  if (schemaEntry !== undefined) {
    try {
      model.inputSchema = parseInputSchema(JSON.parse(schemaEntry.value));
    } catch (error) {
      throw new ModelFormatError(`${INPUT_SCHEMA_KEY}: ${(error as Error).message}`, schemaEntry.line);
    }
    if (model.inputSchema.features.length !== maxFeatureIdx + 1) {
      throw new ModelFormatError(
        `${INPUT_SCHEMA_KEY} describes ${model.inputSchema.features.length} features, the model has ${maxFeatureIdx + 1}`,
        schemaEntry.line,
      );
    }
  }
  return model;
}

/** "binary sigmoid:1" → 1; any other objective is refused with its name. */
function binarySigmoid(entry: BlockEntry): number {
  const tokens = entry.value.trim().split(' ');
  if (tokens[0] !== 'binary') {
    throw new ModelFormatError(
      `objective '${tokens[0]}' is not supported; only binary classification models ('binary sigmoid:1') can be loaded`,
      entry.line,
    );
  }
  const sigmoidToken = tokens.find((token) => token.startsWith('sigmoid:'));
  const sigmoid = sigmoidToken === undefined ? Number.NaN : Number(sigmoidToken.slice('sigmoid:'.length));
  if (!(sigmoid > 0)) {
    throw new ModelFormatError(`objective '${entry.value}' needs a positive 'sigmoid:<value>'`, entry.line);
  }
  return sigmoid;
}

function listOf(entry: BlockEntry, count: number, key: string): string[] {
  const tokens = entry.value.split(' ').filter((token) => token !== '');
  if (tokens.length !== count) {
    throw new ModelFormatError(
      `'${key}' has ${tokens.length} entries, expected ${count} (max_feature_idx + 1)`,
      entry.line,
    );
  }
  return tokens;
}

/** After the trees: `parameters:` ... `end of parameters`, and the Python package's pandas_categorical. */
function readTrailer(lines: string[], start: number, model: Model): void {
  let cursor = start;
  while (cursor < lines.length) {
    const line = lines[cursor];
    if (line === 'parameters:') {
      const parameters: string[] = [];
      cursor += 1;
      while (cursor < lines.length && lines[cursor] !== 'end of parameters') {
        if (lines[cursor] !== '') parameters.push(lines[cursor]);
        cursor += 1;
      }
      model.parameters = parameters;
    } else if (line.startsWith(PANDAS_KEY) && model.inputSchema === undefined) {
      try {
        model.pandasCategorical = JSON.parse(line.slice(PANDAS_KEY.length));
      } catch {
        throw new ModelFormatError('pandas_categorical is not valid JSON', cursor + 1);
      }
    }
    cursor += 1;
  }
}
