import { CATEGORICAL_MASK, type Tree } from '../tree/tree.ts';
import { ModelFormatError } from './model.ts';
import { parseDouble, parseInteger } from './number-format.ts';

/** One `key=value` line of a tree block, with its 1-based line number for error messages. */
export interface BlockEntry {
  value: string;
  line: number;
}

/**
 * Builds and checks one tree from the `key=value` lines of a `Tree=i` block. Keys LightGBM treats as
 * optional default to zeros as in its loader (tree.cpp); structure problems that LightGBM would turn
 * into wrong predictions or crashes (dangling children, a leaf reached twice) are rejected here.
 */
export function parseTreeBlock(
  entries: Map<string, BlockEntry>,
  treeIndex: number,
  maxFeatureIdx: number,
  headerLine: number,
): Tree {
  const where = `tree ${treeIndex}`;
  const required = (key: string): BlockEntry => {
    const entry = entries.get(key);
    if (entry === undefined) throw new ModelFormatError(`${where} has no '${key}=' line`, headerLine);
    return entry;
  };
  const integer = (key: string): number => {
    const entry = required(key);
    const value = parseInteger(entry.value.trim());
    if (value === undefined) {
      throw new ModelFormatError(`${where}: '${key}' must be an integer, found '${entry.value}'`, entry.line);
    }
    return value;
  };

  const numLeaves = integer('num_leaves');
  if (numLeaves < 1)
    throw new ModelFormatError(`${where}: num_leaves must be at least 1`, required('num_leaves').line);
  const numCat = integer('num_cat');
  if (numCat < 0)
    throw new ModelFormatError(`${where}: num_cat must not be negative`, required('num_cat').line);
  const isLinear = entries.has('is_linear') ? integer('is_linear') !== 0 : false;
  if (isLinear) {
    throw new ModelFormatError(
      `${where} is a linear tree (is_linear=1), which this engine does not support`,
      required('is_linear').line,
    );
  }
  const shrinkageEntry = entries.get('shrinkage');
  const shrinkage = shrinkageEntry === undefined ? 1 : doubles(shrinkageEntry, 1, `${where}: 'shrinkage'`)[0];

  const internal = numLeaves - 1;
  const arrays = new ArrayReader(entries, where, headerLine);
  const leafValue = arrays.doubles('leaf_value', numLeaves, true);
  const tree: Tree = {
    numLeaves,
    numCat,
    splitFeature: new Int32Array(arrays.integers('split_feature', internal, internal > 0)),
    splitGain: arrays.doubles('split_gain', internal, false),
    threshold: arrays.doubles('threshold', internal, internal > 0),
    decisionType: new Uint8Array(arrays.integers('decision_type', internal, false)),
    leftChild: new Int32Array(arrays.integers('left_child', internal, internal > 0)),
    rightChild: new Int32Array(arrays.integers('right_child', internal, internal > 0)),
    leafValue,
    leafWeight: arrays.doubles('leaf_weight', numLeaves, false),
    leafCount: new Int32Array(arrays.integers('leaf_count', numLeaves, false)),
    internalValue: arrays.doubles('internal_value', internal, false),
    internalWeight: arrays.doubles('internal_weight', internal, false),
    internalCount: new Int32Array(arrays.integers('internal_count', internal, false)),
    catBoundaries: new Int32Array(numCat > 0 ? arrays.integers('cat_boundaries', numCat + 1, true) : []),
    catThreshold: new Uint32Array(0),
    isLinear: false,
    shrinkage,
  };
  if (numCat > 0) {
    const words = tree.catBoundaries[numCat];
    tree.catThreshold = new Uint32Array(arrays.integers('cat_threshold', words, true));
  }
  checkStructure(tree, where, maxFeatureIdx, entries, headerLine);
  return tree;
}

class ArrayReader {
  constructor(
    private readonly entries: Map<string, BlockEntry>,
    private readonly where: string,
    private readonly headerLine: number,
  ) {}

  doubles(key: string, count: number, required: boolean): Float64Array {
    const entry = this.entry(key, required);
    return entry === undefined ? new Float64Array(count) : doubles(entry, count, `${this.where}: '${key}'`);
  }

