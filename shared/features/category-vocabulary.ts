import type { FeatureDefinition, FeatureValue } from './feature-definition.ts';

/**
 * Integer codes for one categorical feature. A fixed catalogue list is frozen; a tenant list grows
 * while training examples are built (codes in first-seen order, so the same data gives the same
 * codes) and is frozen once the model is trained: at scoring time an unseen value has no code and
 * is missing, exactly as LightGBM treats an unseen category.
 */
export class CategoryVocabulary {
  private readonly codes = new Map<string, number>();
  private readonly values: string[] = [];

  private constructor(
    categories: readonly string[],
    private frozen: boolean,
  ) {
    for (const category of categories) this.add(category);
  }

  static forFeature(feature: FeatureDefinition): CategoryVocabulary {
    if (feature.kind !== 'categorical' || feature.categories === undefined) {
      throw new Error(`Feature ${feature.id} is not categorical`);
    }
    return feature.categories === 'tenant'
      ? new CategoryVocabulary([], false)
      : new CategoryVocabulary(feature.categories, true);
  }

  /** A vocabulary read back from a model's input schema: frozen. */
  static frozenFrom(categories: readonly string[]): CategoryVocabulary {
    return new CategoryVocabulary(categories, true);
  }

  private add(category: string): number {
    const code = this.values.length;
    this.codes.set(category, code);
    this.values.push(category);
    return code;
  }

  /** The code of a value, or NaN (missing) for null or a value a frozen vocabulary does not have. */
  code(value: FeatureValue): number {
    if (typeof value !== 'string') return Number.NaN;
    const known = this.codes.get(value);
    if (known !== undefined) return known;
    return this.frozen ? Number.NaN : this.add(value);
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Category for each code (code = index), as the engine's input schema lists them. */
  categories(): readonly string[] {
    return this.values;
  }
}
