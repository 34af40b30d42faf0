/**
 * Number text exactly as LightGBM writes and reads it in model files. LightGBM prints doubles with
 * C's `%.17g` where it needs them to round-trip (thresholds, leaf values, leaf weights) and with `%g`
 * (6 significant digits) elsewhere; integers in plain decimal.
 */

/** C `printf("%.<precision>g", value)`: shortest of fixed/exponent form, trailing zeros removed. */
export function formatG(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // toExponential rounds correctly to `precision` significant digits; the layout is then C's.
  const exponential = value.toExponential(precision - 1);
  const marker = exponential.indexOf('e');
  const exponent = Number(exponential.slice(marker + 1));
  const negative = exponential.startsWith('-');
  const digits = exponential.slice(negative ? 1 : 0, marker).replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= precision) {
    const mantissa = trimFraction(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${mantissa}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}${trimFraction(`0.${'0'.repeat(-exponent - 1)}${digits}`)}`;
  const whole = digits.slice(0, exponent + 1);
  const fraction = digits.slice(exponent + 1);
  return `${sign}${trimFraction(fraction === '' ? whole : `${whole}.${fraction}`)}`;
}

function trimFraction(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** `%.17g`: enough digits that parsing the text gives back the same double. */
export function formatExact(value: number): string {
  return formatG(value, 17);
}

/** `%g`: LightGBM's default for statistics that only need to be readable. */
export function formatShort(value: number): string {
  return formatG(value, 6);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A double as LightGBM's parser reads it (decimal, `nan`, `inf`), or undefined for anything else. */
export function parseDouble(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'nan' || lower === '-nan' || lower === '+nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') {
    return Number.POSITIVE_INFINITY;
  }
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** A base-10 integer, or undefined when the text is not one (or is not a safe integer). */
export function parseInteger(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
