/** Floating-point helpers that reproduce the exact bit-level choices LightGBM makes. */

const scratch = new DataView(new ArrayBuffer(8));

/** Smallest double greater than `x` (C's nextafter(x, +inf)). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  const bits = scratch.getBigInt64(0);
  scratch.setBigInt64(0, x > 0 ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}

/** True when `b` (>= a) equals `a` up to one unit in the last place, as LightGBM compares sorted values. */
export function equalOrdered(a: number, b: number): boolean {
  return b <= nextUp(a);
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
