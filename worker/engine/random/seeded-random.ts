/**
 * Small deterministic pseudo-random generator (a 32-bit SplitMix-style mixer over a Weyl sequence).
 * Not cryptographic; chosen because it is fast, has no hidden global state and gives the same stream
 * on every platform, which is what makes training reproducible byte for byte.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that nearby seeds (0, 1, 2...) start far apart.
    this.state = (seed ^ 0x9e3779b9) >>> 0;
    this.nextUint32();
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }

  /**
   * Exactly `count` distinct indices out of [0, total), in increasing order (selection sampling), so
   * callers get a sorted subset without sorting.
   */
  sampleSorted(total: number, count: number): Int32Array {
    const chosen = new Int32Array(Math.min(count, total));
    let needed = chosen.length;
    let filled = 0;
    for (let i = 0; i < total && needed > 0; i++) {
      if (this.nextFloat() * (total - i) < needed) {
        chosen[filled++] = i;
        needed--;
      }
    }
    return chosen;
  }
}
