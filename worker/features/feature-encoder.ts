import { CategoryVocabulary } from '../../shared/features/category-vocabulary.ts';
import type { FeatureDefinition, FeatureValue } from '../../shared/features/feature-definition.ts';
import type { InputSchema } from '../engine/io/input-schema.ts';

/**
 * Turns feature values into the numbers the engine reads: numbers as they are, null as NaN
 * (missing), categories as their integer codes. The same encoder (with the model's frozen
 * vocabularies) serves training rows and live scoring.
 */
export class FeatureEncoder {
  private readonly vocabularies: (CategoryVocabulary | undefined)[];

  constructor(
    readonly definitions: readonly FeatureDefinition[],
    vocabularies?: readonly (CategoryVocabulary | undefined)[],
  ) {
    this.vocabularies =
      vocabularies === undefined
        ? definitions.map((feature) =>
            feature.kind === 'categorical' ? CategoryVocabulary.forFeature(feature) : undefined,
          )
        : [...vocabularies];
  }

  /** The encoder of a trained model: categories as its input schema lists them, frozen. */
  static fromInputSchema(definitions: readonly FeatureDefinition[], schema: InputSchema): FeatureEncoder {
    const byName = new Map(schema.features.map((feature) => [feature.name, feature]));
    const vocabularies = definitions.map((definition) => {
      const feature = byName.get(definition.id);
      if (feature === undefined) throw new Error(`The model has no feature ${definition.id}`);
      return feature.kind === 'categorical' ? CategoryVocabulary.frozenFrom(feature.categories) : undefined;
    });
    return new FeatureEncoder(definitions, vocabularies);
  }

  get width(): number {
    return this.definitions.length;
  }

  /** Writes one row of values into `out` at `offset`. */
  encode(values: readonly FeatureValue[], out: Float64Array, offset = 0): void {
    for (let feature = 0; feature < this.definitions.length; feature += 1) {
      const value = values[feature];
      const vocabulary = this.vocabularies[feature];
      if (vocabulary !== undefined) out[offset + feature] = vocabulary.code(value);
      else out[offset + feature] = typeof value === 'number' ? value : Number.NaN;
    }
  }

  encodeRow(values: readonly FeatureValue[]): Float64Array {
    const row = new Float64Array(this.width);
    this.encode(values, row);
    return row;
  }

  freeze(): void {
    for (const vocabulary of this.vocabularies) vocabulary?.freeze();
  }

  /** Column indices of the categorical features, as the trainer takes them. */
  categoricalIndices(): number[] {
    return this.definitions.flatMap((feature, index) => (feature.kind === 'categorical' ? [index] : []));
  }

  /** The engine's input schema: feature ids as column names, categories per categorical feature. */
  inputSchema(labelColumn = 'converted'): InputSchema {
    return {
      features: this.definitions.map((feature, index) => ({
        name: feature.id,
        kind: feature.kind === 'categorical' ? 'categorical' : 'numeric',
        categories: [...(this.vocabularies[index]?.categories() ?? [])],
      })),
      label: { column: labelColumn },
    };
  }
}
