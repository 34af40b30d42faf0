import { describe, expect, it } from 'vitest';
import { BinaryObjective, toBinaryLabels } from './binary-objective.ts';

const plain = { sigmoid: 1, isUnbalance: false, scalePosWeight: 1 };

describe('binary objective', () => {
  it('gives p - y as gradient and p(1 - p) as hessian', () => {
    const objective = new BinaryObjective(Uint8Array.from([1, 0]), plain);
    const pairs = new Float32Array(4);
    objective.computeGradients(Float64Array.from([0.5, 2]), pairs);
    const gradients = [pairs[0], pairs[2]];
    const hessians = [pairs[1], pairs[3]];
    const p0 = 1 / (1 + Math.exp(-0.5));
    const p1 = 1 / (1 + Math.exp(-2));
    expect(gradients[0]).toBeCloseTo(p0 - 1, 6);
    expect(gradients[1]).toBeCloseTo(p1, 6);
    expect(hessians[0]).toBeCloseTo(p0 * (1 - p0), 6);
    expect(hessians[1]).toBeCloseTo(p1 * (1 - p1), 6);
  });

  it('starts from the log-odds of the label mean', () => {
    const objective = new BinaryObjective(Uint8Array.from([1, 0, 0, 0]), plain);
    expect(objective.initialScore()).toBeCloseTo(Math.log(0.25 / 0.75), 12);
  });

  it('weights the minority class by the class ratio with is_unbalance', () => {
    const objective = new BinaryObjective(Uint8Array.from([1, 0, 0, 0]), { ...plain, isUnbalance: true });
    expect(Array.from(objective.labelWeights)).toEqual([1, 3]);
    const pairs = new Float32Array(8);
    objective.computeGradients(new Float64Array(4), pairs);
    const gradients = [pairs[0], pairs[2]];
    const hessians = [pairs[1], pairs[3]];
    expect(gradients[0]).toBeCloseTo(-1.5, 6);
    expect(hessians[0]).toBeCloseTo(0.75, 6);
    expect(gradients[1]).toBeCloseTo(0.5, 6);
    // The initial score still comes from the unweighted mean, as in LightGBM.
    expect(objective.initialScore()).toBeCloseTo(Math.log(1 / 3), 12);
  });

  it('multiplies positive weights by scale_pos_weight', () => {
    const objective = new BinaryObjective(Uint8Array.from([1, 0]), { ...plain, scalePosWeight: 2.5 });
    expect(Array.from(objective.labelWeights)).toEqual([1, 2.5]);
  });

  it('rejects labels other than 0 and 1, naming the row', () => {
    expect(() => toBinaryLabels([0, 1, 2])).toThrow('Label of row 2 is 2');
  });
});
