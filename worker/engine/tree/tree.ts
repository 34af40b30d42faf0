/**
 * One regression tree in LightGBM's own representation (include/LightGBM/tree.h), so that the text
 * model format maps onto it field for field.
 *
 * Node indices: internal nodes are 0..numLeaves-2. A child index >= 0 is an internal node; a negative
 * child `c` is the leaf `~c` (that is, -c - 1).
 *
 * decisionType bits (LightGBM's kCategoricalMask / kDefaultLeftMask / missing type):
 *   bit 0 (1): categorical split
 *   bit 1 (2): default left (missing values go left)
 *   bits 2-3 ((d >> 2) & 3): missing type: 0 none, 1 zero, 2 NaN
 *
 * For a numerical split, `threshold[node]` is the value (go left when value <= threshold).
 * For a categorical split, `threshold[node]` is the index `k` into `catBoundaries`; the categories that
 * go left are the set bits of `catThreshold[catBoundaries[k] .. catBoundaries[k+1])` (32 per word).
 */
export interface Tree {
  numLeaves: number;
  numCat: number;
  splitFeature: Int32Array;
  splitGain: Float64Array;
  threshold: Float64Array;
  decisionType: Uint8Array;
  leftChild: Int32Array;
  rightChild: Int32Array;
  leafValue: Float64Array;
  leafWeight: Float64Array;
  leafCount: Int32Array;
  internalValue: Float64Array;
  internalWeight: Float64Array;
  internalCount: Int32Array;
  catBoundaries: Int32Array;
  catThreshold: Uint32Array;
  isLinear: boolean;
  shrinkage: number;
}

export const CATEGORICAL_MASK = 1;
export const DEFAULT_LEFT_MASK = 2;

export const MissingType = { None: 0, Zero: 1, NaN: 2 } as const;
export type MissingType = (typeof MissingType)[keyof typeof MissingType];

export function isCategorical(decisionType: number): boolean {
  return (decisionType & CATEGORICAL_MASK) !== 0;
}

export function isDefaultLeft(decisionType: number): boolean {
  return (decisionType & DEFAULT_LEFT_MASK) !== 0;
}

export function missingType(decisionType: number): MissingType {
  return ((decisionType >> 2) & 3) as MissingType;
}
