import { describe, expect, it } from 'vitest';
import { isCategorical, isDefaultLeft, MissingType, missingType } from '../tree/tree.ts';
import {
  type GoldenModelName,
  readGoldenDataset,
  readGoldenFigures,
  readGoldenModel,
  readGoldenSample,
} from './golden-fixtures.ts';
import { parseLightGbmModel } from './parse-lightgbm-model.ts';

/** One split rule as LightGBM's decision_type encodes it. */
function describeDecision(decisionType: number): string {
  const kind = isCategorical(decisionType) ? 'categorical' : 'numerical';
  const missing = ['None', 'Zero', 'NaN'][missingType(decisionType)];
  return `${kind}, missing ${missing}, default ${isDefaultLeft(decisionType) ? 'left' : 'right'}`;
}

function decisionsOf(name: GoldenModelName): Set<string> {
  const model = parseLightGbmModel(readGoldenModel(name));
  const seen = new Set<string>();
  for (const tree of model.trees) {
    for (const decisionType of tree.decisionType) seen.add(describeDecision(decisionType));
  }
  return seen;
}

describe('the golden models cover the split rules the tests rely on', () => {
  it('the NaN model splits numerically and by category, with and without missing values, both ways', () => {
    expect([...decisionsOf('nan')].sort()).toEqual([
      'categorical, missing NaN, default right',
      'categorical, missing None, default right',
      'numerical, missing NaN, default left',
      'numerical, missing NaN, default right',
      'numerical, missing None, default left',
    ]);
  });

  it('the zero_as_missing model sends zeros left in some splits and right in others', () => {
    expect([...decisionsOf('zero')].sort()).toEqual([
      'categorical, missing NaN, default right',
      'categorical, missing None, default right',
      'numerical, missing None, default left',
      'numerical, missing Zero, default left',
      'numerical, missing Zero, default right',
    ]);
  });

  it('agrees with the decision types the golden run recorded', () => {
    const figures = readGoldenFigures();
    expect(figures.decisionTypes).toEqual({ nan: [1, 2, 8, 9, 10], zero: [1, 2, 4, 6, 9] });
    expect(MissingType).toEqual({ None: 0, Zero: 1, NaN: 2 });
    expect(figures.lightgbm.version).toBe('4.1.0.99');
  });

  it('scores rows that exercise each rule: NaN cells, zeros and every category', () => {
    const sample = readGoldenSample();
    const dataset = readGoldenDataset();
    const column = (name: string) => {
      const j = sample.featureNames.indexOf(name);
      return Array.from({ length: sample.rows }, (_, row) => sample.matrix[row * sample.width + j]);
    };
    expect(sample.featureNames).toEqual(dataset.features.map((feature) => feature.name));
    expect(column('days_since_last_activity').some(Number.isNaN)).toBe(true);
    expect(column('employees').some(Number.isNaN)).toBe(true);
    expect(column('email_opens').some(Number.isNaN)).toBe(false);
    expect(column('email_opens').filter((value) => value === 0).length).toBeGreaterThan(50);
    expect(column('industry').some(Number.isNaN)).toBe(true);
    const sources = dataset.features.find((feature) => feature.name === 'lead_source');
    expect(new Set(column('lead_source')).size).toBe(sources?.categories.length);
  });
});
