import type { Tree } from '../tree/tree.ts';
import type { InputSchema } from './input-schema.ts';

/**
 * A binary-objective gradient-boosted model: LightGBM's text-model header plus its trees, and the
 * input mapping that turns raw records into the model's feature matrix.
 */
export interface Model {
  /** Always 1: one tree per iteration (binary objective). */
  numClass: number;
  numTreePerIteration: number;
  labelIndex: number;
  /** Number of features - 1. */
  maxFeatureIdx: number;
  /** The objective line, e.g. "binary sigmoid:1". */
  objective: string;
  /** The sigmoid scale from the objective line: probability = 1 / (1 + exp(-sigmoid * raw)). */
  sigmoid: number;
  /** Random-forest style models average the trees instead of summing them. */
  averageOutput: boolean;
  /** LightGBM feature names (no spaces); the raw column names are in `inputSchema`. */
  featureNames: string[];
  /** LightGBM's per-feature summary: "[min:max]" numeric, "c1:c2:..." categorical, "none" unused. */
  featureInfos: string[];
  monotoneConstraints?: number[];
  trees: Tree[];
  /** Lines of the `parameters:` section, verbatim ("[num_leaves: 31]"); only LightGBM parameter names. */
  parameters?: string[];
  /** The Python package's `pandas_categorical` value when the file had one and no input schema. */
  pandasCategorical?: unknown;
  inputSchema?: InputSchema;
}

/** Number of input columns the model reads (its feature matrix width). */
export function featureCount(model: Model): number {
  return model.maxFeatureIdx + 1;
}

/** A model file that is not a (supported) LightGBM text model; the message says where and what. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  constructor(
    message: string,
    /** 1-based line in the model text, when the problem is on one line. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}
