import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { exactExp } from './exact-exp.ts';

describe('exactExp', () => {
  it('returns the same bits as Math.exp on every branch and on arbitrary doubles', () => {
    const random = new SeededRandom(21);
    const inputs = [
      0,
      -0,
      1,
      -1,
      0.5,
      -0.5,
      Math.LN2,
      -Math.LN2,
      2 ** -28,
      -(2 ** -28),
      2 ** -29,
      1e-300,
      5e-324,
      709.78,
      709.79,
      -708.4,
      -720,
      -745.13,
      -745.14,
      1000,
      -1000,
      Infinity,
      -Infinity,
      Number.NaN,
    ];
    for (let i = 0; i < 200_000; i++) inputs.push((random.nextFloat() - 0.5) * 80);
    for (let i = 0; i < 50_000; i++) inputs.push((random.nextFloat() - 0.5) * 1600);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    for (let i = 0; i < 100_000; i++) {
      words[0] = random.nextUint32();
      words[1] = random.nextUint32();
      inputs.push(bits[0]);
    }
    const different = inputs.filter((x) => !Object.is(exactExp(x), Math.exp(x)));
    expect(different).toEqual([]);
    expect(exactExp(1)).toBe(Math.E);
  });
});
