import { SeededRandom } from '../random/seeded-random.ts';
import { MissingType } from '../tree/tree.ts';
import { type BinMapper, featureInfo, findBins, searchUpperBound } from './bin-mapper.ts';
import { ZERO_THRESHOLD } from './float-format.ts';

/**
 * A numeric feature matrix: row-major (`values[row * numFeatures + feature]`) or one column per
 * feature. NaN is a missing value; categorical features hold non-negative integer codes.
 */
export interface FeatureMatrix {
  numRows: number;
  numFeatures: number;
  values: Float64Array | readonly Float64Array[];
}

export interface DatasetMeta {
  /** Feature names in column order; defaults to Column_0, Column_1, ... as LightGBM names them. */
  featureNames?: readonly string[];
  /** Indices of the categorical features. */
  categorical?: readonly number[];
}

export interface BinningParams {
  max_bin: number;
  min_data_in_bin: number;
  min_data_in_leaf: number;
  bin_construct_sample_cnt: number;
  use_missing: boolean;
  feature_pre_filter: boolean;
  seed: number;
}

export type BinColumn = Uint8Array | Uint16Array;

/**
 * Training data in histogram form: one bin column per used feature (Uint8 when the feature has at
 * most 256 bins), stored column-wise so histogram construction streams through memory.
 */
export interface BinnedDataset {
  numRows: number;
  numFeatures: number;
  featureNames: string[];
  categorical: boolean[];
  mappers: BinMapper[];
  /** Bin column per feature; null for features that are never split on. */
  bins: (BinColumn | null)[];
  /** Indices of the features that can be split on, ascending. */
  usedFeatures: Int32Array;
}

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/**
 * One feature's values as a plain array: the column itself, or for row-major input a strided copy
 * into `scratch`. Binning then reads typed arrays directly, which keeps its loops monomorphic.
 */
function featureColumn(matrix: FeatureMatrix, feature: number, scratch: Float64Array): Float64Array {
  const { values, numFeatures, numRows } = matrix;
  if (!(values instanceof Float64Array)) return values[feature];
  for (let row = 0, at = feature; row < numRows; row++, at += numFeatures) scratch[row] = values[at];
  return scratch;
}

function checkMatrix(matrix: FeatureMatrix): void {
  const { values, numRows, numFeatures } = matrix;
  if (!Number.isInteger(numRows) || numRows < 1) {
    throw new DatasetError(`The feature matrix needs at least one row (got numRows=${numRows})`);
  }
  if (!Number.isInteger(numFeatures) || numFeatures < 1) {
    throw new DatasetError(`The feature matrix needs at least one feature (got numFeatures=${numFeatures})`);
  }
  if (values instanceof Float64Array) {
    if (values.length !== numRows * numFeatures) {
      throw new DatasetError(
        `Row-major values hold ${values.length} numbers but numRows × numFeatures is ${numRows * numFeatures}`,
      );
    }
    return;
  }
  if (values.length !== numFeatures) {
    throw new DatasetError(`Expected ${numFeatures} feature columns, got ${values.length}`);
  }
  values.forEach((column, feature) => {
    if (column.length !== numRows) {
      throw new DatasetError(`Feature column ${feature} holds ${column.length} values, expected ${numRows}`);
    }
  });
}

/**
 * Finds bin bounds from a sample of rows (at most bin_construct_sample_cnt, drawn with the seed) and
 * bins every row, the way LightGBM constructs a Dataset.
 */
