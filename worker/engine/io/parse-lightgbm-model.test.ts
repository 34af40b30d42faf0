import { describe, expect, it } from 'vitest';
import { readGoldenModel } from './golden-fixtures.ts';
import { ModelFormatError } from './model.ts';
import { parseLightGbmModel } from './parse-lightgbm-model.ts';

const golden = readGoldenModel('nan');

/** The golden text with one line replaced (1-based line number). */
function withLine(lineNumber: number, replacement: string): string {
  const lines = golden.split('\n');
  lines[lineNumber - 1] = replacement;
  return lines.join('\n');
}

function lineOf(prefix: string): number {
  return golden.split('\n').findIndex((line) => line.startsWith(prefix)) + 1;
}

describe('parseLightGbmModel', () => {
  it('reads the header and every tree of a LightGBM 4 model', () => {
    const model = parseLightGbmModel(golden);
    expect(model.trees.length).toBe(40);
    expect(model.maxFeatureIdx).toBe(18);
    expect(model.objective).toBe('binary sigmoid:1');
    expect(model.sigmoid).toBe(1);
    expect(model.featureNames[0]).toBe('employees');
    expect(model.featureNames[18]).toBe('seniority');
    expect(model.featureInfos[0]).toBe('[1:59674]');
    expect(model.featureInfos[18]).toBe('-1:2:3:1:4:6:0:5');
    expect(model.parameters?.[0]).toBe('[boosting: gbdt]');
    expect(model.parameters?.length).toBe(golden.split('\n').filter((line) => line.startsWith('[')).length);
    const first = model.trees[0];
    expect(first.numLeaves).toBe(15);
    expect(first.numCat).toBe(1);
    expect(Array.from(first.catThreshold)).toEqual([28]);
    expect(first.threshold[7]).toBe(Math.fround(1e-35));
    expect(first.leafValue[0]).toBe(-1.5496262180119857);
    expect(first.internalCount[0]).toBe(5313);
    expect(model.trees[1].shrinkage).toBe(0.1);
  });

  it('reads Windows line endings and a trailing pandas_categorical line', () => {
    const text = `${golden.replaceAll('\n', '\r\n')}\r\npandas_categorical:[["a", "b"], [1, 2]]\r\n`;
    const model = parseLightGbmModel(text);
    expect(model.trees.length).toBe(40);
    expect(model.pandasCategorical).toEqual([
      ['a', 'b'],
      [1, 2],
    ]);
  });

  it('rejects text that is not a LightGBM model, naming the first line', () => {
    expect(() => parseLightGbmModel('id,score\n1,2\n')).toThrow(ModelFormatError);
    expect(() => parseLightGbmModel('id,score\n1,2\n')).toThrow(
      "line 1: not a LightGBM text model: the first line must be 'tree', found 'id,score'",
    );
    expect(() => parseLightGbmModel('\n \n')).toThrow('the model file is empty');
  });

  it('rejects objectives other than binary classification', () => {
    const text = withLine(lineOf('objective='), 'objective=regression');
    expect(() => parseLightGbmModel(text)).toThrow(
      "line 7: objective 'regression' is not supported; only binary classification models ('binary sigmoid:1') can be loaded",
    );
    expect(() => parseLightGbmModel(withLine(3, 'num_class=3'))).toThrow(
      'line 3: only binary models are supported',
    );
  });

  it('names the line and the key when a tree array has the wrong length', () => {
    const line = lineOf('leaf_value=');
    const text = withLine(line, 'leaf_value=1 2 3');
    expect(() => parseLightGbmModel(text)).toThrow(
      `line ${line}: tree 0: 'leaf_value' has 3 values, expected 15`,
    );
  });

  it('names a missing header key and a bad number', () => {
    expect(() => parseLightGbmModel(withLine(lineOf('feature_infos='), ''))).toThrow(
      "the model header has no 'feature_infos=' line",
    );
    const line = lineOf('threshold=');
    expect(() => parseLightGbmModel(withLine(line, `threshold=${'1 '.repeat(13)}x`))).toThrow(
      `line ${line}: tree 0: 'threshold' must hold numbers, found 'x'`,
    );
  });

  it('rejects a tree whose children do not form a tree', () => {
    const line = lineOf('left_child=');
    const text = withLine(line, 'left_child=1 3 4 6 -2 9 7 -1 12 -4 -11 13 -3 -3');
    expect(() => parseLightGbmModel(text)).toThrow(`line ${line}: tree 0: node 13 has an invalid child -3`);
  });

  it('rejects a split on a feature the header does not have', () => {
    const line = lineOf('split_feature=');
    const text = withLine(line, 'split_feature=13 12 0 1 12 13 0 2 1 12 2 18 12 19');
    expect(() => parseLightGbmModel(text)).toThrow(
      `line ${line}: tree 0: node 13 splits on feature 19, outside 0..18 (max_feature_idx)`,
    );
  });

  it('rejects a file cut short in the middle of the trees', () => {
    const cut = golden.slice(0, golden.indexOf('Tree=30'));
    expect(() => parseLightGbmModel(cut)).toThrow('tree_sizes lists 40 trees but the file holds 30');
  });
});