  integers(key: string, count: number, required: boolean): number[] {
    const entry = this.entry(key, required);
    if (entry === undefined) return new Array<number>(count).fill(0);
    const tokens = split(entry, count, `${this.where}: '${key}'`);
    return tokens.map((token) => {
      const value = parseInteger(token);
      if (value === undefined) {
        throw new ModelFormatError(
          `${this.where}: '${key}' must hold integers, found '${token}'`,
          entry.line,
        );
      }
      return value;
    });
  }

  private entry(key: string, required: boolean): BlockEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined && required) {
      throw new ModelFormatError(`${this.where} has no '${key}=' line`, this.headerLine);
    }
    return entry;
  }
}

function doubles(entry: BlockEntry, count: number, what: string): Float64Array {
  const tokens = split(entry, count, what);
  const values = new Float64Array(count);
  tokens.forEach((token, index) => {
    const value = parseDouble(token);
    if (value === undefined)
      throw new ModelFormatError(`${what} must hold numbers, found '${token}'`, entry.line);
    values[index] = value;
  });
  return values;
}

function split(entry: BlockEntry, count: number, what: string): string[] {
  const tokens = entry.value.split(' ').filter((token) => token !== '');
  if (tokens.length !== count) {
    throw new ModelFormatError(`${what} has ${tokens.length} values, expected ${count}`, entry.line);
  }
  return tokens;
}

/** Every node and leaf must hang from the root exactly once, with valid features and category sets. */
function checkStructure(
  tree: Tree,
  where: string,
  maxFeatureIdx: number,
  entries: Map<string, BlockEntry>,
  headerLine: number,
): void {
  const internal = tree.numLeaves - 1;
  const lineOf = (key: string): number => entries.get(key)?.line ?? headerLine;
  for (let node = 0; node < internal; node += 1) {
    const feature = tree.splitFeature[node];
    if (feature < 0 || feature > maxFeatureIdx) {
      throw new ModelFormatError(
        `${where}: node ${node} splits on feature ${feature}, outside 0..${maxFeatureIdx} (max_feature_idx)`,
        lineOf('split_feature'),
      );
    }
    const type = tree.decisionType[node];
    if (type > 15) {
      throw new ModelFormatError(
        `${where}: node ${node} has unknown decision_type ${type}`,
        lineOf('decision_type'),
      );
    }
    if ((type & CATEGORICAL_MASK) !== 0) {
      const index = tree.threshold[node];
      if (!Number.isInteger(index) || index < 0 || index >= tree.numCat) {
        throw new ModelFormatError(
          `${where}: categorical node ${node} points at category set ${index}, but num_cat=${tree.numCat}`,
          lineOf('threshold'),
        );
      }
    }
  }
  for (let k = 0; k < tree.numCat; k += 1) {
    if (tree.catBoundaries[0] !== 0 || tree.catBoundaries[k + 1] < tree.catBoundaries[k]) {
      throw new ModelFormatError(
        `${where}: cat_boundaries must start at 0 and never decrease`,
        lineOf('cat_boundaries'),
      );
    }
  }
  if (internal === 0) return;
  const seenNode = new Uint8Array(internal);
  const seenLeaf = new Uint8Array(tree.numLeaves);
  const stack = [0];
  seenNode[0] = 1;
  while (stack.length > 0) {
    const node = stack.pop() as number;
    for (const child of [tree.leftChild[node], tree.rightChild[node]]) {
      const key = child === tree.leftChild[node] ? 'left_child' : 'right_child';
      if (child >= 0) {
        if (child >= internal || seenNode[child] === 1) {
          throw new ModelFormatError(`${where}: node ${node} has an invalid child ${child}`, lineOf(key));
        }
        seenNode[child] = 1;
        stack.push(child);
      } else {
        const leaf = ~child;
        if (leaf >= tree.numLeaves || seenLeaf[leaf] === 1) {
          throw new ModelFormatError(`${where}: node ${node} has an invalid child ${child}`, lineOf(key));
        }
        seenLeaf[leaf] = 1;
      }
    }
  }
  if (seenNode.includes(0) || seenLeaf.includes(0)) {
    throw new ModelFormatError(
      `${where}: some nodes or leaves cannot be reached from the root`,
      lineOf('left_child'),
    );
  }
}