export function constructBinnedDataset(
  matrix: FeatureMatrix,
  meta: DatasetMeta,
  params: BinningParams,
): BinnedDataset {
  checkMatrix(matrix);
  const { numRows, numFeatures } = matrix;
  const featureNames = meta.featureNames
    ? [...meta.featureNames]
    : Array.from({ length: numFeatures }, (_, feature) => `Column_${feature}`);
  if (featureNames.length !== numFeatures) {
    throw new DatasetError(`Got ${featureNames.length} feature names for ${numFeatures} features`);
  }
  const categorical = new Array<boolean>(numFeatures).fill(false);
  for (const feature of meta.categorical ?? []) {
    if (!Number.isInteger(feature) || feature < 0 || feature >= numFeatures) {
      throw new DatasetError(`Categorical feature index ${feature} is outside 0..${numFeatures - 1}`);
    }
    categorical[feature] = true;
  }
  const scratch = new Float64Array(matrix.values instanceof Float64Array ? numRows : 0);
  const sampleRows =
    numRows <= params.bin_construct_sample_cnt
      ? null
      : new SeededRandom(params.seed ^ 0x5bd1e995).sampleSorted(numRows, params.bin_construct_sample_cnt);
  const sampleCount = sampleRows ? sampleRows.length : numRows;
  const sampled = new Float64Array(sampleCount);
  const mappers: BinMapper[] = [];
  const bins: (BinColumn | null)[] = [];
  const used: number[] = [];
  for (let feature = 0; feature < numFeatures; feature++) {
    // Zeros are implied by the sample size, as in LightGBM's sparse sampling.
    const column = featureColumn(matrix, feature, scratch);
    let kept = 0;
    // A local copy: the imported binding is read through an accessor under some module loaders.
    const zeroThreshold = ZERO_THRESHOLD;
    for (let i = 0; i < sampleCount; i++) {
      const value = column[sampleRows ? sampleRows[i] : i];
      if (Number.isNaN(value) || Math.abs(value) > zeroThreshold) sampled[kept++] = value;
    }
    const mapper = findBins(
      categorical[feature] ? 'categorical' : 'numerical',
      sampled.subarray(0, kept),
      sampleCount,
      {
        maxBin: params.max_bin,
        minDataInBin: params.min_data_in_bin,
        minSplitData: params.min_data_in_leaf,
        useMissing: params.use_missing,
        preFilter: params.feature_pre_filter,
      },
    );
    mappers.push(mapper);
    if (mapper.isTrivial) {
      bins.push(null);
    } else {
      used.push(feature);
      bins.push(binColumn(mapper, column));
    }
  }
  return {
    numRows,
    numFeatures,
    featureNames,
    categorical,
    mappers,
    bins,
    usedFeatures: Int32Array.from(used),
  };
}

/** Bins another matrix (validation data) with the mappers of a training dataset. */
export function binWithReference(reference: BinnedDataset, matrix: FeatureMatrix): BinnedDataset {
  checkMatrix(matrix);
  if (matrix.numFeatures !== reference.numFeatures) {
    throw new DatasetError(
      `Validation data has ${matrix.numFeatures} features but the training data has ${reference.numFeatures}`,
    );
  }
  const scratch = new Float64Array(matrix.values instanceof Float64Array ? matrix.numRows : 0);
  const bins = reference.mappers.map((mapper, feature) =>
    mapper.isTrivial ? null : binColumn(mapper, featureColumn(matrix, feature, scratch)),
  );
  return { ...reference, numRows: matrix.numRows, bins };
}

function binColumn(mapper: BinMapper, values: Float64Array): BinColumn {
  const numRows = values.length;
  const column = mapper.numBins <= 256 ? new Uint8Array(numRows) : new Uint16Array(numRows);
  if (mapper.kind === 'categorical') {
    // Dense lookup from category code to bin; codes are small non-negative integers.
    let maxCategory = 0;
    for (const category of mapper.binToCategory) maxCategory = Math.max(maxCategory, category);
    const lookup = new Int32Array(maxCategory + 1);
    mapper.binToCategory.forEach((category, bin) => {
      if (category >= 0) lookup[category] = bin;
    });
    for (let row = 0; row < numRows; row++) {
      const value = values[row];
      const category = value >= 0 ? Math.trunc(value) : -1;
      column[row] = category >= 0 && category <= maxCategory ? lookup[category] : 0;
    }
    return column;
  }
  const hasNaNBin = mapper.missingType === MissingType.NaN;
  const searchCount = hasNaNBin ? mapper.numBins - 1 : mapper.numBins;
  const nanBin = hasNaNBin ? mapper.numBins - 1 : searchUpperBound(mapper.upperBounds, searchCount, 0);
  const bounds = mapper.upperBounds;
  for (let row = 0; row < numRows; row++) {
    const value = values[row];
    column[row] = Number.isNaN(value) ? nanBin : searchUpperBound(bounds, searchCount, value);
  }
  return column;
}

/** LightGBM's `feature_infos` entries, in feature order. */
export function featureInfos(dataset: BinnedDataset): string[] {
  return dataset.mappers.map(featureInfo);
}
