import { seededRandom } from '../../../shared/random.ts';

export interface RowSplit {
  /** Row indices in ascending order, so the kept rows stay in file order. */
  train: Int32Array;
  valid: Int32Array;
}

/** Shuffles row indices with the seed and holds out `fraction` of them (at least one row each side). */
export function splitRows(rows: number, fraction: number, seed: number): RowSplit {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`valid fraction must be between 0 and 1 (exclusive), got ${fraction}`);
  }
  if (rows < 2) throw new RangeError(`cannot split ${rows} row(s) into two non-empty parts`);
  const order = new Int32Array(rows);
  for (let index = 0; index < rows; index += 1) order[index] = index;
  const random = seededRandom(seed);
  for (let index = rows - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const swap = order[index];
    order[index] = order[other];
    order[other] = swap;
  }
  const validCount = Math.min(rows - 1, Math.max(1, Math.round(rows * fraction)));
  return {
    valid: order.slice(0, validCount).sort(),
    train: order.slice(validCount).sort(),
  };
}

/** Copies the chosen rows of a row-major matrix (and their labels) into new arrays. */
export function takeRows(
  matrix: Float64Array,
  labels: Float64Array,
  features: number,
  indices: Int32Array,
): { matrix: Float64Array; labels: Float64Array } {
  const outMatrix = new Float64Array(indices.length * features);
  const outLabels = new Float64Array(indices.length);
  for (let position = 0; position < indices.length; position += 1) {
    const row = indices[position];
    outMatrix.set(matrix.subarray(row * features, (row + 1) * features), position * features);
    outLabels[position] = labels[row];
  }
  return { matrix: outMatrix, labels: outLabels };
}
