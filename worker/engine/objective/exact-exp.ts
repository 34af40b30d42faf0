/**
 * e^x with the same bits as V8's Math.exp, cheaper to call from a hot loop. V8 computes Math.exp
 * with the classic fdlibm algorithm (argument reduction x = k ln2 + r, a degree-5 rational
 * approximation of e^r, then scaling by 2^k) through a call out of optimized code; the same
 * IEEE-754 operations in the same order written in JavaScript inline into the caller and give the
 * same result bit for bit (JavaScript never fuses multiply-adds). The input is split by magnitude
 * with ordinary comparisons against the bounds fdlibm tests on the high word.
 */
// fdlibm's constants, written as the shortest decimals of the same doubles.
const view = new DataView(new ArrayBuffer(8));
/** The double whose high 32 bits are `high` and low 32 bits are zero. */
function fromHighWord(high: number): number {
  view.setUint32(0, high);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

const HALF_LN2_LIMIT = fromHighWord(0x3fd62e43); // |x| above 0.5 ln2 (high word > 0x3fd62e42)
const ONE_AND_HALF_LN2_LIMIT = fromHighWord(0x3ff0a2b2); // |x| below 1.5 ln2
const TINY_LIMIT = fromHighWord(0x3e300000); // |x| below 2^-28
const LARGE_LIMIT = fromHighWord(0x40862e42); // |x| from about 709.78 up
const OVERFLOW_THRESHOLD = 709.782712893384;
const UNDERFLOW_THRESHOLD = -745.1332191019411;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = Math.LOG2E; // 1.442695040888963387, fdlibm's invln2
const P1 = 0.16666666666666602;
const P2 = -0.0027777777777015593;
const P3 = 6.613756321437934e-5;
const P4 = -1.6533902205465252e-6;
const P5 = 4.1381367970572385e-8;
/** The constants of fdlibm's e^x, shared with the WebAssembly gradient kernels. */
export const FDLIBM_EXP_CONSTANTS = {
  tinyLimit: TINY_LIMIT,
  halfLn2Limit: HALF_LN2_LIMIT,
  oneAndHalfLn2Limit: ONE_AND_HALF_LN2_LIMIT,
  ln2Hi: LN2_HI,
  ln2Lo: LN2_LO,
  invLn2: INV_LN2,
  p: [P1, P2, P3, P4, P5],
} as const;

const TWO_M1000 = 2 ** -1000;
const HUGE = 1e300;

/** 2^k for k in [-1021, 1024), as exact doubles. */
const POWERS_OF_TWO = Float64Array.from({ length: 2045 }, (_, index) => 2 ** (index - 1021));

export function exactExp(x: number): number {
  const magnitude = Math.abs(x);
  if (magnitude >= LARGE_LIMIT) {
    if (Number.isNaN(x)) return x + x;
    if (magnitude === Number.POSITIVE_INFINITY) return Math.max(x, 0);
    if (x > OVERFLOW_THRESHOLD) return HUGE * HUGE;
    if (x < UNDERFLOW_THRESHOLD) return TWO_M1000 * TWO_M1000;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  let r = x;
  if (magnitude >= HALF_LN2_LIMIT) {
    if (magnitude < ONE_AND_HALF_LN2_LIMIT) {
      // V8 returns Math.E for exactly 1, the one input where fdlibm is an ulp off.
      if (x === 1) return Math.E;
      if (x > 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    r = hi - lo;
  } else if (magnitude < TINY_LIMIT) {
    return 1 + x;
  }
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((r * c) / (c - 2) - r);
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * 2 ** 1023;
    return y * POWERS_OF_TWO[k + 1021];
  }
  return y * 2 ** (k + 1000) * TWO_M1000;
}
