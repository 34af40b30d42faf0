/** Floating-point helpers that reproduce the exact bit-level choices LightGBM makes. */

const scratchFloat = new Float64Array(1);
// Two 32-bit halves of the same 8 bytes; index of the low half depends on the platform's byte order.
const scratchWords = new Uint32Array(scratchFloat.buffer);
const LOW = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

/** Smallest double greater than `x` (C's nextafter(x, +inf)). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Number.MIN_VALUE;
  scratchFloat[0] = x;
  // Positive doubles grow with their bit pattern, negative ones shrink: step the 64-bit pattern by one.
  if (x > 0) {
    if (scratchWords[LOW] === 0xffffffff) {
      scratchWords[LOW] = 0;
      scratchWords[HIGH] += 1;
    } else {
      scratchWords[LOW] += 1;
    }
  } else if (scratchWords[LOW] === 0) {
    scratchWords[LOW] = 0xffffffff;
    scratchWords[HIGH] -= 1;
  } else {
    scratchWords[LOW] -= 1;
  }
  return scratchFloat[0];
}

/** True when `b` (>= a) equals `a` up to one unit in the last place, as LightGBM compares sorted values. */
export function equalOrdered(a: number, b: number): boolean {
  return a === b || b <= nextUp(a);
}

/** LightGBM's zero threshold: the float 1e-35f widened to double. */
export const ZERO_THRESHOLD = Math.fround(1e-35);

/**
 * Formats like C++ `ostream << setprecision(15) << x` (the `%.15g` rules): 15 significant digits,
 * trailing zeros dropped, exponent form below 1e-4 or from 1e15 on.
 */
export function formatPrecision15(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exponential = x.toExponential(14);
  const [mantissa, exponentText] = exponential.split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 15) {
    const trimmed = stripZeros(mantissa);
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${trimmed}e${sign}${digits}`;
  }
  return stripZeros(x.toFixed(14 - exponent));
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}
