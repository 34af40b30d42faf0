import { describe, expect, it } from 'vitest';
import { explainContributions } from '../explain/fast-tree-shap.ts';
import { randomModel, randomRows } from '../explain/random-model.ts';
import { predictRaw } from '../predict/predict.ts';
import { formatLightGbmModel } from './format-lightgbm-model.ts';
import { GOLDEN_MODELS, readGoldenModel } from './golden-fixtures.ts';
import type { InputSchema } from './input-schema.ts';
import type { Model } from './model.ts';
import { parseLightGbmModel } from './parse-lightgbm-model.ts';

function modelWithSchema(): Model {
  const model = randomModel({
    seed: 3,
    numTrees: 25,
    numLeaves: 31,
    numFeatures: 6,
    categoricalFeatures: [2, 5],
    categoryCount: 40,
    rootCount: 5000,
  });
  const schema: InputSchema = {
    features: [
      { name: 'Total Visits', kind: 'numeric', categories: [] },
      { name: 'Time on site', kind: 'numeric', categories: [] },
      { name: 'Lead Source', kind: 'categorical', categories: ['Google', 'a=b', 'Olark "Chat"', 'Café'] },
      { name: 'Pages', kind: 'numeric', categories: [] },
      { name: 'Score=x', kind: 'numeric', categories: [] },
      { name: 'Tier', kind: 'categorical', categories: ['1', '2', '10'] },
    ],
    label: { column: 'Converted', positive: 'yes', negative: 'no' },
  };
  return { ...model, inputSchema: schema, parameters: ['[num_leaves: 31]', '[learning_rate: 0.1]'] };
}

describe('formatLightGbmModel', () => {
  it.each(GOLDEN_MODELS)('writes the %s golden LightGBM model back byte for byte', (name) => {
    const golden = readGoldenModel(name);
    expect(formatLightGbmModel(parseLightGbmModel(golden))).toBe(golden);
  });

  it('records each tree block’s exact byte length in tree_sizes', () => {
    const text = formatLightGbmModel(modelWithSchema());
    const sizes = (text.match(/^tree_sizes=(.*)$/m)?.[1] ?? '').split(' ').map(Number);
    const bytes = Buffer.from(text, 'utf8');
    let offset = bytes.indexOf('Tree=0\n');
    sizes.forEach((size, index) => {
      expect(bytes.subarray(offset, offset + 6 + String(index).length).toString()).toBe(`Tree=${index}\n`);
      offset += size;
    });
    expect(bytes.subarray(offset, offset + 12).toString()).toBe('end of trees');
  });

  it('loads back to identical predictions and contributions, and writes the same text again', () => {
    const model = modelWithSchema();
    const text = formatLightGbmModel(model);
    const loaded = parseLightGbmModel(text);
    const rows = randomRows(11, 300, 6);
    expect(Array.from(predictRaw(loaded, rows))).toEqual(Array.from(predictRaw(model, rows)));
    expect(Array.from(explainContributions(loaded, rows))).toEqual(
      Array.from(explainContributions(model, rows)),
    );
    expect(loaded.inputSchema).toEqual(model.inputSchema);
    expect(formatLightGbmModel(loaded)).toBe(text);
  });

  it('keeps the input schema on one header line that LightGBM’s loader ignores', () => {
    const text = formatLightGbmModel(modelWithSchema());
    const header = text.slice(0, text.indexOf('\nTree=0\n')).split('\n');
    const schemaLine = header.find((line) => line.startsWith('leadscore_input_schema='));
    expect(schemaLine).toBeDefined();
    // LightGBM rejects a header line with a second '=' (except feature_names).
    for (const line of header.filter((entry) => !entry.startsWith('feature_names='))) {
      expect(line.split('=').length).toBeLessThanOrEqual(2);
    }
    expect(schemaLine).toContain('a\\u003db');
  });

  it('ends with the pandas_categorical line Python’s lightgbm reads for category codes', () => {
    const lines = formatLightGbmModel(modelWithSchema()).trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      'pandas_categorical:[["Google", "a=b", "Olark \\"Chat\\"", "Caf\\u00e9"], [1, 2, 10]]',
    );
    expect(lines).toContain('end of parameters');
  });

  it('writes one-leaf trees with empty split arrays, as LightGBM does', () => {
    const model = randomModel({ seed: 1, numTrees: 1, numLeaves: 1, numFeatures: 2 });
    const text = formatLightGbmModel(model);
    expect(text).toContain('Tree=0\nnum_leaves=1\nnum_cat=0\nsplit_feature=\nsplit_gain=\nthreshold=\n');
    expect(Array.from(predictRaw(parseLightGbmModel(text), Float64Array.from([1, 2])))).toEqual([
      model.trees[0].leafValue[0],
    ]);
  });
});
