import type { FeatureMatrix } from '../../dataset/binned-dataset.ts';
import { type GoldenMatrix, readGoldenDataset, readGoldenMatrix } from '../../io/golden-fixtures.ts';

export interface GoldenLeadsSplit {
  featureNames: string[];
  categorical: number[];
  train: { matrix: FeatureMatrix; labels: Uint8Array };
  test: { matrix: FeatureMatrix; labels: Uint8Array };
}

function columns({ matrix, rows, width, labels }: GoldenMatrix) {
  const values = Array.from({ length: width }, (_, j) =>
    Float64Array.from({ length: rows }, (_, row) => matrix[row * width + j]),
  );
  return {
    matrix: { numRows: rows, numFeatures: width, values },
    labels: Uint8Array.from(labels),
  };
}

/**
 * The generated leads of fixtures/golden exactly as LightGBM's golden run read them
 * (train.matrix.csv, test.matrix.csv): categories as integer codes, missing values NaN, rows in the
 * split's order; the categorical features are those of dataset.json.
 */
export function loadGoldenLeadsSplit(): GoldenLeadsSplit {
  const dataset = readGoldenDataset();
  const train = readGoldenMatrix('train.matrix.csv');
  return {
    featureNames: train.featureNames,
    categorical: dataset.features.flatMap((feature, index) =>
      feature.kind === 'categorical' ? [index] : [],
    ),
    train: columns(train),
    test: columns(readGoldenMatrix('test.matrix.csv')),
  };
}
